/**
 * The scheduler: watches unscheduled pods (spec.schedulerName default-scheduler),
 * picks a Ready, schedulable node, and POSTs a Binding. Emits `Scheduled`
 * (`Successfully assigned NS/POD to NODE`) or `FailedScheduling` as Kubernetes does.
 * Level-triggered: handlers only enqueue keys; the worker re-reads the lister.
 */
import type { Node, Pod } from '../api/types.js';
import { StatusError } from '../api/errors.js';
import { Resources, type ApiClient, type EventRecorder } from '../client/types.js';
import { Informer, objectKey, splitKey } from '../machinery/informer.js';
import { runWorkers, WorkQueue } from '../machinery/workqueue.js';
import { selectNode } from './select.js';

/** Options for the scheduler. */
export interface SchedulerOptions {
  client: ApiClient;
  recorder: EventRecorder;
  /** Only pods naming this scheduler are handled (default `default-scheduler`). */
  schedulerName?: string;
  log?: (msg: string) => void;
}

/** What of a node matters to scheduling (heartbeats excluded), as a comparable string. */
function schedulingView(n: Node): string {
  return JSON.stringify([
    n.spec.unschedulable, n.spec.taints, n.metadata.labels, n.status?.allocatable,
    (n.status?.conditions ?? []).map((c) => `${c.type}=${c.status}`),
  ]);
}

/** The scheduler component: informers on pods and nodes, a retry queue, one scheduling cycle per pod (see select.ts). */
export class Scheduler {
  /** Pods bound by this scheduler that the informer has not yet shown bound (kube-scheduler's assumed pods). */
  private readonly assumed = new Map<string, Pod>();
  private readonly queue = new WorkQueue<string>(1000, 10_000);
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly name: string;
  private ac = new AbortController();
  private workers?: Promise<void>;

  constructor(private readonly opts: SchedulerOptions) {
    this.name = opts.schedulerName ?? 'default-scheduler';
    // All pods: unscheduled ones to place, assigned ones to account for node usage.
    this.pods = new Informer<Pod>(opts.client, Resources.pods(), {}, opts.log);
    this.nodes = new Informer<Node>(opts.client, Resources.nodes(), {}, opts.log);
  }

  /** Starts informers and the worker; resolves once caches are synced. */
  async start(): Promise<void> {
    const enqueue = (p: Pod) => { if (this.responsible(p)) this.queue.add(objectKey(p)); };
    // Any node change may make waiting pods schedulable.
    const retryAll = () => { for (const p of this.pods.list()) enqueue(p); };
    // A pod leaving a node (deleted or finished) may free room for waiting pods.
    const freed = (p: Pod) => { if (p.spec.nodeName) retryAll(); };
    this.pods.addEventHandler({
      onAdd: enqueue,
      onUpdate: (o, n) => { enqueue(n); if (n.spec.nodeName && o.status?.phase !== n.status?.phase && ['Succeeded', 'Failed'].includes(n.status?.phase ?? '')) retryAll(); },
      onDelete: freed,
    });
    this.nodes.addEventHandler({ onAdd: retryAll, onUpdate: (o, n) => { if (schedulingView(o) !== schedulingView(n)) retryAll(); } });
    this.pods.start(this.ac.signal);
    this.nodes.start(this.ac.signal);
    await Promise.all([this.pods.hasSynced(), this.nodes.hasSynced()]);
    this.workers = runWorkers(this.queue, 1, (k) => this.scheduleOne(k), (k, e) => this.opts.log?.(`scheduler: ${k}: ${String(e)}`));
  }

  /** Stops the scheduler. */
  async stop(): Promise<void> {
    this.ac.abort();
    this.queue.shutDown();
    await this.workers;
  }

  private responsible(p: Pod): boolean {
    return !p.spec.nodeName && !p.metadata.deletionTimestamp && (p.spec.schedulerName ?? 'default-scheduler') === this.name;
  }

  private async scheduleOne(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const pod = this.pods.get(namespace, name);
    if (!pod || !this.responsible(pod)) return;
    const known = new Map(this.pods.list().map((p) => [objectKey(p), p] as const));
    for (const [k, p] of this.assumed) {
      const cur = known.get(k);
      if (!cur || cur.spec.nodeName || cur.metadata.uid !== p.metadata.uid) this.assumed.delete(k);
      else known.set(k, p);
    }
    const result = selectNode(pod, this.nodes.list(), [...known.values()]);
    if (!result.node) {
      this.opts.recorder.event(pod, 'Warning', 'FailedScheduling', result.message);
      await this.markUnschedulable(pod, result.message);
      throw new Error(`unschedulable: ${result.message}`);
    }
    try {
      await this.opts.client.createSubresource(Resources.pods(namespace), name, 'binding', {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name, namespace, uid: pod.metadata.uid },
        target: { apiVersion: 'v1', kind: 'Node', name: result.node },
      });
    } catch (e) {
      if (e instanceof StatusError && (e.code === 404 || e.code === 409)) return;
      throw e;
    }
    this.assumed.set(key, { ...pod, spec: { ...pod.spec, nodeName: result.node } });
    this.opts.recorder.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${result.node}`);
  }

  private async markUnschedulable(pod: Pod, message: string): Promise<void> {
    const cond = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (cond?.status === 'False' && cond.message === message) return;
    try {
      await this.opts.client.patch(Resources.pods(pod.metadata.namespace), pod.metadata.name!, 'strategic', {
        status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }] },
      }, { subresource: 'status' });
    } catch (e) {
      this.opts.log?.(`scheduler: status of ${pod.metadata.name}: ${String(e)}`);
    }
  }
}
