/**
 * The endpoints and EndpointSlice controllers (pkg/controller/endpoint and
 * pkg/controller/endpointslice) in one level-triggered loop: informer handlers only
 * enqueue Service keys (a pod change enqueues every Service of its namespace whose
 * selector matches the old or new labels); a worker re-reads the Service and pods from
 * the caches, computes the Endpoints and EndpointSlices (reconcile.ts) and writes the
 * difference. Services without a selector are left alone (their endpoints are managed
 * by hand, like `kubernetes`). When a Service goes, its Endpoints and managed slices go.
 */
import { StatusError } from '../../api/errors.js';
import {
  ENDPOINTSLICE_CONTROLLER_NAME, LABEL_MANAGED_BY, LABEL_SERVICE_NAME, type EndpointSlice, type Endpoints, type Service,
} from '../../api/servicetypes.js';
import type { Pod } from '../../api/types.js';
import { Resources, type ApiClient, type ResourceRef } from '../../client/types.js';
import { objectKey, splitKey, type Informer } from '../../machinery/informer.js';
import { runWorkers, WorkQueue } from '../../machinery/workqueue.js';
import type { SharedInformerFactory } from '../informers.js';
import { desiredEndpoints, desiredSliceContents, endpointsChanged, planSlices, selectPods } from './reconcile.js';

/** Refs of the resources this controller reads and writes. */
export const ServiceResources = {
  services: (namespace?: string): ResourceRef => ({ group: '', version: 'v1', resource: 'services', namespace }),
  endpoints: (namespace?: string): ResourceRef => ({ group: '', version: 'v1', resource: 'endpoints', namespace }),
  endpointSlices: (namespace?: string): ResourceRef => ({ group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', namespace }),
} as const;

/** Options of {@link EndpointsController}. */
export interface EndpointsControllerOptions {
  client: ApiClient;
  informers: SharedInformerFactory;
  workers?: number;
  log?: (msg: string) => void;
}

const isStatus = (e: unknown, code: number): boolean => e instanceof StatusError && e.code === code;

function hasSelector(svc: Service): boolean {
  return Object.keys(svc.spec?.selector ?? {}).length > 0;
}

/** Keeps Endpoints and EndpointSlices of selector Services in step with their pods. */
export class EndpointsController {
  private readonly queue = new WorkQueue<string>(5, 30_000);
  private readonly services: Informer<Service>;
  private readonly pods: Informer<Pod>;
  private readonly endpoints: Informer<Endpoints>;
  private readonly slices: Informer<EndpointSlice>;
  private workers?: Promise<void>;

  constructor(private readonly opts: EndpointsControllerOptions) {
    this.services = opts.informers.informerFor<Service>(ServiceResources.services());
    this.pods = opts.informers.informerFor<Pod>(Resources.pods());
    this.endpoints = opts.informers.informerFor<Endpoints>(ServiceResources.endpoints());
    this.slices = opts.informers.informerFor<EndpointSlice>(ServiceResources.endpointSlices());
    const enqueue = (s: { metadata: { namespace?: string; name?: string } }) => this.queue.add(`${s.metadata.namespace ?? ''}/${s.metadata.name ?? ''}`);
    this.services.addEventHandler({ onAdd: enqueue, onUpdate: (_o, s) => enqueue(s), onDelete: enqueue });
    this.pods.addEventHandler({
      onAdd: (p) => this.podChanged(p),
      onUpdate: (o, p) => { this.podChanged(o); this.podChanged(p); },
      onDelete: (p) => this.podChanged(p),
    });
    const ownedEndpoints = (e: Endpoints) => {
      const svc = this.services.get(e.metadata.namespace, e.metadata.name ?? '');
      if (svc && hasSelector(svc)) enqueue(e);
    };
    this.endpoints.addEventHandler({ onUpdate: (_o, e) => ownedEndpoints(e), onDelete: ownedEndpoints });
    const sliceOwner = (s: EndpointSlice) => {
      const labels = s.metadata.labels ?? {};
      const svc = labels[LABEL_SERVICE_NAME];
      if (svc && labels[LABEL_MANAGED_BY] === ENDPOINTSLICE_CONTROLLER_NAME) this.queue.add(`${s.metadata.namespace ?? ''}/${svc}`);
    };
    this.slices.addEventHandler({ onUpdate: (_o, s) => sliceOwner(s), onDelete: sliceOwner });
  }

  /** Starts the workers (informers are started by the manager). */
  run(): void {
    this.workers = runWorkers(this.queue, this.opts.workers ?? 3, (k) => this.syncService(k), (k, e) => this.opts.log?.(`endpoints-controller: ${k}: ${e instanceof Error ? e.message : String(e)}`));
  }

  /** Stops the workers. */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.workers;
  }

  private podChanged(p: Pod): void {
    for (const svc of this.services.list()) {
      if (svc.metadata.namespace === p.metadata.namespace && selectPods(svc, [p]).length) this.queue.add(objectKey(svc));
    }
  }

  /** syncService: Endpoints first, then EndpointSlices; a vanished Service takes both with it. */
  private async syncService(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const svc = this.services.getByKey(key);
    if (!svc) return this.removeAll(namespace ?? '', name);
    if (!hasSelector(svc)) return;
    const pods = this.pods.list().filter((p) => p.metadata.namespace === namespace);
    await this.syncEndpoints(svc, pods);
    await this.syncSlices(svc, pods);
  }

  private async syncEndpoints(svc: Service, pods: Pod[]): Promise<void> {
    const want = desiredEndpoints(svc, pods);
    const ref = ServiceResources.endpoints(svc.metadata.namespace);
    const cur = this.endpoints.get(svc.metadata.namespace, svc.metadata.name ?? '');
    if (!cur) {
      try {
        await this.opts.client.create(ref, want);
      } catch (e) {
        if (!isStatus(e, 409)) throw e;
        const live = await this.opts.client.get<Endpoints>(ref, svc.metadata.name ?? '');
        if (endpointsChanged(live, want)) await this.opts.client.update(ref, { ...live, metadata: { ...live.metadata, labels: want.metadata.labels }, subsets: want.subsets });
      }
      return;
    }
    if (!endpointsChanged(cur, want)) return;
    const next: Endpoints = { ...cur, metadata: { ...cur.metadata, labels: want.metadata.labels } };
    if (want.subsets) next.subsets = want.subsets; else delete next.subsets;
    await this.opts.client.update(ref, next);
  }

  private managedSlices(namespace: string | undefined, name: string): EndpointSlice[] {
    return this.slices.list().filter((s) => s.metadata.namespace === namespace
      && s.metadata.labels?.[LABEL_SERVICE_NAME] === name && s.metadata.labels?.[LABEL_MANAGED_BY] === ENDPOINTSLICE_CONTROLLER_NAME);
  }

  private async syncSlices(svc: Service, pods: Pod[]): Promise<void> {
    const plan = planSlices(svc, desiredSliceContents(svc, pods), this.managedSlices(svc.metadata.namespace, svc.metadata.name ?? ''));
    const ref = ServiceResources.endpointSlices(svc.metadata.namespace);
    for (const s of plan.update) await this.opts.client.update(ref, s);
    for (const s of plan.create) await this.opts.client.create(ref, s);
    for (const s of plan.remove) await this.deleteIgnoringNotFound(ref, s.metadata.name ?? '');
  }

  private async removeAll(namespace: string, name: string): Promise<void> {
    if (this.endpoints.get(namespace, name)) await this.deleteIgnoringNotFound(ServiceResources.endpoints(namespace), name);
    for (const s of this.managedSlices(namespace, name)) await this.deleteIgnoringNotFound(ServiceResources.endpointSlices(namespace), s.metadata.name ?? '');
  }

  private async deleteIgnoringNotFound(ref: ResourceRef, name: string): Promise<void> {
    try {
      await this.opts.client.delete(ref, name);
    } catch (e) {
      if (!isStatus(e, 404)) throw e;
    }
  }
}
