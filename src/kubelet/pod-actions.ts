/**
 * The pure half of the kubelet's SyncPod: `computePodActions` compares a pod's spec
 * with what the runtime holds and returns a plan (kuberuntime_manager.go
 * computePodActions). It never performs I/O; the executor in pod-sync.ts carries it out.
 */
import type { Pod } from '../api/types.js';
import type { BackoffView } from './backoff.js';
import { formatGoDurationMs } from './duration.js';
import { containerBackoffKey, hashContainer, isTerminalPhase, isTerminating, podFullName, restartPolicy } from './podutil.js';
import type { ContainerRuntimeState, PodRuntimeStatus } from './runtime-state.js';
import { latestContainer } from './runtime-state.js';

/** A running (or created) container the plan stops, with the reason shown in the Killing event. */
export interface ContainerToKill {
  containerId: string;
  name: string;
  /** Event message, e.g. `Stopping container x` or `Container x definition changed, will be restarted`. */
  message: string;
}

/** A container that should restart but is held back by CrashLoopBackOff. */
export interface ContainerBackOff {
  name: string;
  /** `back-off 10s restarting failed container=x pod=y_ns(uid)`. */
  message: string;
  /** Milliseconds until the back-off window ends (a resync should be scheduled then). */
  retryAfterMs: number;
}

/** The plan for one sync of one pod. */
export interface PodActions {
  /** Stop every container and the sandbox(es) before anything else. */
  killPod: boolean;
  /** Create a new sandbox (after killing the old one). */
  createSandbox: boolean;
  /** The ready sandbox to start containers in; empty when one must be created. */
  sandboxId: string;
  /** Attempt number for a new sandbox. */
  attempt: number;
  /** Index into spec.initContainers of the init container to start next, if any. */
  nextInitContainerToStart?: number;
  /** Indices into spec.containers to start (after image pulls). */
  containersToStart: number[];
  /** Containers to stop while the pod keeps running. */
  containersToKill: ContainerToKill[];
  /** Containers whose restart waits for CrashLoopBackOff. */
  backOff: ContainerBackOff[];
}

function emptyActions(): PodActions {
  return { killPod: false, createSandbox: false, sandboxId: '', attempt: 0, containersToStart: [], containersToKill: [], backOff: [] };
}

/** Whether the pod's sandbox must be (re)created; mirrors podSandboxChanged. */
export function podSandboxChanged(pod: Pod, rs: PodRuntimeStatus): { changed: boolean; attempt: number; sandboxId: string } {
  const latest = rs.sandboxes[0];
  if (!latest) return { changed: true, attempt: 0, sandboxId: '' };
  const readyCount = rs.sandboxes.filter((s) => s.ready).length;
  const next = latest.attempt + 1;
  if (readyCount > 1 || !latest.ready) return { changed: true, attempt: next, sandboxId: latest.id };
  if (!pod.spec.hostNetwork && !latest.ip) return { changed: true, attempt: next, sandboxId: latest.id };
  return { changed: false, attempt: latest.attempt, sandboxId: latest.id };
}

/**
 * Whether a container whose latest instance is `status` should be (re)started, as
 * kubecontainer.ShouldContainerBeRestarted: never-run, created or unknown containers
 * start; exited ones follow the restart policy (OnFailure restarts only non-zero exits).
 */
export function shouldContainerBeRestarted(pod: Pod, status: ContainerRuntimeState | undefined): boolean {
  if (isTerminating(pod)) return false;
  if (!status) return true;
  if (status.state === 'running') return false;
  if (status.state === 'created' || status.state === 'unknown') return true;
  const policy = restartPolicy(pod);
  if (policy === 'Never') return false;
  if (policy === 'OnFailure' && status.exitCode === 0) return false;
  return true;
}

function succeeded(rs: PodRuntimeStatus, name: string): boolean {
  const c = latestContainer(rs, name);
  return !!c && c.state === 'exited' && c.exitCode === 0;
}

/** Crash-loop check for a container about to start; returns the back-off entry or undefined. */
function checkBackOff(pod: Pod, name: string, rs: PodRuntimeStatus, backoff: BackoffView, nowMs: number): ContainerBackOff | undefined {
  const last = latestContainer(rs, name);
  if (!last || last.state !== 'exited') return undefined;
  const key = containerBackoffKey(pod, name);
  const eventTime = last.finishedAtMs || nowMs;
  if (!backoff.isInBackOffSince(key, eventTime, nowMs)) return undefined;
  const window = backoff.get(key) ?? 0;
  return {
    name,
    message: `back-off ${formatGoDurationMs(window)} restarting failed container=${name} pod=${podFullName(pod)}`,
    retryAfterMs: Math.max(0, eventTime + window - nowMs),
  };
}

/** Init containers: which one runs next, whether they are all done, whether one failed for good. */
function initContainerProgress(pod: Pod, rs: PodRuntimeStatus): { done: boolean; next?: number; failed: boolean; running: boolean } {
  const inits = pod.spec.initContainers ?? [];
  for (let i = 0; i < inits.length; i++) {
    const c = latestContainer(rs, inits[i]!.name);
    if (c && c.state === 'exited' && c.exitCode === 0) continue;
    if (c && c.state === 'running') return { done: false, failed: false, running: true };
    if (c && c.state === 'exited' && restartPolicy(pod) === 'Never') return { done: false, failed: true, running: false };
    return { done: false, next: i, failed: false, running: false };
  }
  return { done: true, failed: false, running: false };
}

function startOrBackOff(pod: Pod, idx: number, name: string, rs: PodRuntimeStatus, backoff: BackoffView, nowMs: number, out: PodActions, init: boolean): void {
  const b = checkBackOff(pod, name, rs, backoff, nowMs);
  if (b) out.backOff.push(b);
  else if (init) out.nextInitContainerToStart = idx;
  else out.containersToStart.push(idx);
}

/**
 * Computes what to do for `pod` given its runtime state, the restart back-off table and
 * the current time (ms). Pure and deterministic.
 */
export function computePodActions(pod: Pod, rs: PodRuntimeStatus, backoff: BackoffView, nowMs: number): PodActions {
  const actions = emptyActions();
  if (isTerminating(pod) || isTerminalPhase(pod)) {
    const anyRunning = rs.containers.some((c) => c.state === 'running' || c.state === 'created') || rs.sandboxes.some((s) => s.ready);
    actions.killPod = anyRunning || isTerminating(pod);
    return actions;
  }
  const sb = podSandboxChanged(pod, rs);
  if (sb.changed) return planNewSandbox(pod, rs, sb.attempt, backoff, nowMs);
  actions.sandboxId = sb.sandboxId;
  actions.attempt = sb.attempt;

  const init = initContainerProgress(pod, rs);
  if (init.failed) {
    actions.killPod = true;
    return actions;
  }
  if (!init.done) {
    if (init.next !== undefined) startOrBackOff(pod, init.next, pod.spec.initContainers![init.next]!.name, rs, backoff, nowMs, actions, true);
    return actions;
  }

  let keep = 0;
  pod.spec.containers.forEach((c, idx) => {
    const status = latestContainer(rs, c.name);
    if (status && status.state === 'running') {
      if (status.hash && status.hash !== hashContainer(c)) {
        actions.containersToKill.push({ containerId: status.id, name: c.name, message: `Container ${c.name} definition changed, will be restarted` });
        startOrBackOff(pod, idx, c.name, rs, backoff, nowMs, actions, false);
      } else keep++;
      return;
    }
    if (!shouldContainerBeRestarted(pod, status)) return;
    if (status && (status.state === 'created' || status.state === 'unknown')) {
      actions.containersToKill.push({ containerId: status.id, name: c.name, message: `Stopping container ${c.name}` });
    }
    startOrBackOff(pod, idx, c.name, rs, backoff, nowMs, actions, false);
  });
  if (keep === 0 && actions.containersToStart.length === 0 && actions.backOff.length === 0) {
    actions.killPod = true;
    actions.containersToKill = [];
  }
  return actions;
}

/** The plan when the sandbox must be (re)created. */
function planNewSandbox(pod: Pod, rs: PodRuntimeStatus, attempt: number, backoff: BackoffView, nowMs: number): PodActions {
  const actions = emptyActions();
  actions.killPod = rs.sandboxes.length > 0 || rs.containers.some((c) => c.state === 'running');
  actions.createSandbox = true;
  actions.attempt = attempt;
  if (restartPolicy(pod) === 'Never' && attempt !== 0 && rs.containers.length > 0) {
    actions.createSandbox = false;
    return actions;
  }
  const inits = pod.spec.initContainers ?? [];
  if (inits.length > 0) {
    const progress = initContainerProgress(pod, rs);
    if (!progress.done) {
      // A new sandbox restarts initialisation from the first init container.
      startOrBackOff(pod, 0, inits[0]!.name, rs, backoff, nowMs, actions, true);
      return actions;
    }
  }
  pod.spec.containers.forEach((c, idx) => {
    if (restartPolicy(pod) === 'OnFailure' && succeeded(rs, c.name)) return;
    startOrBackOff(pod, idx, c.name, rs, backoff, nowMs, actions, false);
  });
  if (actions.containersToStart.length === 0 && actions.backOff.length === 0) actions.createSandbox = false;
  return actions;
}
