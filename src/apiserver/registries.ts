/** Builds the registry store for every served resource and seeds system namespaces. */
import type { Store } from '../storage/store.js';
import { RegistryStore } from './registry/store.js';
import { podStrategy } from './registry/strategies/pod.js';
import { eventStrategy, leaseStrategy, namespaceStrategy, nodeStrategy } from './registry/strategies/simple.js';
import type { Strategy } from './registry/strategy.js';
import type { ResourceInfo } from './resources.js';

/** The namespaces every cluster starts with. */
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** All registries, by `group/resource`. */
export class Registries {
  private byKey = new Map<string, RegistryStore>();

  constructor(store: Store, strategies: Strategy[]) {
    for (const s of strategies) {
      this.byKey.set(`${s.info.group}/${s.info.resource}`, new RegistryStore(store, s, () => this.namespaces));
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

  /** Creates the system namespaces that are missing (idempotent across restarts). */
  async ensureSystemNamespaces(now: Date): Promise<void> {
    for (const name of SYSTEM_NAMESPACES) {
      if (await this.namespaces.getOrUndefined(undefined, name)) continue;
      await this.namespaces.create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { now, user: 'system:apiserver' });
    }
  }
}

/** Registries for all resources in the catalogue. */
export function buildRegistries(store: Store): Registries {
  return new Registries(store, [namespaceStrategy, podStrategy, nodeStrategy, eventStrategy, leaseStrategy]);
}
