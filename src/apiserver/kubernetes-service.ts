/**
 * The `default/kubernetes` Service and its endpoints, which the API server keeps itself
 * (upstream's "master endpoints reconciler" and the `kubernetes` service controller of
 * pkg/controlplane): ClusterIP 10.96.0.1, port 443/TCP named `https` targeting the API
 * server's port, and an Endpoints + EndpointSlice `kubernetes` with the advertised
 * address. Re-run at every start, so a changed port or address is corrected.
 */
import type { EndpointSlice, Endpoints, Service } from '../api/servicetypes.js';
import { LABEL_SERVICE_NAME } from '../api/servicetypes.js';
import type { KubeObject } from '../api/types.js';
import { KUBERNETES_SERVICE_IP } from './registry/ipallocator.js';
import type { RegistryStore } from './registry/store.js';
import type { RequestContext } from './registry/strategy.js';

/** Where the API server is reachable for pods. */
export interface KubernetesServiceOptions {
  /** The API server's HTTPS port (the service's targetPort and the endpoint port). */
  port: number;
  /** The address pods reach the API server at (the node IP); without it no endpoints are written. */
  advertiseAddress?: string;
  now: Date;
}

/** Registries the reconciler writes to. */
export interface KubernetesServiceRegistries {
  services: RegistryStore;
  endpoints: RegistryStore;
  endpointSlices: RegistryStore;
}

const NAME = 'kubernetes';
const NS = 'default';

/** The desired `kubernetes` Service. */
export function kubernetesService(port: number): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: NAME, namespace: NS, labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP',
      clusterIP: KUBERNETES_SERVICE_IP,
      clusterIPs: [KUBERNETES_SERVICE_IP],
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: port }],
      sessionAffinity: 'None',
    },
  };
}

/** The desired `kubernetes` Endpoints. */
export function kubernetesEndpoints(ip: string, port: number): Endpoints {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: NAME, namespace: NS, labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip }], ports: [{ name: 'https', port, protocol: 'TCP' }] }],
  };
}

/** The desired `kubernetes` EndpointSlice. */
export function kubernetesEndpointSlice(ip: string, port: number): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: NAME, namespace: NS, labels: { [LABEL_SERVICE_NAME]: NAME } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [ip], conditions: { ready: true } }],
    ports: [{ name: 'https', port, protocol: 'TCP' }],
  };
}

/** Creates `desired`, or rewrites the fields `patch` copies when they differ. */
async function ensure(r: RegistryStore, desired: KubeObject, patch: (cur: KubeObject) => KubeObject, ctx: RequestContext): Promise<void> {
  const cur = await r.getOrUndefined(NS, desired.metadata.name!);
  if (!cur) {
    await r.create(NS, desired, ctx);
    return;
  }
  const next = patch(structuredClone(cur));
  if (JSON.stringify(next) !== JSON.stringify(cur)) await r.update(NS, desired.metadata.name!, () => next, ctx);
}

/** Creates or corrects the `kubernetes` Service, Endpoints and EndpointSlice (idempotent). */
export async function ensureKubernetesService(reg: KubernetesServiceRegistries, o: KubernetesServiceOptions): Promise<void> {
  const ctx = { now: o.now, user: 'system:apiserver' };
  const svc = kubernetesService(o.port);
  await ensure(reg.services, svc, (cur) => {
    const s = cur as Service;
    s.spec = { ...s.spec, ports: svc.spec!.ports };
    return s;
  }, ctx);
  if (!o.advertiseAddress) return;
  const ep = kubernetesEndpoints(o.advertiseAddress, o.port);
  await ensure(reg.endpoints, ep, (cur) => ({ ...cur, subsets: ep.subsets }), ctx);
  const slice = kubernetesEndpointSlice(o.advertiseAddress, o.port);
  await ensure(reg.endpointSlices, slice, (cur) => ({ ...cur, endpoints: slice.endpoints, ports: slice.ports }), ctx);
}
