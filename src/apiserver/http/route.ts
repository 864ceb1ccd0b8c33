/** Parses API request paths into the resource they address (apiserver's RequestInfo). */

/** What a request path addresses. */
export type Route =
  | { type: 'resource'; group: string; version: string; namespace?: string; resource: string; name?: string; subresource?: string }
  | { type: 'discovery-root'; core: boolean }
  | { type: 'discovery-group'; group: string }
  | { type: 'discovery-gv'; group: string; version: string }
  | { type: 'unknown' };

/**
 * Parses `/api/v1/namespaces/ns/pods/web/log` and friends. Namespaces themselves
 * are addressed as `/api/v1/namespaces/NAME[/status]`.
 */
export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api') {
    if (parts.length === 1) return { type: 'discovery-root', core: true };
    group = '';
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    if (parts.length === 1) return { type: 'discovery-root', core: false };
    if (parts.length === 2) return { type: 'discovery-group', group: parts[1]! };
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else {
    return { type: 'unknown' };
  }
  if (rest.length === 0) return { type: 'discovery-gv', group, version };
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const [, namespace, resource, name, subresource, ...extra] = rest;
    if (extra.length) return { type: 'unknown' };
    return { type: 'resource', group, version, namespace, resource: resource!, name, subresource };
  }
  const [resource, name, subresource, ...extra] = rest;
  if (extra.length) return { type: 'unknown' };
  return { type: 'resource', group, version, resource: resource!, name, subresource };
}
