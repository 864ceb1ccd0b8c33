/**
 * The `kube-system/kube-dns` Service (ClusterIP 10.96.0.10, ports 53/UDP `dns` and
 * 53/TCP `dns-tcp`) and its Endpoints + EndpointSlice pointing at the in-process DNS
 * server, kept the way the API server keeps `default/kubernetes`
 * (src/apiserver/kubernetes-service.ts) but through the API: selector-less, so no
 * controller manages its endpoints. Idempotent; re-run at every start so a new port
 * or address is corrected.
 */
import { StatusError } from '../api/errors.js';
import type { EndpointSlice, Endpoints, Service } from '../api/servicetypes.js';
import { LABEL_SERVICE_NAME } from '../api/servicetypes.js';
import type { KubeObject } from '../api/types.js';
import type { ApiClient, ResourceRef } from '../client/types.js';

/** The ClusterIP pods' resolv.conf points at. */
export const KUBE_DNS_SERVICE_IP = '10.96.0.10';
const NAME = 'kube-dns';
const NS = 'kube-system';
const LABELS = { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' };

const ref = (group: string, version: string, resource: string): ResourceRef => ({ group, version, resource, namespace: NS });
const SERVICES = ref('', 'v1', 'services');
const ENDPOINTS = ref('', 'v1', 'endpoints');
const SLICES = ref('discovery.k8s.io', 'v1', 'endpointslices');

/** The desired Service; `targetPort` is the DNS server's port. */
export function kubeDNSService(targetPort: number): Service {
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: NAME, namespace: NS, labels: { ...LABELS } },
    spec: {
      type: 'ClusterIP', clusterIP: KUBE_DNS_SERVICE_IP, clusterIPs: [KUBE_DNS_SERVICE_IP],
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort },
      ],
      sessionAffinity: 'None',
    },
  };
}

/** The desired Endpoints: `ip:port` for both protocols. */
export function kubeDNSEndpoints(ip: string, port: number): Endpoints {
  return {
    apiVersion: 'v1', kind: 'Endpoints',
    metadata: { name: NAME, namespace: NS, labels: { ...LABELS, 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip }], ports: [{ name: 'dns', port, protocol: 'UDP' }, { name: 'dns-tcp', port, protocol: 'TCP' }] }],
  };
}

/** The desired EndpointSlice. */
export function kubeDNSEndpointSlice(ip: string, port: number): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name: NAME, namespace: NS, labels: { ...LABELS, [LABEL_SERVICE_NAME]: NAME } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [ip], conditions: { ready: true } }],
    ports: [{ name: 'dns', port, protocol: 'UDP' }, { name: 'dns-tcp', port, protocol: 'TCP' }],
  };
}

async function ensure<T extends KubeObject>(c: ApiClient, r: ResourceRef, desired: T, patch: (cur: T) => T): Promise<void> {
  let cur: T | undefined;
  try {
    cur = await c.get<T>(r, desired.metadata.name!);
  } catch (e) {
    if (!(e instanceof StatusError && e.code === 404)) throw e;
  }
  if (!cur) {
    await c.create(r, desired);
    return;
  }
  const next = patch(structuredClone(cur));
  if (JSON.stringify(next) !== JSON.stringify(cur)) await c.update(r, next);
}

/** Creates or corrects the kube-dns Service, Endpoints and EndpointSlice for a DNS server at `ip:port`. */
export async function ensureKubeDNSService(c: ApiClient, ip: string, port: number): Promise<void> {
  const svc = kubeDNSService(port);
  await ensure<Service>(c, SERVICES, svc, (s) => ({ ...s, spec: { ...s.spec, ports: svc.spec!.ports } }));
  const ep = kubeDNSEndpoints(ip, port);
  await ensure<Endpoints>(c, ENDPOINTS, ep, (cur) => ({ ...cur, subsets: ep.subsets }));
  const slice = kubeDNSEndpointSlice(ip, port);
  await ensure<EndpointSlice>(c, SLICES, slice, (cur) => ({ ...cur, endpoints: slice.endpoints, ports: slice.ports }));
}
