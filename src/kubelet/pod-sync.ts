/**
 * The thin executor of the kubelet's SyncPod: carries out the plan of
 * computePodActions against the CRI (sandbox, images, containers), kills pods and
 * cleans up what they leave behind. Decisions live in pod-actions.ts.
 */
import type { Container, Pod } from '../api/types.js';
import type { EventRecorder } from '../client/types.js';
import type { Clock } from '../machinery/clock.js';
import { Backoff } from './backoff.js';
import { removePodCgroups } from './cgroups.js';
import { containerConfig, sandboxConfig } from './container-config.js';
import type { PodSandboxConfig, RuntimeService } from './cri/api.js';
import { CriError } from './cri/api.js';
import type { ImageManager } from './images.js';
import { computePodActions, type PodActions } from './pod-actions.js';
import { containerBackoffKey, containerFieldPath, gracePeriodSeconds, podFullName, podRef } from './podutil.js';
import { getPodRuntimeStatus, latestContainer, type ContainerRuntimeState, type PodRuntimeStatus } from './runtime-state.js';
import type { StartFailure } from './status.js';
import { containerMounts, prepareVolumes, removePodDir } from './volumes.js';

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
  cgroupRoot?: string;
  log: (msg: string) => void;
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
    const rs = await this.runtimeStatus(pod, signal);
    const plan = computePodActions(pod, rs, this.backoff, this.d.clock.now().getTime());
    return this.execute(pod, rs, plan, signal);
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

    let sandboxId = plan.sandboxId;
    const sbConfig = sandboxConfig(pod, plan.attempt, this.d.podLogsDir);
    if (plan.createSandbox) {
      const id = await this.createSandbox(pod, sbConfig, signal);
      if (!id) return { requeueAfterMs: 2000 };
      sandboxId = id;
    }
    if (!sandboxId) return result;
    const podIP = await this.sandboxIP(sandboxId, signal);

    const toStart: Container[] = [];
    if (plan.nextInitContainerToStart !== undefined) toStart.push(pod.spec.initContainers![plan.nextInitContainerToStart]!);
    for (const i of plan.containersToStart) toStart.push(pod.spec.containers[i]!);
    for (const c of toStart) {
      const retry = await this.startContainer(pod, c, rs, sandboxId, sbConfig, podIP, signal);
      if (retry !== undefined) result.requeueAfterMs = Math.min(result.requeueAfterMs ?? Infinity, retry);
    }
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

  /** Pulls, creates and starts one container. Returns a retry delay (ms) when it could not. */
  private async startContainer(pod: Pod, c: Container, rs: PodRuntimeStatus, sandboxId: string, sbConfig: PodSandboxConfig, podIP: string, signal?: AbortSignal): Promise<number | undefined> {
    const failures = this.failuresOf(pod.metadata.uid ?? '');
    const img = await this.d.images.ensureImageExists(pod, c, sbConfig, signal);
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
    const config = containerConfig(pod, c, restartCount, { podIP, hostIP: this.d.nodeIP, nodeName: this.d.nodeName });
    config.mounts = containerMounts(c, await prepareVolumes(pod, this.d.podsDir));
    let id: string;
    try {
      id = await this.d.runtime.createContainer(sandboxId, config, sbConfig, signal);
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
    return undefined;
  }

  /** StopContainer with SIGTERM then SIGKILL after the grace period; records Killing when `pod` is known. */
  async killContainer(pod: Pod | undefined, id: string, name: string, message: string, graceSeconds: number, signal?: AbortSignal): Promise<void> {
    if (pod) this.event(pod, 'Normal', 'Killing', message, name);
    try {
      await this.d.runtime.stopContainer(id, Math.max(MIN_GRACE_SECONDS, graceSeconds), signal);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** Stops every running container of the pod (in parallel) and then its sandboxes. */
  async killPod(pod: Pod | undefined, rs: PodRuntimeStatus, graceSeconds: number, signal?: AbortSignal): Promise<void> {
    const live = rs.containers.filter((c) => c.state === 'running' || c.state === 'created' || c.state === 'unknown');
    await Promise.all(live.map((c) =>
      c.state === 'running'
        ? this.killContainer(pod, c.id, c.name, `Stopping container ${c.name}`, graceSeconds, signal)
        : this.d.runtime.stopContainer(c.id, 0, signal).catch(() => {})));
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
