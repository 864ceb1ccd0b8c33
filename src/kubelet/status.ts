/**
 * Pure pod status generation (kubelet_pods.go generateAPIPodStatus, getPhase,
 * convertToAPIContainerStatuses and pkg/kubelet/status/generate.go). Given the pod, the
 * runtime's view of it and the last start failures, returns the status to write.
 */
import type { Container, ContainerState, ContainerStatus, Pod, PodCondition, PodStatus } from '../api/types.js';
import { rfc3339 } from '../machinery/clock.js';
import { isRestartableInit, NO_PROBES, pastActiveDeadline, podSandboxChanged, shouldContainerBeRestarted } from './pod-actions.js';
import type { ProbeView } from './prober/state.js';
import { normalizeImage, restartPolicy } from './podutil.js';
import { podQOSClass } from './qos.js';
import type { ContainerRuntimeState, PodRuntimeStatus } from './runtime-state.js';

/** Why a container could not start on the last sync (kubelet's reasonCache): `CrashLoopBackOff`, `ErrImagePull`, ... */
export interface StartFailure {
  reason: string;
  message: string;
}

/** Inputs of generatePodStatus. */
export interface StatusInput {
  pod: Pod;
  runtime: PodRuntimeStatus;
  /** Last start failure per container name. */
  failures: ReadonlyMap<string, StartFailure>;
  nodeIP: string;
  now: Date;
  /** CRI runtime name used in containerIDs; default `containerd`. */
  runtimeName?: string;
  /** imageRef -> imageID (`docker.io/library/busybox@sha256:...`) from the image service. */
  imageIDs?: ReadonlyMap<string, string>;
  /** The pod has been terminated by the kubelet (deleted, all containers stopped): its phase becomes terminal. */
  podIsTerminal?: boolean;
  /** Cached probe results (readiness → ready, startup → started); none means no probe has a result. */
  probes?: ProbeView;
}

/** Which list a container belongs to: regular, regular init, or sidecar (restartable init). */
export type ContainerKind = 'regular' | 'init' | 'sidecar';

/** Kubernetes' status message of a pod killed for its activeDeadlineSeconds. */
export const DEADLINE_EXCEEDED_MESSAGE = 'Pod was active on the node longer than the specified deadline';

const t = (ms: number): string => rfc3339(new Date(ms));

function terminatedState(c: ContainerRuntimeState, runtimeName: string): ContainerState {
  if (c.state === 'unknown') {
    return { terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated', containerID: `${runtimeName}://${c.id}` } };
  }
  return {
    terminated: {
      exitCode: c.exitCode,
      reason: c.reason || (c.exitCode === 0 ? 'Completed' : 'Error'),
      ...(c.message ? { message: c.message } : {}),
      startedAt: c.startedAtMs ? t(c.startedAtMs) : undefined,
      finishedAt: c.finishedAtMs ? t(c.finishedAtMs) : undefined,
      containerID: `${runtimeName}://${c.id}`,
    },
  };
}

function stateOf(c: ContainerRuntimeState, runtimeName: string): ContainerState {
  if (c.state === 'running') return { running: { startedAt: t(c.startedAtMs || c.createdAtMs) } };
  if (c.state === 'created') return { waiting: { reason: 'ContainerCreating' } };
  return terminatedState(c, runtimeName);
}

function shouldRestart(pod: Pod, kind: ContainerKind, latest: ContainerRuntimeState | undefined): boolean {
  if (kind === 'sidecar') return !pod.metadata.deletionTimestamp && (!latest || latest.state !== 'running');
  if (kind === 'init' && latest && latest.state === 'exited' && latest.exitCode === 0) return false;
  return shouldContainerBeRestarted(pod, latest);
}

/** `started` and `ready` of a container instance from its probes (prober_manager UpdatePodStatus). */
function probeFlags(input: StatusInput, spec: Container, latest: ContainerRuntimeState, kind: ContainerKind): { started: boolean; ready: boolean } {
  const probes = input.probes ?? NO_PROBES;
  const running = latest.state === 'running';
  const started = running && (!spec.startupProbe || probes.get('startup', latest.id) === 'success');
  if (kind === 'init') return { started, ready: latest.state === 'exited' && latest.exitCode === 0 };
  const ready = started && (!spec.readinessProbe || probes.get('readiness', latest.id) === 'success');
  return { started, ready };
}

/** Status of one container, as convertToAPIContainerStatuses plus the prober's started/ready. */
function containerStatus(input: StatusInput, spec: Container, old: ContainerStatus | undefined, defaultWaiting: string, kind: ContainerKind): ContainerStatus {
  const runtimeName = input.runtimeName ?? 'containerd';
  const instances = input.runtime.containers.filter((c) => c.name === spec.name);
  const latest = instances[0];
  if (!latest) {
    if (old && old.state.terminated) return old;
    const st: ContainerStatus = {
      name: spec.name,
      state: { waiting: { reason: defaultWaiting } },
      lastState: old?.lastState ?? {},
      ready: false,
      restartCount: old?.restartCount ?? 0,
      image: spec.image ?? '',
      imageID: '',
      started: false,
    };
    const f = input.failures.get(spec.name);
    if (f && shouldRestart(input.pod, kind, undefined)) st.state = { waiting: { reason: f.reason, message: f.message } };
    return st;
  }
  const prev = instances[1];
  let state = stateOf(latest, runtimeName);
  let lastState: ContainerState = prev && prev.state !== 'running' && prev.state !== 'created' ? terminatedState(prev, runtimeName) : {};
  const f = input.failures.get(spec.name);
  if (f && latest.state !== 'running' && shouldRestart(input.pod, kind, latest)) {
    if (state.terminated) lastState = state;
    state = { waiting: { reason: f.reason, message: f.message } };
  }
  const { started, ready } = probeFlags(input, spec, latest, kind);
  return {
    name: spec.name,
    state,
    lastState,
    ready,
    restartCount: latest.restartCount,
    image: latest.image || normalizeImage(spec.image ?? ''),
    imageID: input.imageIDs?.get(latest.imageRef) ?? latest.imageRef,
    containerID: `${runtimeName}://${latest.id}`,
    started,
  };
}

type Phase = NonNullable<PodStatus['phase']>;

const find = (statuses: ContainerStatus[], name: string): ContainerStatus | undefined => statuses.find((s) => s.name === name);

/** HasAnyRegularContainerStarted: a regular container runs, ran, or is waiting after a run. */
export function hasAnyRegularContainerStarted(pod: Pod, statuses: ContainerStatus[]): boolean {
  return pod.spec.containers.some((c) => {
    const s = find(statuses, c.name);
    return !!s && (!!s.state.running || !!s.state.terminated || (!!s.state.waiting && !!s.lastState.terminated));
  });
}

function initCounts(pod: Pod, init: ContainerStatus[]): { pending: number; failed: number; running: number; waiting: number; unknown: number } {
  const n = { pending: 0, failed: 0, running: 0, waiting: 0, unknown: 0 };
  for (const c of pod.spec.initContainers ?? []) {
    const s = find(init, c.name);
    if (isRestartableInit(c)) {
      if (!s) n.unknown++;
      else if (s.state.running) {
        if (!s.started) n.pending++;
        n.running++;
      } else if (s.state.waiting && !s.lastState.terminated) {
        n.pending++;
        n.waiting++;
      }
      continue;
    }
    if (!s || s.state.running) n.pending++;
    else if (s.state.terminated) { if (s.state.terminated.exitCode !== 0) n.failed++; }
    else if (s.state.waiting && s.lastState.terminated) { if (s.lastState.terminated.exitCode !== 0) n.failed++; }
    else n.pending++;
  }
  return n;
}

/** getPhase (Kubernetes 1.29+, sidecar-aware): the pod phase from its spec and container statuses. */
export function getPhase(pod: Pod, init: ContainerStatus[], statuses: ContainerStatus[], podIsTerminal: boolean): Phase {
  const n = initCounts(pod, init);
  let { running, waiting, unknown } = n;
  let stopped = 0, succeeded = 0;
  for (const c of pod.spec.containers) {
    const s = find(statuses, c.name);
    if (!s) unknown++;
    else if (s.state.running) running++;
    else if (s.state.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state.waiting) {
      if (s.lastState.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }
  const policy = restartPolicy(pod);
  if (n.failed > 0 && policy === 'Never') return 'Failed';
  if ((n.pending > 0 && !hasAnyRegularContainerStarted(pod, statuses)) || waiting > 0) return podIsTerminal ? 'Failed' : 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (podIsTerminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return podIsTerminal ? 'Failed' : 'Pending';
}

function condition(old: PodCondition[] | undefined, now: Date, c: Omit<PodCondition, 'lastProbeTime' | 'lastTransitionTime'>): PodCondition {
  const prev = old?.find((o) => o.type === c.type);
  const lastTransitionTime = prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : rfc3339(now);
  const out: PodCondition = { type: c.type, status: c.status, lastProbeTime: null, lastTransitionTime };
  if (c.reason) out.reason = c.reason;
  if (c.message) out.message = c.message;
  return out;
}

type Cond = Omit<PodCondition, 'lastProbeTime' | 'lastTransitionTime'>;

/** GenerateContainersReadyCondition / GeneratePodReadyCondition: sidecars and regular containers must be ready. */
function readiness(type: string, pod: Pod, phase: Phase, init: ContainerStatus[], statuses: ContainerStatus[]): Cond {
  const unready: string[] = [];
  for (const c of pod.spec.initContainers ?? []) if (isRestartableInit(c) && !find(init, c.name)?.ready) unready.push(c.name);
  for (const c of pod.spec.containers) if (!find(statuses, c.name)?.ready) unready.push(c.name);
  if (phase === 'Succeeded') return { type, status: 'False', reason: 'PodCompleted' };
  if (unready.length) return { type, status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` };
  return { type, status: 'True' };
}

/** GeneratePodInitializedCondition: regular init containers succeeded and sidecars started (or a regular container ran). */
function initialized(pod: Pod, phase: Phase, init: ContainerStatus[], statuses: ContainerStatus[]): Cond {
  const type = 'Initialized';
  const inits = pod.spec.initContainers ?? [];
  if (inits.length === 0) return { type, status: 'True' };
  const incomplete = inits.filter((c) => {
    const s = find(init, c.name);
    if (isRestartableInit(c)) return !s?.started;
    return !(s?.state.terminated && s.state.terminated.exitCode === 0);
  }).map((c) => c.name);
  if (phase === 'Succeeded') return { type, status: 'True', reason: 'PodCompleted' };
  if (hasAnyRegularContainerStarted(pod, statuses) || incomplete.length === 0) return { type, status: 'True' };
  return { type, status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: [${incomplete.join(' ')}]` };
}

/** The pod's conditions in Kubernetes' order, keeping PodScheduled as the scheduler wrote it. */
export function podConditions(input: StatusInput, phase: Phase, init: ContainerStatus[], statuses: ContainerStatus[]): PodCondition[] {
  const { pod, now } = input;
  const old = pod.status?.conditions;
  const sandboxReady = !podSandboxChanged(pod, input.runtime).changed;
  const conds: PodCondition[] = [
    condition(old, now, { type: 'PodReadyToStartContainers', status: sandboxReady ? 'True' : 'False' }),
    condition(old, now, initialized(pod, phase, init, statuses)),
    condition(old, now, readiness('Ready', pod, phase, init, statuses)),
    condition(old, now, readiness('ContainersReady', pod, phase, init, statuses)),
  ];
  const scheduled = old?.find((c) => c.type === 'PodScheduled');
  conds.push(scheduled ?? { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(now) });
  for (const c of old ?? []) if (!conds.some((x) => x.type === c.type)) conds.push(c);
  return conds;
}

/** The pod IPs: the sandbox's, else (sandbox gone) the ones already in the status. */
function podIPs(input: StatusInput): string[] {
  const sb = input.runtime.sandboxes.find((s) => s.ready && s.ip);
  if (sb) return [sb.ip, ...sb.additionalIps];
  if (input.pod.spec.hostNetwork) return [input.nodeIP];
  return (input.pod.status?.podIPs ?? []).map((p) => p.ip).filter((x) => x);
}

/** Generates the complete pod status. Pure; `now` stamps new transitions and startTime. */
export function generatePodStatus(input: StatusInput): PodStatus {
  const { pod, now } = input;
  const oldStatus = pod.status ?? {};
  const inits = pod.spec.initContainers ?? [];
  const initStatuses = inits.map((c) => containerStatus(input, c, oldStatus.initContainerStatuses?.find((s) => s.name === c.name), 'PodInitializing', isRestartableInit(c) ? 'sidecar' : 'init'));
  // With init containers every container waits as PodInitializing until created (kubelet's defaultWaitingState).
  const waiting = inits.length ? 'PodInitializing' : 'ContainerCreating';
  const statuses = pod.spec.containers.map((c) => containerStatus(input, c, oldStatus.containerStatuses?.find((s) => s.name === c.name), waiting, 'regular'));
  let phase = getPhase(pod, initStatuses, statuses, !!input.podIsTerminal);
  const status: PodStatus = {};
  if (oldStatus.phase === 'Succeeded' || oldStatus.phase === 'Failed') phase = oldStatus.phase;
  else if (phase !== 'Succeeded' && pastActiveDeadline({ ...pod, status: { ...oldStatus, startTime: oldStatus.startTime ?? rfc3339(now) } }, now.getTime())) {
    phase = 'Failed';
    status.reason = 'DeadlineExceeded';
    status.message = DEADLINE_EXCEEDED_MESSAGE;
  }
  status.phase = phase;
  status.conditions = podConditions(input, phase, initStatuses, statuses);
  const ips = podIPs(input);
  if (input.nodeIP) {
    status.hostIP = input.nodeIP;
    status.hostIPs = [{ ip: input.nodeIP }];
  }
  if (ips.length) {
    status.podIP = ips[0];
    status.podIPs = ips.map((ip) => ({ ip }));
  }
  status.startTime = oldStatus.startTime ?? rfc3339(now);
  if (inits.length) status.initContainerStatuses = initStatuses;
  status.containerStatuses = statuses;
  status.qosClass = podQOSClass(pod);
  for (const k of ['nominatedNodeName', 'message', 'reason'] as const) if (oldStatus[k] !== undefined && status[k] === undefined) status[k] = oldStatus[k];
  return status;
}

/** Deep equality of two JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
    const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
    if (ak.length !== bk.length) return false;
    return ak.every((k) => jsonEqual(ao[k], bo[k]));
  }
  return false;
}
