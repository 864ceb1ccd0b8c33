/**
 * Discovery documents (aggregated apidiscovery.k8s.io/v2 and the legacy
 * APIVersions / APIGroupList / APIResourceList), built from the resource catalogue.
 */
import { RESOURCES, groupVersions, apiVersionOf, type ResourceInfo } from './resources.js';

/** Content type kubectl recognises as aggregated discovery. */
export const AGGREGATED_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** True when the Accept header asks for aggregated discovery v2 (or v2beta1). */
export function wantsAggregated(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    if (!part.includes('as=APIGroupDiscoveryList') || !part.includes('g=apidiscovery.k8s.io')) continue;
    if (/v=v2beta1/.test(part)) return 'v2beta1';
    if (/v=v2(;|$|\s)/.test(part)) return 'v2';
  }
  return undefined;
}

function aggregatedResource(r: ResourceInfo): Record<string, unknown> {
  return {
    resource: r.resource,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: r.verbs,
    ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length ? { categories: r.categories } : {}),
    ...(r.subresources.length
      ? { subresources: r.subresources.map((s) => ({ subresource: s.name, responseKind: s.responseKind, verbs: s.verbs })) }
      : {}),
  };
}

/** The aggregated list for `/api` (core only) or `/apis` (named groups). */
export function aggregatedDiscovery(core: boolean, version: 'v2' | 'v2beta1'): Record<string, unknown> {
  const groups = new Map<string, Map<string, ResourceInfo[]>>();
  for (const r of RESOURCES) {
    if ((r.group === '') !== core) continue;
    const g = groups.get(r.group) ?? new Map<string, ResourceInfo[]>();
    const list = g.get(r.version) ?? [];
    list.push(r);
    g.set(r.version, list);
    groups.set(r.group, g);
  }
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: [...groups].map(([group, versions]) => ({
      metadata: { name: group, creationTimestamp: null },
      versions: [...versions].map(([v, rs]) => ({ version: v, freshness: 'Current', resources: rs.map(aggregatedResource) })),
    })),
  };
}

/** Legacy `/api`. */
export function legacyCoreVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

/** Legacy `/apis`. */
export function legacyGroupList(): Record<string, unknown> {
  const groups = groupVersions().filter((gv) => gv.group !== '');
  const byGroup = new Map<string, string[]>();
  for (const gv of groups) byGroup.set(gv.group, [...(byGroup.get(gv.group) ?? []), gv.version]);
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...byGroup].map(([name, versions]) => ({
      name,
      versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
    })),
  };
}

/** Legacy `/apis/<g>` (APIGroup); undefined when the group is not served. */
export function legacyGroup(group: string): Record<string, unknown> | undefined {
  const versions = groupVersions().filter((gv) => gv.group === group).map((gv) => gv.version);
  if (!versions.length) return undefined;
  return {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name: group,
    versions: versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v })),
    preferredVersion: { groupVersion: `${group}/${versions[0]}`, version: versions[0] },
  };
}

/** Legacy `/api/v1` or `/apis/<g>/<v>`; undefined when not served. */
export function legacyResourceList(group: string, version: string): Record<string, unknown> | undefined {
  const rs = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (!rs.length) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const r of rs) {
    resources.push({
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
      ...(r.categories.length ? { categories: r.categories } : {}),
    });
    for (const s of r.subresources) {
      resources.push({
        name: `${r.resource}/${s.name}`,
        singularName: '',
        namespaced: r.namespaced,
        // Kubernetes names both group and version when the subresource's kind lives in another
        // group-version (pods/eviction: policy/v1); kubectl drain needs both to use evictions.
        ...(s.responseKind.group !== r.group || s.responseKind.version !== r.version
          ? { group: s.responseKind.group, version: s.responseKind.version } : {}),
        kind: s.responseKind.kind,
        verbs: s.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources };
}
