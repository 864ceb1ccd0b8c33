/**
 * The catalogue of API resources peapod serves: what discovery advertises, what
 * the router accepts and how each kind is stored. One entry per resource, in
 * Kubernetes' own names (plural, singular, Kind, short names, categories).
 */

/** A resource as the API exposes it. */
export interface ResourceInfo {
  /** API group, `''` for core. */
  group: string;
  version: string;
  /** Plural, lower-case (`pods`). */
  resource: string;
  /** Singular (`pod`). */
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** Subresources served, e.g. `status`, `binding`, `log`. */
  subresources: SubresourceInfo[];
}

/** A subresource and the kind it responds with. */
export interface SubresourceInfo {
  name: string;
  responseKind: { group: string; version: string; kind: string };
  verbs: string[];
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function res(p: Omit<ResourceInfo, 'listKind' | 'verbs' | 'subresources' | 'shortNames' | 'categories'> & Partial<ResourceInfo>): ResourceInfo {
  return {
    listKind: `${p.kind}List`,
    verbs: ALL_VERBS,
    subresources: [],
    shortNames: [],
    categories: [],
    ...p,
  };
}

const core = (kind: string) => ({ group: '', version: 'v1', kind });

/** `scale` (autoscaling/v1 Scale) and `status` subresources of an apps/v1 workload. */
function scalable(kind: string): SubresourceInfo[] {
  return [
    { name: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] },
    { name: 'status', responseKind: { group: 'apps', version: 'v1', kind }, verbs: ['get', 'patch', 'update'] },
  ];
}

/** Every resource served, in discovery order. */
export const RESOURCES: ResourceInfo[] = [
  res({ group: '', version: 'v1', resource: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false, shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [{ name: 'status', responseKind: core('Namespace'), verbs: ['get', 'patch', 'update'] }] }),
  res({ group: '', version: 'v1', resource: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'], categories: ['all'],
    subresources: [
      { name: 'attach', responseKind: core('PodAttachOptions'), verbs: ['create', 'get'] },
      { name: 'binding', responseKind: core('Binding'), verbs: ['create'] },
      { name: 'eviction', responseKind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] },
      { name: 'exec', responseKind: core('PodExecOptions'), verbs: ['create', 'get'] },
      { name: 'log', responseKind: core('Pod'), verbs: ['get'] },
      { name: 'portforward', responseKind: core('PodPortForwardOptions'), verbs: ['create', 'get'] },
      { name: 'status', responseKind: core('Pod'), verbs: ['get', 'patch', 'update'] },
    ] }),
  res({ group: '', version: 'v1', resource: 'services', singular: 'service', kind: 'Service', namespaced: true, shortNames: ['svc'], categories: ['all'],
    subresources: [{ name: 'status', responseKind: core('Service'), verbs: ['get', 'patch', 'update'] }] }),
  res({ group: '', version: 'v1', resource: 'endpoints', singular: 'endpoints', kind: 'Endpoints', namespaced: true, shortNames: ['ep'] }),
  res({ group: '', version: 'v1', resource: 'nodes', singular: 'node', kind: 'Node', namespaced: false, shortNames: ['no'],
    subresources: [{ name: 'status', responseKind: core('Node'), verbs: ['get', 'patch', 'update'] }] }),
  res({ group: '', version: 'v1', resource: 'events', singular: 'event', kind: 'Event', namespaced: true, shortNames: ['ev'] }),
  res({ group: '', version: 'v1', resource: 'configmaps', singular: 'configmap', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'] }),
  res({ group: '', version: 'v1', resource: 'secrets', singular: 'secret', kind: 'Secret', namespaced: true }),
  res({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases', singular: 'lease', kind: 'Lease', namespaced: true }),
  res({ group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', singular: 'endpointslice', kind: 'EndpointSlice', namespaced: true }),
  res({ group: 'apps', version: 'v1', resource: 'deployments', singular: 'deployment', kind: 'Deployment', namespaced: true,
    shortNames: ['deploy'], categories: ['all'], subresources: scalable('Deployment') }),
  res({ group: 'apps', version: 'v1', resource: 'replicasets', singular: 'replicaset', kind: 'ReplicaSet', namespaced: true,
    shortNames: ['rs'], categories: ['all'], subresources: scalable('ReplicaSet') }),
];

/** Looks a resource up by group and plural name. */
export function findResource(group: string, version: string, resource: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);
}

/** The group-versions served, core first (`v1`, then `group/version`). */
export function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of RESOURCES) seen.set(`${r.group}/${r.version}`, { group: r.group, version: r.version });
  return [...seen.values()];
}

/** `pods` / `leases.coordination.k8s.io` style group-resource for messages. */
export function groupResource(r: ResourceInfo): { group: string; resource: string } {
  return { group: r.group, resource: r.resource };
}

/** `v1` or `coordination.k8s.io/v1`. */
export function apiVersionOf(r: { group: string; version: string }): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}
