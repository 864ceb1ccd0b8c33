/**
 * The namespace controller (pkg/controller/namespace): when a namespace is
 * deleted (Terminating, with the `kubernetes` finalizer), it deletes every
 * object of every namespaced resource in it (pods go through the kubelet's
 * graceful termination), looks again until nothing is left, then removes its
 * finalizer so the API server removes the namespace.
 */
import { StatusError } from '../../api/errors.js';
import type { KubeObject, Namespace } from '../../api/types.js';
import { Resources, type ApiClient } from '../../client/types.js';
import { realClock, type Clock } from '../../machinery/clock.js';
import type { Informer } from '../../machinery/informer.js';
import { runWorkers, WorkQueue } from '../../machinery/workqueue.js';
import { supports, type DiscoveredResource } from '../discovery.js';
import type { SharedInformerFactory } from '../informers.js';
import { estimateSeconds, finalizedSpec, needsFinalizing, toDelete } from './decide.js';

/** Options of {@link NamespaceController}. */
export interface NamespaceControllerOptions {
  client: ApiClient;
  informers: SharedInformerFactory;
  /** Every served resource; the namespaced ones with list and delete are emptied. */
  resources: DiscoveredResource[];
  clock?: Clock;
  log?: (msg: string) => void;
}

const isStatus = (e: unknown, code: number) => e instanceof StatusError && e.code === code;

/** The namespace controller; `run()` starts its workers once the shared informers are started. */
export class NamespaceController {
  private readonly queue = new WorkQueue<string>(100, 30_000);
  private readonly nsInformer: Informer<Namespace>;
  private readonly clock: Clock;
  private workers?: Promise<void>;

  constructor(private readonly opts: NamespaceControllerOptions) {
    this.clock = opts.clock ?? realClock;
    this.nsInformer = opts.informers.informerFor<Namespace>(Resources.namespaces());
    const enqueue = (ns: Namespace) => { if (ns.metadata.deletionTimestamp) this.queue.add(ns.metadata.name ?? ''); };
    this.nsInformer.addEventHandler({ onAdd: enqueue, onUpdate: (_o, ns) => enqueue(ns) });
  }

  /** Starts the workers (informers are started by the manager). */
  run(): void {
    this.workers = runWorkers(this.queue, 2, (k) => this.syncNamespace(k), (k, e) => this.opts.log?.(`namespace-controller: ${k}: ${e instanceof Error ? e.message : String(e)}`));
  }

  /** Stops the workers. */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.workers;
  }

  private async syncNamespace(name: string): Promise<void> {
    const ns = this.nsInformer.get(undefined, name);
    if (!needsFinalizing(ns)) return;
    const remaining = await this.deleteAllContent(name);
    if (remaining.length > 0) {
      this.queue.addAfter(name, estimateSeconds(remaining, this.clock.now()) * 1000);
      return;
    }
    await this.finalize(name);
  }

  /** Deletes what is left in the namespace; returns the objects still present. */
  private async deleteAllContent(namespace: string): Promise<KubeObject[]> {
    const remaining: KubeObject[] = [];
    for (const r of this.opts.resources) {
      if (!r.namespaced || !supports(r, 'list', 'delete')) continue;
      const ref = { group: r.group, version: r.version, resource: r.resource, namespace };
      const list = await this.opts.client.list(ref);
      for (const o of toDelete(list.items)) {
        await this.opts.client.delete(ref, o.metadata.name!, { propagationPolicy: 'Background', preconditions: { uid: o.metadata.uid } }).catch((e: unknown) => {
          if (!isStatus(e, 404) && !isStatus(e, 409)) throw e;
        });
      }
      remaining.push(...(list.items.length ? (await this.opts.client.list(ref)).items : []));
    }
    return remaining;
  }

  /** finalizeNamespace: drop `kubernetes` from spec.finalizers (through the status write, see registries.ts). */
  private async finalize(name: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      let ns: Namespace;
      try {
        ns = await this.opts.client.get<Namespace>(Resources.namespaces(), name);
      } catch (e) {
        if (isStatus(e, 404)) return;
        throw e;
      }
      if (!needsFinalizing(ns)) return;
      ns.spec = { ...(ns.spec ?? {}), finalizers: finalizedSpec(ns) };
      try {
        await this.opts.client.update(Resources.namespaces(), ns, { subresource: 'status' });
        return;
      } catch (e) {
        if (isStatus(e, 404)) return;
        if (!isStatus(e, 409)) throw e;
      }
    }
  }
}
