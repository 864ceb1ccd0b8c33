/**
 * A shared informer factory (client-go's SharedInformerFactory): one list+watch
 * per resource (all namespaces), shared by every controller of the manager, so
 * pods are watched once however many controllers look at them.
 */
import type { KubeObject } from '../api/types.js';
import type { ApiClient, ResourceRef } from '../client/types.js';
import { Informer } from '../machinery/informer.js';

/** Group/version/resource of a watched collection (namespace is always unset: all namespaces). */
export type GVR = Pick<ResourceRef, 'group' | 'version' | 'resource'>;

/** Common refs for the apps/v1 workloads. */
export const AppsResources = {
  deployments: (namespace?: string): ResourceRef => ({ group: 'apps', version: 'v1', resource: 'deployments', namespace }),
  replicasets: (namespace?: string): ResourceRef => ({ group: 'apps', version: 'v1', resource: 'replicasets', namespace }),
} as const;

/** One cached Informer per group/version/resource, started together; handlers may be added before `start`. */
export class SharedInformerFactory {
  private informers = new Map<string, Informer<KubeObject>>();
  private started = new Set<string>();

  constructor(private readonly client: ApiClient, private readonly log: (msg: string) => void = () => {}) {}

  /** The informer of `gvr` (created on first use; started by {@link start}). */
  informerFor<T extends KubeObject>(gvr: GVR): Informer<T> {
    const key = `${gvr.group}/${gvr.version}/${gvr.resource}`;
    let inf = this.informers.get(key);
    if (!inf) {
      inf = new Informer<KubeObject>(this.client, { group: gvr.group, version: gvr.version, resource: gvr.resource }, {}, this.log);
      this.informers.set(key, inf);
    }
    return inf as unknown as Informer<T>;
  }

  /** Starts every informer not yet started; they stop when `signal` aborts. */
  start(signal: AbortSignal): void {
    for (const [key, inf] of this.informers) {
      if (this.started.has(key)) continue;
      this.started.add(key);
      inf.start(signal);
    }
  }

  /** Resolves once every started informer has listed once. */
  async waitForCacheSync(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.hasSynced()));
  }
}
