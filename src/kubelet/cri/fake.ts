/**
 * An in-memory CRI runtime and image service for tests (the FakeRuntime beside the
 * RuntimeService/ImageService interfaces). It mimics containerd's observable behaviour:
 * sandboxes get IPs, containers move CREATED -> RUNNING -> EXITED, StopContainer ends a
 * container with exit 0 (`Completed`) or 137 (`Error`) when it ignores SIGTERM, a failed
 * RunPodSandbox leaves a NOTREADY sandbox behind, and log lines are written in CRI format.
 * Hooks make containers exit, pulls fail, or sandbox creation fail.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type {
  Container, ContainerConfig, ContainerFilter, ContainerStatus, ExecSyncResponse, Image, ImageService, ImageSpec,
  PodSandbox, PodSandboxConfig, PodSandboxFilter, PodSandboxStatus, RuntimeCondition, RuntimeService, StreamRequest, VersionResponse,
} from './api.js';
import { CriError } from './api.js';

/** How a started container behaves. */
export interface FakeContainerBehaviour {
  /** Exit on its own with this code right after starting (or after `afterMs`). */
  exitCode?: number;
  /** Termination reason reported on exit (default Completed/Error by code). */
  reason?: string;
  afterMs?: number;
  /** Ignore SIGTERM: StopContainer kills it with 137 after the timeout. */
  ignoreTerm?: boolean;
  /** Lines written to stdout when it starts. */
  stdout?: string[];
}

interface FakeSandbox {
  id: string;
  config: PodSandboxConfig;
  state: 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
  createdAt: number;
  ip: string;
}

interface FakeContainer {
  id: string;
  sandboxId: string;
  config: ContainerConfig;
  state: ContainerStatus['state'];
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
  imageRef: string;
  logPath: string;
  behaviour: FakeContainerBehaviour;
  timer?: NodeJS.Timeout;
}

const matches = (labels: Record<string, string>, sel?: Record<string, string>): boolean =>
  !sel || Object.entries(sel).every(([k, v]) => labels[k] === v);

/** RFC 3339 with nanoseconds, as containerd writes in CRI log lines. */
function criTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000000Z');
}

/** In-memory RuntimeService + ImageService. All times are wall-clock based unless `now` is given. */
export class FakeRuntime implements RuntimeService, ImageService {
  readonly sandboxes = new Map<string, FakeSandbox>();
  readonly containers = new Map<string, FakeContainer>();
  readonly images = new Map<string, Image>();
  /** Every call, as `method id-or-name`. */
  readonly calls: string[] = [];
  /** Image refs whose PullImage fails with the given message. */
  readonly pullFailures = new Map<string, string>();
  /** When set, the next RunPodSandbox calls fail with this message (leaving a NOTREADY sandbox). */
  runPodSandboxError: string | undefined;
  /** Chooses a behaviour for each container created (by its config). */
  behaviour: (config: ContainerConfig, sandbox: PodSandboxConfig) => FakeContainerBehaviour = () => ({});
  private seq = 0;
  private ipSeq = 1;

  constructor(private readonly now: () => number = () => Date.now()) {}

  private nowNs(): number {
    return this.now() * 1e6 + (this.seq++ % 1000);
  }

  private id(): string {
    return (Date.now().toString(16) + (this.seq++).toString(16).padStart(8, '0')).padEnd(64, '0').slice(0, 64);
  }

  /** Adds an image as if it were imported (`ctr images import`). */
  addImage(ref: string, opts: { size?: number; digest?: string } = {}): Image {
    const digest = opts.digest ?? `sha256:${Buffer.from(ref).toString('hex').padEnd(64, '0').slice(0, 64)}`;
    const repo = ref.replace(/:[^:/@]+$/, '');
    const img: Image = { id: `sha256:${digest.slice(7, 71).split('').reverse().join('')}`, repoTags: [ref], repoDigests: [`${repo}@${digest}`], size: opts.size ?? 1234 };
    this.images.set(ref, img);
    return img;
  }

  // ------------------------------------------------------------ runtime service

  async version(): Promise<VersionResponse> {
    return { version: '0.1.0', runtimeName: 'containerd', runtimeVersion: '1.6.20', runtimeApiVersion: 'v1' };
  }

  async status(): Promise<{ conditions: RuntimeCondition[] }> {
    return { conditions: [{ type: 'RuntimeReady', status: true, reason: '', message: '' }, { type: 'NetworkReady', status: true, reason: '', message: '' }] };
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    this.calls.push(`runPodSandbox ${config.metadata.name}`);
    const id = this.id();
    const failed = this.runPodSandboxError;
    this.sandboxes.set(id, { id, config, state: failed ? 'SANDBOX_NOTREADY' : 'SANDBOX_READY', createdAt: this.nowNs(), ip: failed ? '' : `10.88.0.${++this.ipSeq}` });
    if (failed) {
      this.runPodSandboxError = undefined;
      throw new CriError(2, failed);
    }
    return id;
  }

  async stopPodSandbox(id: string): Promise<void> {
    this.calls.push(`stopPodSandbox ${id}`);
    const sb = this.sandboxes.get(id);
    if (!sb) return;
    for (const c of this.containers.values()) if (c.sandboxId === id && c.state === 'CONTAINER_RUNNING') this.exit(c, 137, 'Error');
    sb.state = 'SANDBOX_NOTREADY';
    sb.ip = '';
  }

  async removePodSandbox(id: string): Promise<void> {
    this.calls.push(`removePodSandbox ${id}`);
    for (const c of [...this.containers.values()]) if (c.sandboxId === id) this.containers.delete(c.id);
    this.sandboxes.delete(id);
  }

  async podSandboxStatus(id: string): Promise<PodSandboxStatus> {
    const sb = this.sandboxes.get(id);
    if (!sb) throw new CriError(5, `an error occurred when try to find sandbox: not found`);
    return { id, metadata: sb.config.metadata, state: sb.state, createdAt: sb.createdAt, network: { ip: sb.ip, additionalIps: [] }, labels: sb.config.labels ?? {}, annotations: sb.config.annotations ?? {} };
  }

  async listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]> {
    return [...this.sandboxes.values()]
      .filter((s) => (!filter?.id || s.id === filter.id) && (!filter?.state || s.state === filter.state.state) && matches(s.config.labels ?? {}, filter?.labelSelector))
      .map((s) => ({ id: s.id, metadata: s.config.metadata, state: s.state, createdAt: s.createdAt, labels: s.config.labels ?? {}, annotations: s.config.annotations ?? {} }));
  }

  async createContainer(sandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    this.calls.push(`createContainer ${config.metadata.name}`);
    const sb = this.sandboxes.get(sandboxId);
    if (!sb || sb.state !== 'SANDBOX_READY') throw new CriError(9, `sandbox ${sandboxId} is not ready`);
    const img = this.images.get(config.image.image);
    if (!img) throw new CriError(5, `failed to get image "${config.image.image}": not found`);
    const id = this.id();
    const logPath = sandboxConfig.logDirectory && config.logPath ? join(sandboxConfig.logDirectory, config.logPath) : '';
    this.containers.set(id, {
      id, sandboxId, config, state: 'CONTAINER_CREATED', createdAt: this.nowNs(), startedAt: 0, finishedAt: 0, exitCode: 0, reason: '',
      imageRef: img.repoDigests[0] ?? img.id, logPath, behaviour: this.behaviour(config, sandboxConfig),
    });
    return id;
  }

  async startContainer(id: string): Promise<void> {
    this.calls.push(`startContainer ${id}`);
    const c = this.mustGet(id);
    if (c.state !== 'CONTAINER_CREATED') throw new CriError(9, `container ${id} is not in created state`);
    c.state = 'CONTAINER_RUNNING';
    c.startedAt = this.nowNs();
    for (const line of c.behaviour.stdout ?? []) this.writeLog(id, 'stdout', line);
    const code = c.behaviour.exitCode;
    if (code !== undefined) {
      if (!c.behaviour.afterMs) this.exit(c, code, c.behaviour.reason);
      else c.timer = setTimeout(() => this.exit(c, code, c.behaviour.reason), c.behaviour.afterMs);
    }
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    this.calls.push(`stopContainer ${id} ${timeoutSeconds}`);
    const c = this.containers.get(id);
    if (!c || c.state !== 'CONTAINER_RUNNING') return;
    if (c.behaviour.ignoreTerm) this.exit(c, 137, 'Error');
    else this.exit(c, 0, 'Completed');
  }

  async removeContainer(id: string): Promise<void> {
    this.calls.push(`removeContainer ${id}`);
    const c = this.containers.get(id);
    if (c?.timer) clearTimeout(c.timer);
    this.containers.delete(id);
  }

  async listContainers(filter?: ContainerFilter): Promise<Container[]> {
    return [...this.containers.values()]
      .filter((c) => (!filter?.id || c.id === filter.id) && (!filter?.podSandboxId || c.sandboxId === filter.podSandboxId) && (!filter?.state || c.state === filter.state.state) && matches(c.config.labels ?? {}, filter?.labelSelector))
      .map((c) => ({ id: c.id, podSandboxId: c.sandboxId, metadata: c.config.metadata, image: c.config.image, imageRef: c.imageRef, state: c.state, createdAt: c.createdAt, labels: c.config.labels ?? {}, annotations: c.config.annotations ?? {} }));
  }

  async containerStatus(id: string): Promise<ContainerStatus> {
    const c = this.mustGet(id);
    return {
      id, metadata: c.config.metadata, state: c.state, createdAt: c.createdAt, startedAt: c.startedAt, finishedAt: c.finishedAt, exitCode: c.exitCode,
      image: c.config.image, imageRef: c.imageRef, reason: c.reason, message: '', labels: c.config.labels ?? {}, annotations: c.config.annotations ?? {}, mounts: [], logPath: c.logPath,
    };
  }

  async execSync(id: string, cmd: string[]): Promise<ExecSyncResponse> {
    this.mustGet(id);
    return { stdout: Buffer.from(cmd.join(' ')), stderr: Buffer.alloc(0), exitCode: 0 };
  }

  async exec(req: StreamRequest & { cmd: string[] }): Promise<string> {
    this.mustGet(req.containerId);
    return `http://127.0.0.1:0/exec/${req.containerId}`;
  }

  async attach(req: StreamRequest): Promise<string> {
    this.mustGet(req.containerId);
    return `http://127.0.0.1:0/attach/${req.containerId}`;
  }

  async portForward(sandboxId: string): Promise<string> {
    return `http://127.0.0.1:0/portforward/${sandboxId}`;
  }

  async reopenContainerLog(): Promise<void> {}

  // ------------------------------------------------------------ image service

  async listImages(): Promise<Image[]> {
    return [...this.images.values()];
  }

  async imageStatus(image: ImageSpec): Promise<Image | undefined> {
    return this.images.get(image.image) ?? [...this.images.values()].find((i) => i.id === image.image || i.repoDigests.includes(image.image));
  }

  async pullImage(image: ImageSpec): Promise<string> {
    this.calls.push(`pullImage ${image.image}`);
    const err = this.pullFailures.get(image.image);
    if (err !== undefined) throw new CriError(2, err);
    const img = this.images.get(image.image) ?? this.addImage(image.image);
    return img.id;
  }

  async removeImage(image: ImageSpec): Promise<void> {
    this.images.delete(image.image);
  }

  // ------------------------------------------------------------ hooks

  /** Makes a running container exit now with `exitCode` (reason defaults to Completed/Error). */
  exitContainer(id: string, exitCode: number, reason?: string): void {
    const c = this.mustGet(id);
    if (c.state === 'CONTAINER_RUNNING') this.exit(c, exitCode, reason);
  }

  /** Appends a CRI log line for the container (`<time> <stream> F <text>`). */
  writeLog(id: string, stream: 'stdout' | 'stderr', text: string, partial = false): void {
    const c = this.mustGet(id);
    if (!c.logPath) return;
    mkdirSync(dirname(c.logPath), { recursive: true });
    appendFileSync(c.logPath, `${criTime(this.now())} ${stream} ${partial ? 'P' : 'F'} ${text}\n`);
  }

  /** Containers (any state) whose metadata name is `name`, oldest first. */
  containersNamed(name: string): FakeContainer[] {
    return [...this.containers.values()].filter((c) => c.config.metadata.name === name).sort((a, b) => a.createdAt - b.createdAt);
  }

  private exit(c: FakeContainer, code: number, reason?: string): void {
    if (c.timer) clearTimeout(c.timer);
    c.state = 'CONTAINER_EXITED';
    c.exitCode = code;
    c.reason = reason ?? (code === 0 ? 'Completed' : 'Error');
    c.finishedAt = this.nowNs();
  }

  private mustGet(id: string): FakeContainer {
    const c = this.containers.get(id);
    if (!c) throw new CriError(5, `an error occurred when try to find container "${id}": not found`);
    return c;
  }
}
