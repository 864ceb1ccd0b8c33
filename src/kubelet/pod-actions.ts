/**
 * The pure half of the kubelet's SyncPod: `computePodActions` compares a pod's spec
 * with what the runtime holds and returns a plan (kuberuntime_manager.go
 * computePodActions). It never performs I/O; the executor in pod-sync.ts carries it out.
 */
import type { Container, Pod } from '../api/types.js';
import type { BackoffView } from './backoff.js';
import { formatGoDurationMs } from './duration.js';
import { containerBackoffKey, hashContainer, isTerminalPhase, isTerminating, podFullName, restartPolicy } from './podutil.js';
import type { ContainerRuntimeState, PodRuntimeStatus } from './runtime-state.js';
import { latestContainer } from './runtime-state.js';
import type { ProbeView } from './prober/state.js';

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
  /** Indices into spec.initContainers to start, in order (regular init containers one at a time; sidecars). */
  initContainersToStart: number[];
  /** Indices into spec.containers to start (after image pulls). */
  containersToStart: number[];
  /** Containers to stop while the pod keeps running. */
  containersToKill: ContainerToKill[];
  /** Containers whose restart waits for CrashLoopBackOff. */
  backOff: ContainerBackOff[];
  /** The pod ran longer than spec.activeDeadlineSeconds: it is killed and fails with DeadlineExceeded. */
  deadlineExceeded: boolean;
}

function emptyActions(): PodActions {
  return { killPod: false, createSandbox: false, sandboxId: '', attempt: 0, initContainersToStart: [], containersToStart: [], containersToKill: [], backOff: [], deadlineExceeded: false };
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

/** A sidecar: an init container with `restartPolicy: Always` (Kubernetes 1.29+). */
export function isRestartableInit(c: Container): boolean {
  return c.restartPolicy === 'Always';
}

/** True once any regular container has been created (the pod was initialized), as hasAnyRegularContainerCreated. */
export function hasAnyRegularContainerCreated(pod: Pod, rs: PodRuntimeStatus): boolean {
  return pod.spec.containers.some((c) => !!latestContainer(rs, c.name));
}

/**
 * When the pod's activeDeadlineSeconds ran out (counted from status.startTime), or
 * undefined when it has no deadline or has not started. Times in ms.
 */
export function activeDeadlineMs(pod: Pod): number | undefined {
  const d = pod.spec.activeDeadlineSeconds;
  const start = pod.status?.startTime ? Date.parse(pod.status.startTime) : NaN;
  if (d === undefined || d === null || Number.isNaN(start)) return undefined;
  return start + d * 1000;
}

/** Whether the pod is past its active deadline at `nowMs`. */
export function pastActiveDeadline(pod: Pod, nowMs: number): boolean {
  const at = activeDeadlineMs(pod);
  return at !== undefined && nowMs >= at;
}

/** No probe results at all (pods without probes, tests). */
export const NO_PROBES: ProbeView = { get: () => undefined };

function startOrBackOff(pod: Pod, idx: number, name: string, rs: PodRuntimeStatus, backoff: BackoffView, nowMs: number, out: PodActions, init: boolean): void {
  const b = checkBackOff(pod, name, rs, backoff, nowMs);
  if (b) out.backOff.push(b);
  else if (init) out.initContainersToStart.push(idx);
  else out.containersToStart.push(idx);
}

interface PlanCtx { pod: Pod; rs: PodRuntimeStatus; backoff: BackoffView; nowMs: number; probes: ProbeView; out: PodActions }

/** Handles a sidecar; returns false when the pod must wait for it before starting the next init container. */
function sidecarActions(x: PlanCtx, i: number, c: Container, initialized: boolean): boolean {
  const st = latestContainer(x.rs, c.name);
  if (!st || st.state !== 'running') {
    if (st && (st.state === 'created' || st.state === 'unknown')) x.out.containersToKill.push({ containerId: st.id, name: c.name, message: `Stopping container ${c.name}` });
    startOrBackOff(x.pod, i, c.name, x.rs, x.backoff, x.nowMs, x.out, true);
    return initialized;
  }
  const startup = c.startupProbe ? x.probes.get('startup', st.id) : 'success';
  const liveness = c.livenessProbe ? x.probes.get('liveness', st.id) : undefined;
  const fail = startup === 'failure' ? 'startup' : liveness === 'failure' ? 'liveness' : undefined;
  if (fail) {
    x.out.containersToKill.push({ containerId: st.id, name: c.name, message: `Init container ${c.name} failed ${fail} probe` });
    x.out.initContainersToStart.push(i);
    return initialized;
  }
  return initialized || startup === 'success';
}

/**
 * computeInitContainerActions (Kubernetes 1.29+ with sidecars): regular init containers
 * run one at a time, each to success; sidecars start in order and the next init
 * container waits until the sidecar has started (startup probe passed); after
 * initialization only sidecars are kept running. Returns whether the pod is initialized.
 */
function initContainerActions(x: PlanCtx): boolean {
  const inits = x.pod.spec.initContainers ?? [];
  const initialized = hasAnyRegularContainerCreated(x.pod, x.rs);
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i]!;
    if (isRestartableInit(c)) {
      if (!sidecarActions(x, i, c, initialized)) return false;
      continue;
    }
    if (initialized) continue;
    const st = latestContainer(x.rs, c.name);
    if (st && st.state === 'exited' && st.exitCode === 0) continue;
    if (st && st.state === 'running') return false;
    if (st && st.state === 'exited' && restartPolicy(x.pod) === 'Never') {
      x.out.killPod = true;
      x.out.initContainersToStart = [];
      return false;
    }
    if (st && (st.state === 'created' || st.state === 'unknown')) x.out.containersToKill.push({ containerId: st.id, name: c.name, message: `Stopping container ${c.name}` });
    startOrBackOff(x.pod, i, c.name, x.rs, x.backoff, x.nowMs, x.out, true);
    return false;
  }
  return true;
}

/** The regular containers' part of the plan; returns how many keep running. */
function regularContainerActions(x: PlanCtx): number {
  let keep = 0;
  x.pod.spec.containers.forEach((c, idx) => {
    const st = latestContainer(x.rs, c.name);
    if (st && st.state === 'running') {
      let restart = restartPolicy(x.pod) !== 'Never';
      let message: string;
      if (st.hash && st.hash !== hashContainer(c)) {
        message = `Container ${c.name} definition changed`;
        restart = true;
      } else if (c.livenessProbe && x.probes.get('liveness', st.id) === 'failure') message = `Container ${c.name} failed liveness probe`;
      else if (c.startupProbe && x.probes.get('startup', st.id) === 'failure') message = `Container ${c.name} failed startup probe`;
      else {
        keep++;
        return;
      }
      if (restart) {
        message += ', will be restarted';
        x.out.containersToStart.push(idx);
      }
      x.out.containersToKill.push({ containerId: st.id, name: c.name, message });
      return;
    }
    if (!shouldContainerBeRestarted(x.pod, st)) return;
    if (st && (st.state === 'created' || st.state === 'unknown')) {
      x.out.containersToKill.push({ containerId: st.id, name: c.name, message: `Stopping container ${c.name}` });
    }
    startOrBackOff(x.pod, idx, c.name, x.rs, x.backoff, x.nowMs, x.out, false);
  });
  return keep;
}

/**
 * Computes what to do for `pod` given its runtime state, the restart back-off table,
 * the probe results and the current time (ms). Pure and deterministic.
 */
export function computePodActions(pod: Pod, rs: PodRuntimeStatus, backoff: BackoffView, nowMs: number, probes: ProbeView = NO_PROBES): PodActions {
  const actions = emptyActions();
  const deadline = pastActiveDeadline(pod, nowMs);
  if (isTerminating(pod) || isTerminalPhase(pod) || deadline) {
    const anyRunning = rs.containers.some((c) => c.state === 'running' || c.state === 'created') || rs.sandboxes.some((s) => s.ready);
    actions.killPod = anyRunning || isTerminating(pod);
    actions.deadlineExceeded = deadline && !isTerminalPhase(pod);
    return actions;
  }
  const sb = podSandboxChanged(pod, rs);
  if (sb.changed) return planNewSandbox(pod, rs, sb.attempt, backoff, nowMs);
  actions.sandboxId = sb.sandboxId;
  actions.attempt = sb.attempt;

  const x: PlanCtx = { pod, rs, backoff, nowMs, probes, out: actions };
  if (!initContainerActions(x)) return actions;
  const keep = regularContainerActions(x);
  if (keep === 0 && actions.containersToStart.length === 0 && !actions.backOff.some((b) => pod.spec.containers.some((c) => c.name === b.name))) {
    // Every regular container is done: stop the pod, sidecars included (they never keep a pod alive).
    actions.killPod = true;
    actions.containersToKill = [];
    actions.initContainersToStart = [];
    actions.backOff = [];
  }
  return actions;
}

/** The plan when the sandbox must be (re)created: initialization starts over at the first init container. */
function planNewSandbox(pod: Pod, rs: PodRuntimeStatus, attempt: number, backoff: BackoffView, nowMs: number): PodActions {
  const actions = emptyActions();
  actions.killPod = rs.sandboxes.length > 0 || rs.containers.some((c) => c.state === 'running');
  actions.createSandbox = true;
  actions.attempt = attempt;
  if (restartPolicy(pod) === 'Never' && attempt !== 0 && rs.containers.length > 0) {
    actions.createSandbox = false;
    return actions;
  }
  const toStart = pod.spec.containers.map((_c, i) => i).filter((i) => !(restartPolicy(pod) === 'OnFailure' && succeeded(rs, pod.spec.containers[i]!.name)));
  if (toStart.length === 0) {
    actions.createSandbox = false;
    return actions;
  }
  const inits = pod.spec.initContainers ?? [];
  if (inits.length > 0) {
    startOrBackOff(pod, 0, inits[0]!.name, rs, backoff, nowMs, actions, true);
  } else {
    for (const idx of toStart) startOrBackOff(pod, idx, pod.spec.containers[idx]!.name, rs, backoff, nowMs, actions, false);
  }
  if (actions.initContainersToStart.length === 0 && actions.containersToStart.length === 0 && actions.backOff.length === 0) actions.createSandbox = false;
  return actions;
}
