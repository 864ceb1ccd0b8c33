/**
 * The pure half of a probe worker (pkg/kubelet/prober/worker.go doProbe): whether a
 * probe runs on this tick, and how a probe outcome moves the cached result through
 * successThreshold/failureThreshold. The timers and handlers live in manager.ts.
 */

/** `liveness`, `readiness` or `startup`. */
export type ProbeType = 'liveness' | 'readiness' | 'startup';
/** A cached probe result (results.Result). */
export type ProbeResult = 'success' | 'failure' | 'unknown';

/** Read-only view of the cached results, keyed by container ID (without the `containerd://` prefix). */
export interface ProbeView {
  get(type: ProbeType, containerId: string): ProbeResult | undefined;
}

/** The timing and threshold fields of a probe, defaulted as the API server does (seconds). */
export interface ProbeTiming {
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}

/** What the worker knows about its container on a tick (from the pod status). */
export interface ContainerView {
  /** Empty when the container has not been created. */
  containerId: string;
  running: boolean;
  terminated: boolean;
  /** When the running instance started (ms since the epoch). */
  startedAtMs: number;
  /** The container passed its startup probe (or has none). */
  started: boolean;
}

/** The pod facts a worker needs. */
export interface PodView {
  terminalPhase: boolean;
  terminating: boolean;
  restartPolicy: 'Always' | 'OnFailure' | 'Never';
}

/** Mutable-by-copy worker state. */
export interface WorkerState {
  containerId: string;
  onHold: boolean;
  lastResult: ProbeResult | undefined;
  resultRun: number;
}

/** A change to the results cache. */
export type ResultChange = { op: 'set'; containerId: string; result: ProbeResult } | { op: 'remove'; containerId: string };

/** The outcome of a tick's pre-check. */
export interface TickDecision {
  state: WorkerState;
  /** `probe`: run the handler now; `skip`: wait for the next tick; `stop`: end the worker. */
  action: 'probe' | 'skip' | 'stop';
  changes: ResultChange[];
}

/** Initial cached result for a new container: readiness Failure, liveness Success, startup Unknown. */
export function initialResult(type: ProbeType): ProbeResult {
  return type === 'readiness' ? 'failure' : type === 'liveness' ? 'success' : 'unknown';
}

/** A worker's first state. */
export function newWorkerState(): WorkerState {
  return { containerId: '', onHold: false, lastResult: undefined, resultRun: 0 };
}

/** Decides whether to probe on this tick (the checks at the top of doProbe). Pure. */
export function decideTick(s0: WorkerState, type: ProbeType, timing: ProbeTiming, pod: PodView, c: ContainerView | undefined, nowMs: number): TickDecision {
  const s = { ...s0 };
  const changes: ResultChange[] = [];
  if (pod.terminalPhase) return { state: s, action: 'stop', changes };
  if (!c || !c.containerId) return { state: s, action: 'skip', changes };
  if (s.containerId !== c.containerId) {
    if (s.containerId) changes.push({ op: 'remove', containerId: s.containerId });
    s.containerId = c.containerId;
    s.lastResult = undefined;
    s.resultRun = 0;
    changes.push({ op: 'set', containerId: c.containerId, result: initialResult(type) });
    s.onHold = false;
  }
  if (s.onHold) return { state: s, action: 'skip', changes };
  if (!c.running) {
    changes.push({ op: 'set', containerId: s.containerId, result: 'failure' });
    return { state: s, action: !c.terminated || pod.restartPolicy !== 'Never' ? 'skip' : 'stop', changes };
  }
  if (pod.terminating && (type === 'liveness' || type === 'startup')) {
    changes.push({ op: 'set', containerId: s.containerId, result: 'success' });
    return { state: s, action: 'stop', changes };
  }
  if (nowMs - c.startedAtMs < (timing.initialDelaySeconds ?? 0) * 1000) return { state: s, action: 'skip', changes };
  if (c.started ? type === 'startup' : type !== 'startup') return { state: s, action: 'skip', changes };
  return { state: s, action: 'probe', changes };
}

/**
 * Records a probe outcome: the cached result changes only after `failureThreshold`
 * consecutive failures or `successThreshold` consecutive successes; a liveness or
 * startup failure then holds the worker until a new container appears. Pure.
 */
export function recordOutcome(s0: WorkerState, type: ProbeType, timing: ProbeTiming, result: 'success' | 'failure'): { state: WorkerState; changes: ResultChange[] } {
  const s = { ...s0 };
  if (s.lastResult === result) s.resultRun++;
  else {
    s.lastResult = result;
    s.resultRun = 1;
  }
  const failureThreshold = timing.failureThreshold ?? 3;
  const successThreshold = timing.successThreshold ?? 1;
  if ((result === 'failure' && s.resultRun < failureThreshold) || (result === 'success' && s.resultRun < successThreshold)) {
    return { state: s, changes: [] };
  }
  const changes: ResultChange[] = [{ op: 'set', containerId: s.containerId, result }];
  if ((type === 'liveness' || type === 'startup') && result === 'failure') {
    s.onHold = true;
    s.resultRun = 0;
  }
  return { state: s, changes };
}
