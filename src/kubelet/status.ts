/**
 * Pure pod status generation (kubelet_pods.go generateAPIPodStatus, getPhase,
 * convertToAPIContainerStatuses and pkg/kubelet/status/generate.go). Given the pod, the
 * runtime's view of it and the last start failures, returns the status to write.
 */
import type { Container, ContainerState, ContainerStatus, Pod, PodCondition, PodStatus } from '../api/types.js';
import { rfc3339 } from '../machinery/clock.js';
import { podSandboxChanged, shouldContainerBeRestarted } from './pod-actions.js';
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
}

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

/** Status of one container (regular or init), as convertToAPIContainerStatuses. */
function containerStatus(input: StatusInput, spec: Container, old: ContainerStatus | undefined, defaultWaiting: string): ContainerStatus {
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
    if (f && shouldContainerBeRestarted(input.pod, undefined)) st.state = { waiting: { reason: f.reason, message: f.message } };
    return st;
  }
  const prev = instances[1];
  let state = stateOf(latest, runtimeName);
  let lastState: ContainerState = prev && prev.state !== 'running' && prev.state !== 'created' ? terminatedState(prev, runtimeName) : {};
  const f = input.failures.get(spec.name);
  if (f && latest.state !== 'running' && shouldContainerBeRestarted(input.pod, latest)) {
    if (state.terminated) lastState = state;
    state = { waiting: { reason: f.reason, message: f.message } };
  }
  const running = latest.state === 'running';
  const st: ContainerStatus = {
    name: spec.name,
    state,
    lastState,
    ready: running && !spec.readinessProbe,
    restartCount: latest.restartCount,
    image: latest.image || normalizeImage(spec.image ?? ''),
    imageID: input.imageIDs?.get(latest.imageRef) ?? latest.imageRef,
    containerID: `${runtimeName}://${latest.id}`,
    started: running,
  };
  return st;
}

type Phase = NonNullable<PodStatus['phase']>;

/** getPhase: the pod phase from its spec and container statuses. */
export function getPhase(pod: Pod, init: ContainerStatus[], statuses: ContainerStatus[], podIsTerminal: boolean): Phase {
  let initPending = 0;
  let initFailed = 0;
  for (const s of init) {
    if (s.state.terminated && s.state.terminated.exitCode === 0) continue;
    if (s.state.terminated || (s.state.waiting && s.lastState.terminated && s.lastState.terminated.exitCode !== 0)) initFailed++;
    else initPending++;
  }
  let running = 0, waiting = 0, stopped = 0, succeeded = 0;
  for (const s of statuses) {
    if (s.state.running) running++;
    else if (s.state.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state.waiting) {
      if (s.lastState.terminated) stopped++;
      else waiting++;
    }
  }
  const policy = restartPolicy(pod);
  if (initFailed > 0 && policy === 'Never') return 'Failed';
  if (initPending > 0 || initFailed > 0) return podIsTerminal ? 'Failed' : 'Pending';
  if (waiting > 0) return podIsTerminal ? (stopped > 0 && stopped === succeeded && waiting === 0 ? 'Succeeded' : 'Failed') : 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (podIsTerminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function condition(old: PodCondition[] | undefined, now: Date, c: Omit<PodCondition, 'lastProbeTime' | 'lastTransitionTime'>): PodCondition {
  const prev = old?.find((o) => o.type === c.type);
  const lastTransitionTime = prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : rfc3339(now);
  const out: PodCondition = { type: c.type, status: c.status, lastProbeTime: null, lastTransitionTime };
  if (c.reason) out.reason = c.reason;
  if (c.message) out.message = c.message;
  return out;
}

function readiness(type: string, phase: Phase, statuses: ContainerStatus[]): Omit<PodCondition, 'lastProbeTime' | 'lastTransitionTime'> {
  if (phase === 'Succeeded') return { type, status: 'False', reason: 'PodCompleted' };
  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  if (unready.length) return { type, status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` };
  return { type, status: 'True' };
}

/** The pod's conditions in Kubernetes' order, keeping PodScheduled as the scheduler wrote it. */
export function podConditions(input: StatusInput, phase: Phase, init: ContainerStatus[], statuses: ContainerStatus[]): PodCondition[] {
  const { pod, now } = input;
  const old = pod.status?.conditions;
  const sandboxReady = !podSandboxChanged(pod, input.runtime).changed;
  const incomplete = init.filter((s) => !(s.state.terminated && s.state.terminated.exitCode === 0)).map((s) => s.name);
  const initDone = incomplete.length === 0 || (phase === 'Succeeded');
  const conds: PodCondition[] = [
    condition(old, now, { type: 'PodReadyToStartContainers', status: sandboxReady ? 'True' : 'False' }),
    condition(old, now, initDone
      ? { type: 'Initialized', status: 'True' }
      : { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: [${incomplete.join(' ')}]` }),
    condition(old, now, readiness('Ready', phase, statuses)),
    condition(old, now, readiness('ContainersReady', phase, statuses)),
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
  const initStatuses = inits.map((c) => containerStatus(input, c, oldStatus.initContainerStatuses?.find((s) => s.name === c.name), 'PodInitializing'));
  const initDone = initStatuses.every((s) => s.state.terminated && s.state.terminated.exitCode === 0);
  const statuses = pod.spec.containers.map((c) => containerStatus(input, c, oldStatus.containerStatuses?.find((s) => s.name === c.name), initDone ? 'ContainerCreating' : 'PodInitializing'));
  let phase = getPhase(pod, initStatuses, statuses, !!input.podIsTerminal);
  if (oldStatus.phase === 'Succeeded' || oldStatus.phase === 'Failed') phase = oldStatus.phase;
  const ips = podIPs(input);
  const status: PodStatus = { phase, conditions: podConditions(input, phase, initStatuses, statuses) };
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
  for (const k of ['nominatedNodeName', 'message', 'reason'] as const) if (oldStatus[k] !== undefined) status[k] = oldStatus[k];
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
