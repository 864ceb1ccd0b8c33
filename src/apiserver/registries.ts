/** Builds the registry store for every served resource and seeds system namespaces. */
import type { Store } from '../storage/store.js';
import type { KubeObject, Namespace } from '../api/types.js';
import { RegistryStore, type DeletionHooks } from './registry/store.js';
import { ensureKubernetesService, type KubernetesServiceOptions } from './kubernetes-service.js';
import { serviceAllocators } from './registry/ipallocator.js';
import { ServiceRegistryStore } from './registry/service-store.js';
import { configMapStrategy } from './registry/strategies/configmap.js';
import { endpointSliceStrategy, endpointsStrategy } from './registry/strategies/endpoints.js';
import { serviceStrategy } from './registry/strategies/service.js';
import { deploymentStrategy } from './registry/strategies/deployment.js';
import { podStrategy } from './registry/strategies/pod.js';
import { replicaSetStrategy } from './registry/strategies/replicaset.js';
import { secretStrategy } from './registry/strategies/secret.js';
import { eventStrategy, leaseStrategy, namespaceStrategy, nodeStrategy } from './registry/strategies/simple.js';
import type { Strategy } from './registry/strategy.js';
import type { ResourceInfo } from './resources.js';

/** The namespaces every cluster starts with. */
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** All registries, by `group/resource`. */
export class Registries {
  private byKey = new Map<string, RegistryStore>();

  constructor(store: Store, strategies: (Strategy & DeletionHooks)[]) {
    for (const s of strategies) {
      const r = s.info.group === '' && s.info.resource === 'services'
        ? new ServiceRegistryStore(store, s, () => this.namespaces, serviceAllocators(store))
        : new RegistryStore(store, s, () => this.namespaces);
      this.byKey.set(`${s.info.group}/${s.info.resource}`, r);
    }
  }

  /** The registry for a resource. @throws Error when the resource has no strategy (a wiring bug). */
  get(info: Pick<ResourceInfo, 'group' | 'resource'>): RegistryStore {
    const r = this.byKey.get(`${info.group}/${info.resource}`);
    if (!r) throw new Error(`no registry for ${info.group}/${info.resource}`);
    return r;
  }

  get namespaces(): RegistryStore {
    return this.get({ group: '', resource: 'namespaces' });
  }

  get pods(): RegistryStore {
    return this.get({ group: '', resource: 'pods' });
  }

  get nodes(): RegistryStore {
    return this.get({ group: '', resource: 'nodes' });
  }

  /**
   * Repairs service IP / node port allocations, then creates or corrects the
   * `default/kubernetes` Service and its endpoints (see kubernetes-service.ts).
   */
  async ensureKubernetesService(o: KubernetesServiceOptions): Promise<void> {
    const services = this.get({ group: '', resource: 'services' });
    if (services instanceof ServiceRegistryStore) await services.repairAllocations(o.now);
    await ensureKubernetesService({
      services, endpoints: this.get({ group: '', resource: 'endpoints' }), endpointSlices: this.get({ group: 'discovery.k8s.io', resource: 'endpointslices' }),
    }, o);
  }

  /** Creates the system namespaces that are missing (idempotent across restarts). */
  async ensureSystemNamespaces(now: Date): Promise<void> {
    for (const name of SYSTEM_NAMESPACES) {
      if (await this.namespaces.getOrUndefined(undefined, name)) continue;
      await this.namespaces.create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { now, user: 'system:apiserver' });
    }
  }
}

/**
 * Namespace lifecycle on top of the namespace strategy (pkg/registry/core/namespace):
 * a delete marks the namespace Terminating while `spec.finalizers` (`kubernetes`)
 * remain; the namespace controller removes its finalizer once the namespace is
 * empty, and the namespace then goes. Upstream does that through the `finalize`
 * subresource; peapod's router serves `status` only, so a status write of a
 * terminating namespace may remove (never add) `spec.finalizers`.
 */
export const namespaceLifecycleStrategy: Strategy & DeletionHooks = {
  ...namespaceStrategy,
  extraFinalizers: (obj: KubeObject) => (obj as Namespace).spec?.finalizers ?? [],
  prepareForPendingDelete(obj: KubeObject) {
    const ns = obj as Namespace;
    ns.status = { ...(ns.status ?? {}), phase: 'Terminating' };
  },
  prepareForStatusUpdate(obj: KubeObject, old: KubeObject) {
    const ns = obj as Namespace;
    const o = old as Namespace;
    const kept = o.spec?.finalizers ?? [];
    const asked = ns.spec?.finalizers ?? [];
    const finalizers = o.metadata.deletionTimestamp ? kept.filter((f) => asked.includes(f)) : kept;
    ns.spec = { ...structuredClone(o.spec ?? {}), finalizers };
    if (o.metadata.deletionTimestamp) ns.status = { ...(ns.status ?? {}), phase: 'Terminating' };
  },
};

/** Registries for all resources in the catalogue. */
export function buildRegistries(store: Store): Registries {
  return new Registries(store, [
    namespaceLifecycleStrategy, podStrategy, nodeStrategy, eventStrategy, leaseStrategy, deploymentStrategy, replicaSetStrategy,
    configMapStrategy, secretStrategy, serviceStrategy, endpointsStrategy, endpointSliceStrategy,
  ]);
}
