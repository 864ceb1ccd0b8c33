/**
 * The node lifecycle controller: every `monitorPeriodMs` it re-reads nodes,
 * their Leases and pods from informers, marks silent nodes Unknown, keeps the
 * not-ready/unreachable taints in line with the Ready condition, and evicts pods
 * from NoExecute-tainted nodes per their tolerations (TaintManagerEviction).
 * All decisions come from the pure functions in health.ts.
 */
import { StatusError } from '../../api/errors.js';
import type { Lease, Node, Pod } from '../../api/types.js';
import { Resources, type ApiClient, type EventRecorder } from '../../client/types.js';
import { realClock, type Clock } from '../../machinery/clock.js';
import { Informer } from '../../machinery/informer.js';
import { desiredTaints, evictionTime, NODE_MONITOR_GRACE_SECONDS, staleConditions } from './health.js';

/** Options of {@link NodeLifecycleController}. */
export interface NodeLifecycleOptions {
  client: ApiClient;
  recorder: EventRecorder;
  clock?: Clock;
  /** How often nodes are checked, ms (Kubernetes' nodeMonitorPeriod: 5 s). */
  monitorPeriodMs?: number;
  /** Seconds without heartbeat before a node is Unknown (default 40). */
  gracePeriodSeconds?: number;
  log?: (msg: string) => void;
}

/** Watches node heartbeats, keeps lifecycle taints in line and evicts pods from NoExecute-tainted nodes. Start with `start()`, stop with `stop()`. */
export class NodeLifecycleController {
  private readonly nodes: Informer<Node>;
  private readonly leases: Informer<Lease>;
  private readonly pods: Informer<Pod>;
  private readonly ac = new AbortController();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly clock: Clock;

  constructor(private readonly opts: NodeLifecycleOptions) {
    this.clock = opts.clock ?? realClock;
    this.nodes = new Informer<Node>(opts.client, Resources.nodes(), {}, opts.log);
    this.leases = new Informer<Lease>(opts.client, Resources.leases('kube-node-lease'), {}, opts.log);
    this.pods = new Informer<Pod>(opts.client, Resources.pods(), {}, opts.log);
  }

  /** Starts informers and the monitor loop; resolves once caches are synced. */
  async start(): Promise<void> {
    for (const i of [this.nodes, this.leases, this.pods]) i.start(this.ac.signal);
    await Promise.all([this.nodes.hasSynced(), this.leases.hasSynced(), this.pods.hasSynced()]);
    const tick = (): void => {
      if (this.ac.signal.aborted) return;
      this.running = this.monitor().catch((e: unknown) => this.opts.log?.(`nodelifecycle: ${String(e)}`)).finally(() => {
        if (!this.ac.signal.aborted) this.timer = setTimeout(tick, this.opts.monitorPeriodMs ?? 5000);
      });
    };
    tick();
  }

  /** Stops the loop and informers. */
  async stop(): Promise<void> {
    this.ac.abort();
    clearTimeout(this.timer);
    await this.running;
  }

  private async monitor(): Promise<void> {
    const now = this.clock.now().getTime();
    for (const node of this.nodes.list()) {
      const name = node.metadata.name!;
      const stale = staleConditions(node, this.leases.get('kube-node-lease', name), now, this.opts.gracePeriodSeconds ?? NODE_MONITOR_GRACE_SECONDS);
      let current = node;
      if (stale) {
        current = await this.write(() => this.opts.client.update<Node>(Resources.nodes(), { ...node, status: { ...node.status, conditions: stale } }, { subresource: 'status' }), node);
        this.opts.recorder.event(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
      }
      const taints = desiredTaints(current, now);
      if (JSON.stringify(taints) !== JSON.stringify(current.spec.taints ?? [])) {
        current = await this.write(() => this.opts.client.update<Node>(Resources.nodes(), { ...current, spec: { ...current.spec, taints } }), current);
      }
      await this.evictPods(name, current.spec.taints ?? [], now);
    }
  }

  private async evictPods(nodeName: string, taints: Node['spec']['taints'] & object, now: number): Promise<void> {
    if (!taints.some((t) => t.effect === 'NoExecute')) return;
    for (const pod of this.pods.list()) {
      if (pod.spec.nodeName !== nodeName || pod.metadata.deletionTimestamp) continue;
      const at = evictionTime(pod, taints, now);
      if (at === undefined || at > now) continue;
      this.opts.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${pod.metadata.namespace}/${pod.metadata.name}`);
      await this.write(() => this.opts.client.delete(Resources.pods(pod.metadata.namespace), pod.metadata.name!, { preconditions: { uid: pod.metadata.uid } }), pod);
    }
  }

  /** Runs a write; conflicts and not-found are left for the next period (level-triggered). */
  private async write<T>(fn: () => Promise<unknown>, fallback: T): Promise<T> {
    try {
      return (await fn()) as T;
    } catch (e) {
      if (e instanceof StatusError && (e.code === 409 || e.code === 404)) return fallback;
      throw e;
    }
  }
}
