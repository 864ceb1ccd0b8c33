/**
 * The thin executor of the kubelet's SyncPod: carries out the plan of
 * computePodActions against the CRI (sandbox, images, containers), kills pods and
 * cleans up what they leave behind. Decisions live in pod-actions.ts.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Container, Pod } from '../api/types.js';
import type { EventRecorder } from '../client/types.js';
import type { Clock } from '../machinery/clock.js';
import { Backoff } from './backoff.js';
import { removePodCgroups } from './cgroups.js';
import { containerConfig, sandboxConfig } from './container-config.js';
import type { KeyValue, Mount, PodSandboxConfig, RuntimeService } from './cri/api.js';
import { DEFAULT_CLUSTER_DNS, DEFAULT_CLUSTER_DOMAIN, podDNSConfig, type ClusterDNSSettings } from './dns.js';
import { CriError } from './cri/api.js';
import type { ImageManager } from './images.js';
import type { ConfigSources } from './config-sources.js';
import { ContainerConfigError, makeEnvironment, type DownwardValues } from './env.js';
import { lifecycleHandler, runHook } from './hooks.js';
import { activeDeadlineMs, computePodActions, isRestartableInit, NO_PROBES, type PodActions } from './pod-actions.js';
import { containerBackoffKey, containerFieldPath, gracePeriodSeconds, isTerminalPhase, podFullName, podRef } from './podutil.js';
import type { ProbeView } from './prober/state.js';
import { getPodRuntimeStatus, latestContainer, type ContainerRuntimeState, type PodRuntimeStatus } from './runtime-state.js';
import { DEADLINE_EXCEEDED_MESSAGE, type StartFailure } from './status.js';
import { containerMounts, podDir, prepareVolumes, removePodDir } from './volumes.js';

/** Dependencies of the executor. */
export interface PodSyncerDeps {
  runtime: RuntimeService;
  images: ImageManager;
  recorder: EventRecorder;
  clock: Clock;
  podLogsDir: string;
  /** Root of per-pod directories (emptyDir volumes): `<podsDir>/<uid>`. */
  podsDir: string;
  nodeIP: string;
  nodeName: string;
  /** Cluster DNS for ClusterFirst pods (default: 10.96.0.10, domain cluster.local). */
  clusterDNS?: ClusterDNSSettings;
  cgroupRoot?: string;
  log: (msg: string) => void;
  /** ConfigMaps and Secrets for env and volumes (default: none exist). */
  config?: ConfigSources & { synced?(): Promise<void> };
  /** Cached probe results (default: none). */
  probes?: ProbeView;
  /** Node allocatable for resourceFieldRef defaults (millicores, bytes). */
  allocatable?: () => DownwardValues['allocatable'];
}

const NO_CONFIG: ConfigSources = { configMap: () => undefined, secret: () => undefined };
/** Upper bound for a postStart hook (Kubernetes has none; a hung hook would block the pod forever). */
const POST_START_TIMEOUT_SECONDS = 120;

/** Where a sync starts containers. */
interface StartContext {
  sandboxId: string;
  sbConfig: PodSandboxConfig;
  podIP: string;
  /** Host path per prepared volume. */
  volumes: ReadonlyMap<string, string>;
}

/** What a sync left to do later. */
export interface SyncResult {
  /** Re-sync the pod after this many ms (a back-off ends), if set. */
  requeueAfterMs?: number;
}

/** Kubernetes' minimum shutdown window for a container (seconds). */
const MIN_GRACE_SECONDS = 2;
/** Exited instances kept per container name (latest + previous, for `logs --previous`). */
const KEEP_INSTANCES = 2;

const errMsg = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const isNotFound = (e: unknown): boolean => e instanceof CriError && e.code === 5;

/** Executes pod plans and teardown. Per-pod state (reasons, back-offs) lives here. */
export class PodSyncer {
  /** CrashLoopBackOff table: 10 s doubling to 5 min. */
  readonly backoff = new Backoff(10_000, 300_000);
  /** Last start failure per pod UID and container name (kubelet's reasonCache). */
  readonly failures = new Map<string, Map<string, StartFailure>>();

  constructor(private readonly d: PodSyncerDeps) {}

  /** The failures map of one pod (never undefined). */
  failuresOf(uid: string): Map<string, StartFailure> {
    let m = this.failures.get(uid);
    if (!m) this.failures.set(uid, (m = new Map()));
    return m;
  }

  private event(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string, container?: string): void {
    this.d.recorder.event(podRef(pod), type, reason, message, container ? containerFieldPath(pod, container) : undefined);
  }

  /** Reads the pod's runtime state. */
  runtimeStatus(pod: Pod, signal?: AbortSignal): Promise<PodRuntimeStatus> {
    return getPodRuntimeStatus(this.d.runtime, pod.metadata.uid ?? '', pod.metadata.name ?? '', pod.metadata.namespace ?? 'default', signal);
  }

  /** One level-triggered sync of a live (not terminating) pod. */
  async syncPod(pod: Pod, signal?: AbortSignal): Promise<SyncResult> {
    await this.d.config?.synced?.();
    const rs = await this.runtimeStatus(pod, signal);
    const now = this.d.clock.now().getTime();
    const plan = computePodActions(pod, rs, this.backoff, now, this.d.probes ?? NO_PROBES);
    if (plan.deadlineExceeded) this.event(pod, 'Normal', 'DeadlineExceeded', DEADLINE_EXCEEDED_MESSAGE);
    const result = await this.execute(pod, rs, plan, signal);
    const deadline = activeDeadlineMs(pod) ?? (pod.spec.activeDeadlineSeconds != null ? now + pod.spec.activeDeadlineSeconds * 1000 : undefined);
    if (deadline !== undefined && deadline > now) result.requeueAfterMs = Math.min(result.requeueAfterMs ?? Infinity, deadline - now + 50);
    return result;
  }

  private downward(podIP: string): DownwardValues {
    return { podIP, hostIP: this.d.nodeIP, nodeName: this.d.nodeName, allocatable: this.d.allocatable?.() };
  }

  private async execute(pod: Pod, rs: PodRuntimeStatus, plan: PodActions, signal?: AbortSignal): Promise<SyncResult> {
    const result: SyncResult = {};
    if (plan.killPod) {
      if (plan.createSandbox && rs.sandboxes.length > 0) this.event(pod, 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
      await this.killPod(pod, rs, gracePeriodSeconds(pod), signal);
      if (!plan.createSandbox) return result;
    }
    await Promise.all(plan.containersToKill.map((k) => this.killContainer(pod, k.containerId, k.name, k.message, gracePeriodSeconds(pod), signal)));
    await this.pruneContainers(rs, signal);

    const failures = this.failuresOf(pod.metadata.uid ?? '');
    for (const b of plan.backOff) {
      failures.set(b.name, { reason: 'CrashLoopBackOff', message: b.message });
      this.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${b.name} in pod ${podFullName(pod)}`, b.name);
      result.requeueAfterMs = Math.min(result.requeueAfterMs ?? Infinity, b.retryAfterMs + 50);
    }

    if (isTerminalPhase(pod) || plan.deadlineExceeded) return result;
    const current = rs.sandboxes.find((s) => s.ready);
    const volumes = await prepareVolumes(pod, this.d.podsDir, this.d.config ?? NO_CONFIG, this.downward(current?.ip ?? ''));
    if (volumes.errors.length) {
      for (const e of volumes.errors) this.event(pod, 'Warning', 'FailedMount', `MountVolume.SetUp failed for volume ${JSON.stringify(e.volume)} : ${e.message}`);
      return { requeueAfterMs: 5000 };
    }
    let sandboxId = plan.sandboxId;
    const sbConfig = sandboxConfig(pod, plan.attempt, this.d.podLogsDir);
    const dnsConfig = podDNSConfig(pod, this.d.clusterDNS ?? { servers: [DEFAULT_CLUSTER_DNS], domain: DEFAULT_CLUSTER_DOMAIN });
    if (dnsConfig) sbConfig.dnsConfig = dnsConfig;
    if (plan.createSandbox) {
      const id = await this.createSandbox(pod, sbConfig, signal);
      if (!id) return { requeueAfterMs: 2000 };
      sandboxId = id;
    }
    if (!sandboxId) return result;
    const ctx: StartContext = { sandboxId, sbConfig, podIP: await this.sandboxIP(sandboxId, signal), volumes: volumes.paths };
    const retry = (r: number | undefined): void => { if (r !== undefined) result.requeueAfterMs = Math.min(result.requeueAfterMs ?? Infinity, r); };
    for (const i of plan.initContainersToStart) {
      const r = await this.startContainer(pod, pod.spec.initContainers![i]!, rs, ctx, signal);
      retry(r);
      if (r !== undefined) return result;
    }
    for (const i of plan.containersToStart) retry(await this.startContainer(pod, pod.spec.containers[i]!, rs, ctx, signal));
    return result;
  }

  private async sandboxIP(id: string, signal?: AbortSignal): Promise<string> {
    try {
      return (await this.d.runtime.podSandboxStatus(id, signal)).network?.ip ?? '';
    } catch {
      return '';
    }
  }

  /** RunPodSandbox; on failure records FailedCreatePodSandBox and removes the NOTREADY leftover. */
  private async createSandbox(pod: Pod, config: PodSandboxConfig, signal?: AbortSignal): Promise<string | undefined> {
    try {
      return await this.d.runtime.runPodSandbox(config, undefined, signal);
    } catch (err) {
      this.event(pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${errMsg(err)}`);
      const left = await this.d.runtime.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.uid': pod.metadata.uid ?? '' } }, signal);
      for (const sb of left) {
        if (sb.state === 'SANDBOX_READY' || sb.metadata.attempt !== config.metadata.attempt) continue;
        await this.d.runtime.stopPodSandbox(sb.id, signal).catch(() => {});
        await this.d.runtime.removePodSandbox(sb.id, signal).catch(() => {});
      }
      return undefined;
    }
  }

  /** The per-instance termination-log file (`<pod>/containers/<name>/<random>`, mode 0666) mounted at terminationMessagePath. */
  private async terminationLogMount(pod: Pod, c: Container): Promise<Mount[]> {
    if (!c.terminationMessagePath) return [];
    const dir = join(podDir(this.d.podsDir, pod.metadata.uid ?? ''), 'containers', c.name);
    await mkdir(dir, { recursive: true });
    const file = join(dir, randomBytes(4).toString('hex'));
    await writeFile(file, '');
    await chmod(file, 0o666);
    return [{ containerPath: c.terminationMessagePath, hostPath: file }];
  }

  /** Builds the container's environment; records CreateContainerConfigError and returns undefined when it cannot. */
  private environment(pod: Pod, c: Container, podIP: string): KeyValue[] | undefined {
    try {
      const env = makeEnvironment(pod, c, this.d.config ?? NO_CONFIG, this.downward(podIP));
      for (const w of env.warnings) this.event(pod, 'Warning', 'InvalidEnvironmentVariableNames', w);
      return env.env;
    } catch (err) {
      if (!(err instanceof ContainerConfigError)) throw err;
      this.event(pod, 'Warning', 'Failed', `Error: ${err.message}`, c.name);
      this.failuresOf(pod.metadata.uid ?? '').set(c.name, { reason: 'CreateContainerConfigError', message: err.message });
      return undefined;
    }
  }

  /** Pulls, creates and starts one container, then runs its postStart hook. Returns a retry delay (ms) when it could not. */
  private async startContainer(pod: Pod, c: Container, rs: PodRuntimeStatus, ctx: StartContext, signal?: AbortSignal): Promise<number | undefined> {
    const failures = this.failuresOf(pod.metadata.uid ?? '');
    const img = await this.d.images.ensureImageExists(pod, c, ctx.sbConfig, signal);
    if (!img.ok) {
      this.event(pod, 'Warning', 'Failed', `Error: ${img.reason}`, c.name);
      failures.set(c.name, { reason: img.reason, message: img.message });
      const wait = this.d.images.backoffRemaining(pod, c);
      return img.reason === 'ErrImageNeverPull' ? 10_000 : wait > 0 ? wait + 50 : 1000;
    }
    const prev = latestContainer(rs, c.name);
    const restartCount = prev ? prev.restartCount + 1 : 0;
    if (prev && prev.state === 'exited') {
      const now = this.d.clock.now().getTime();
      this.backoff.next(containerBackoffKey(pod, c.name), prev.finishedAtMs || now, now);
    }
    const env = this.environment(pod, c, ctx.podIP);
    if (!env) return 10_000;
    const config = containerConfig(pod, c, restartCount, this.downward(ctx.podIP), env);
    config.mounts = [...containerMounts(c, ctx.volumes), ...(await this.terminationLogMount(pod, c))];
    let id: string;
    try {
      id = await this.d.runtime.createContainer(ctx.sandboxId, config, ctx.sbConfig, signal);
    } catch (err) {
      this.event(pod, 'Warning', 'Failed', `Error: ${errMsg(err)}`, c.name);
      failures.set(c.name, { reason: 'CreateContainerError', message: errMsg(err) });
      return 10_000;
    }
    this.event(pod, 'Normal', 'Created', `Created container: ${c.name}`, c.name);
    try {
      await this.d.runtime.startContainer(id, signal);
    } catch (err) {
      this.event(pod, 'Warning', 'Failed', `Error: failed to start container "${id}": ${errMsg(err)}`, c.name);
      failures.set(c.name, { reason: 'RunContainerError', message: errMsg(err) });
      return 10_000;
    }
    this.event(pod, 'Normal', 'Started', `Started container ${c.name}`, c.name);
    failures.delete(c.name);
    return this.postStart(pod, c, id, ctx.podIP, signal);
  }

  /** Runs the postStart hook; a failure kills the container (FailedPostStartHook) and is reported as PostStartHookError. */
  private async postStart(pod: Pod, c: Container, id: string, podIP: string, signal?: AbortSignal): Promise<number | undefined> {
    const hook = lifecycleHandler(c, 'postStart');
    if (!hook) return undefined;
    const msg = await runHook(hook, pod, c, id, podIP, this.d.runtime, POST_START_TIMEOUT_SECONDS, signal);
    if (!msg) return undefined;
    this.event(pod, 'Warning', 'FailedPostStartHook', msg, c.name);
    await this.killContainer(pod, id, c.name, 'FailedPostStartHook', gracePeriodSeconds(pod), signal, false);
    this.failuresOf(pod.metadata.uid ?? '').set(c.name, { reason: 'PostStartHookError', message: msg });
    return 1000;
  }

  /**
   * Stops a container: runs its preStop hook (when `pod` is known and `preStop`) within
   * the grace period, then StopContainer with what is left of it (at least 2 s): SIGTERM,
   * SIGKILL at the end. Records Killing (and FailedPreStopHook) events.
   */
  async killContainer(pod: Pod | undefined, id: string, name: string, message: string, graceSeconds: number, signal?: AbortSignal, preStop = true): Promise<void> {
    if (pod) this.event(pod, 'Normal', 'Killing', message, name);
    const started = this.d.clock.now().getTime();
    const spec = pod ? [...(pod.spec.initContainers ?? []), ...pod.spec.containers].find((c) => c.name === name) : undefined;
    const hook = spec && preStop ? lifecycleHandler(spec, 'preStop') : undefined;
    if (pod && spec && hook && graceSeconds > 0) {
      const msg = await runHook(hook, pod, spec, id, pod.status?.podIP ?? '', this.d.runtime, graceSeconds, signal);
      if (msg) this.event(pod, 'Warning', 'FailedPreStopHook', msg, name);
    }
    const left = graceSeconds - Math.floor((this.d.clock.now().getTime() - started) / 1000);
    try {
      await this.d.runtime.stopContainer(id, Math.max(MIN_GRACE_SECONDS, left), signal);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /**
   * Stops every live container of the pod and then its sandboxes: regular containers in
   * parallel first, then sidecars one by one in reverse order (Kubernetes 1.29+), all
   * within one grace period.
   */
  async killPod(pod: Pod | undefined, rs: PodRuntimeStatus, graceSeconds: number, signal?: AbortSignal): Promise<void> {
    const live = rs.containers.filter((c) => c.state === 'running' || c.state === 'created' || c.state === 'unknown');
    const sidecars = (pod?.spec.initContainers ?? []).filter(isRestartableInit).map((c) => c.name).reverse();
    const started = this.d.clock.now().getTime();
    const stop = (c: ContainerRuntimeState, grace: number): Promise<void> => (c.state === 'running'
      ? this.killContainer(pod, c.id, c.name, `Stopping container ${c.name}`, grace, signal)
      : this.d.runtime.stopContainer(c.id, 0, signal).catch(() => {}));
    await Promise.all(live.filter((c) => !sidecars.includes(c.name)).map((c) => stop(c, graceSeconds)));
    for (const name of sidecars) {
      const left = Math.max(0, graceSeconds - Math.floor((this.d.clock.now().getTime() - started) / 1000));
      await Promise.all(live.filter((c) => c.name === name).map((c) => stop(c, left)));
    }
    for (const sb of rs.sandboxes) {
      try {
        await this.d.runtime.stopPodSandbox(sb.id, signal);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  /** Removes every container and sandbox of the pod and its cgroups; forgets its back-offs. */
  async cleanupPod(rs: PodRuntimeStatus, signal?: AbortSignal): Promise<void> {
    for (const c of rs.containers) await this.d.runtime.removeContainer(c.id, signal).catch((e: unknown) => { if (!isNotFound(e)) throw e; });
    for (const sb of rs.sandboxes) await this.d.runtime.removePodSandbox(sb.id, signal).catch((e: unknown) => { if (!isNotFound(e)) throw e; });
    for (const e of await removePodCgroups(rs.uid, this.d.cgroupRoot)) this.d.log(`cgroup cleanup: ${e}`);
    await removePodDir(this.d.podsDir, rs.uid).catch((e: unknown) => this.d.log(`pod dir cleanup: ${errMsg(e)}`));
    this.failures.delete(rs.uid);
    this.backoff.deletePrefix(`${rs.name}_${rs.namespace}_${rs.uid}_`);
    this.d.images.forgetPod(rs.uid);
  }

  /** Removes exited instances beyond the newest KEEP_INSTANCES per container name, and dead sandboxes other than the newest. */
  private async pruneContainers(rs: PodRuntimeStatus, signal?: AbortSignal): Promise<void> {
    const seen = new Map<string, number>();
    const doomed: ContainerRuntimeState[] = [];
    for (const c of rs.containers) {
      const n = (seen.get(c.name) ?? 0) + 1;
      seen.set(c.name, n);
      if (n > KEEP_INSTANCES && c.state === 'exited') doomed.push(c);
    }
    for (const c of doomed) await this.d.runtime.removeContainer(c.id, signal).catch(() => {});
    const liveSandboxes = new Set(rs.containers.filter((c) => !doomed.includes(c)).map((c) => c.sandboxId));
    for (const sb of rs.sandboxes.slice(1)) {
      if (!sb.ready && !liveSandboxes.has(sb.id)) await this.d.runtime.removePodSandbox(sb.id, signal).catch(() => {});
    }
  }
}
