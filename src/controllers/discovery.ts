/**
 * Resource discovery for the garbage collector and the namespace controller
 * (as they use client-go's discovery): the legacy `/api/v1`, `/apis` and
 * `/apis/<group>/<version>` documents, subresources left out.
 */
import type { GVR } from './informers.js';

/** Sends a raw GET; RestClient.request satisfies it. */
export interface DiscoveryClient {
  request(method: string, path: string): Promise<{ code: number; body: string }>;
}

/** One served resource. */
export interface DiscoveredResource extends GVR {
  kind: string;
  namespaced: boolean;
  verbs: string[];
}

interface APIResourceList { groupVersion?: string; resources?: { name: string; kind: string; namespaced: boolean; verbs?: string[] }[] }
interface APIGroupList { groups?: { name: string; preferredVersion?: { version: string }; versions?: { version: string }[] }[] }

async function getJson<T>(client: DiscoveryClient, path: string): Promise<T> {
  const r = await client.request('GET', path);
  if (r.code !== 200) throw new Error(`discovery: GET ${path}: HTTP ${r.code}`);
  return JSON.parse(r.body) as T;
}

/** Resources of one APIResourceList (subresources such as `pods/status` skipped). */
export function resourcesOf(group: string, version: string, list: APIResourceList): DiscoveredResource[] {
  return (list.resources ?? [])
    .filter((r) => !r.name.includes('/'))
    .map((r) => ({ group, version, resource: r.name, kind: r.kind, namespaced: r.namespaced, verbs: r.verbs ?? [] }));
}

/** Every served resource, core first, one (preferred) version a group. */
export async function discoverResources(client: DiscoveryClient): Promise<DiscoveredResource[]> {
  const out = resourcesOf('', 'v1', await getJson<APIResourceList>(client, '/api/v1'));
  const groups = await getJson<APIGroupList>(client, '/apis');
  for (const g of groups.groups ?? []) {
    const v = g.preferredVersion?.version ?? g.versions?.[0]?.version;
    if (!v) continue;
    out.push(...resourcesOf(g.name, v, await getJson<APIResourceList>(client, `/apis/${g.name}/${v}`)));
  }
  return out;
}

/** True when the resource supports every verb in `verbs`. */
export function supports(r: DiscoveredResource, ...verbs: string[]): boolean {
  return verbs.every((v) => r.verbs.includes(v));
}
