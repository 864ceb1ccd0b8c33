/**
 * The probe manager (pkg/kubelet/prober/prober_manager.go + worker.go): one worker per
 * container and probe type, ticking every periodSeconds; results are cached by
 * container ID and every change calls `onChange` so the kubelet re-syncs the pod
 * (readiness → Ready conditions, liveness/startup failure → restart). Each failed probe
 * records an `Unhealthy` event `<Type> probe failed: <output>`.
 */
import type { Container, ContainerStatus, Pod, PodStatus } from '../../api/types.js';
import type { EventRecorder } from '../../client/types.js';
import type { RuntimeService } from '../cri/api.js';
import { containerFieldPath, isTerminalPhase, isTerminating, podRef, restartPolicy } from '../podutil.js';
import { runAction, type ActionSpec } from './handlers.js';
import {
  decideTick, newWorkerState, recordOutcome, type ContainerView, type ProbeResult, type ProbeTiming, type ProbeType, type ProbeView,
  type ResultChange, type WorkerState,
} from './state.js';

/** A probe as written in a container spec. */
export type ProbeSpec = ActionSpec & ProbeTiming;

/** Dependencies of the manager. */
export interface ProbeManagerDeps {
  runtime: RuntimeService;
  recorder: EventRecorder;
  /** Called (with the latest pod) whenever a cached result of the pod changes. */
  onChange: (pod: Pod) => void;
  now?: () => number;
  log?: (msg: string) => void;
}

const TYPES: ProbeType[] = ['startup', 'readiness', 'liveness'];
const FIELD: Record<ProbeType, 'startupProbe' | 'readinessProbe' | 'livenessProbe'> = { startup: 'startupProbe', readiness: 'readinessProbe', liveness: 'livenessProbe' };
const TITLE: Record<ProbeType, string> = { startup: 'Startup', readiness: 'Readiness', liveness: 'Liveness' };

const stripId = (id: string | undefined): string => (id ?? '').replace(/^[a-z]+:\/\//, '');

function viewOf(cs: ContainerStatus | undefined): ContainerView | undefined {
  if (!cs) return undefined;
  const startedAt = cs.state.running?.startedAt;
  return {
    containerId: stripId(cs.containerID),
    running: !!cs.state.running,
    terminated: !!cs.state.terminated,
    startedAtMs: startedAt ? Date.parse(startedAt) : 0,
    started: !!cs.started,
  };
}

/** Containers that may carry probes: regular ones and restartable (sidecar) init containers. */
export function probedContainers(pod: Pod): Container[] {
  return [...(pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'), ...pod.spec.containers];
}

class Worker {
  state: WorkerState = newWorkerState();
  private stopped = false;
  private wake: (() => void) | undefined;
  private lastView = '';

  constructor(private readonly m: ProbeManager, readonly uid: string, readonly container: Container, readonly type: ProbeType, readonly spec: ProbeSpec) {}

  start(): void {
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  /** Probe now if the container changed since the last look (a new instance, or it started). */
  poke(cs: ContainerStatus | undefined): void {
    const v = JSON.stringify(viewOf(cs) ?? null);
    if (v !== this.lastView) this.wake?.();
  }

  private async loop(): Promise<void> {
    const periodMs = Math.max(1, this.spec.periodSeconds ?? 10) * 1000;
    while (!this.stopped) {
      try {
        if (!(await this.tick())) break;
      } catch (err) {
        this.m.log(`probe ${this.type} ${this.container.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (this.stopped) break;
      await new Promise<void>((r) => {
        const t = setTimeout(() => { this.wake = undefined; r(); }, periodMs);
        this.wake = () => { clearTimeout(t); this.wake = undefined; r(); };
      });
    }
    this.m.workerDone(this);
  }

  private async tick(): Promise<boolean> {
    const cur = this.m.current(this.uid);
    if (!cur) return true;
    const { pod, status } = cur;
    const cs = [...(status.containerStatuses ?? []), ...(status.initContainerStatuses ?? [])].find((s) => s.name === this.container.name);
    this.lastView = JSON.stringify(viewOf(cs) ?? null);
    const podView = { terminalPhase: isTerminalPhase({ ...pod, status }), terminating: isTerminating(pod), restartPolicy: restartPolicy(pod) };
    const d = decideTick(this.state, this.type, this.spec, podView, viewOf(cs), this.m.now());
    this.state = d.state;
    this.m.apply(pod, this.type, d.changes);
    if (d.action === 'stop') return false;
    if (d.action === 'skip') return true;
    const timeout = Math.max(1, this.spec.timeoutSeconds ?? 1);
    let outcome: 'success' | 'failure';
    try {
      const r = await runAction(this.spec, this.container, this.state.containerId, status.podIP ?? '', timeout, this.m.deps.runtime);
      outcome = r.result;
      if (r.result === 'failure') {
        this.m.deps.recorder.event(podRef(pod), 'Warning', 'Unhealthy', `${TITLE[this.type]} probe failed: ${r.output.trimEnd()}`, containerFieldPath(pod, this.container.name));
      }
    } catch (err) {
      this.m.deps.recorder.event(podRef(pod), 'Warning', 'Unhealthy', `${TITLE[this.type]} probe errored: ${err instanceof Error ? err.message : String(err)}`, containerFieldPath(pod, this.container.name));
      return true;
    }
    if (this.stopped) return false;
    const rec = recordOutcome(this.state, this.type, this.spec, outcome);
    this.state = rec.state;
    this.m.apply(pod, this.type, rec.changes);
    return true;
  }
}

/** Probe workers and the results cache of one kubelet. Implements the ProbeView the pure code reads. */
export class ProbeManager implements ProbeView {
  private readonly results = new Map<string, ProbeResult>();
  private readonly workers = new Map<string, Worker>();
  private readonly pods = new Map<string, { pod: Pod; status: PodStatus }>();
  readonly now: () => number;
  readonly log: (msg: string) => void;

  constructor(readonly deps: ProbeManagerDeps) {
    this.now = deps.now ?? Date.now;
    this.log = deps.log ?? (() => {});
  }

  get(type: ProbeType, containerId: string): ProbeResult | undefined {
    return this.results.get(`${type}/${containerId}`);
  }

  /** The pod and status last given to updatePodStatus. */
  current(uid: string): { pod: Pod; status: PodStatus } | undefined {
    return this.pods.get(uid);
  }

  /** Applies result changes; calls onChange when a cached value changed. */
  apply(pod: Pod, type: ProbeType, changes: ResultChange[]): void {
    let changed = false;
    for (const ch of changes) {
      const key = `${type}/${ch.containerId}`;
      if (ch.op === 'remove') { changed = this.results.delete(key) || changed; continue; }
      if (this.results.get(key) !== ch.result) {
        this.results.set(key, ch.result);
        changed = true;
      }
    }
    if (changed) this.deps.onChange(this.pods.get(pod.metadata.uid ?? '')?.pod ?? pod);
  }

  /** Starts the missing workers of a live pod (AddPod) and remembers its latest status. */
  updatePodStatus(pod: Pod, status: PodStatus): void {
    const uid = pod.metadata.uid ?? '';
    this.pods.set(uid, { pod, status });
    if (isTerminalPhase({ ...pod, status })) return;
    for (const c of probedContainers(pod)) {
      for (const type of TYPES) {
        const spec = c[FIELD[type]] as ProbeSpec | undefined;
        if (!spec) continue;
        const key = `${uid}/${c.name}/${type}`;
        let w = this.workers.get(key);
        if (!w) {
          w = new Worker(this, uid, c, type, spec);
          this.workers.set(key, w);
          w.start();
        } else {
          w.poke([...(status.containerStatuses ?? []), ...(status.initContainerStatuses ?? [])].find((s) => s.name === c.name));
        }
      }
    }
  }

  /** @internal A worker ended on its own. */
  workerDone(w: Worker): void {
    const key = `${w.uid}/${w.container.name}/${w.type}`;
    if (this.workers.get(key) === w) this.workers.delete(key);
  }

  /** Stops the pod's workers and forgets its results (RemovePod). */
  removePod(uid: string): void {
    for (const [key, w] of this.workers) {
      if (!key.startsWith(`${uid}/`)) continue;
      w.stop();
      this.workers.delete(key);
      if (w.state.containerId) this.results.delete(`${w.type}/${w.state.containerId}`);
    }
    this.pods.delete(uid);
  }

  /** UIDs of pods with state here (for housekeeping). */
  podUIDs(): string[] {
    return [...this.pods.keys()];
  }

  /** Stops every worker. */
  stop(): void {
    for (const w of this.workers.values()) w.stop();
    this.workers.clear();
  }
}
