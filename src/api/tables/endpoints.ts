/**
 * Table rows for core/v1 Endpoints and discovery/v1 EndpointSlices: ports of
 * printEndpoints/formatEndpoints and printEndpointSlice/formatDiscoveryPorts/
 * formatDiscoveryEndpoints in pkg/printers/internalversion/printers.go.
 */
import type { EndpointSlice, Endpoints } from '../servicetypes.js';
import type { KubeObject } from '../types.js';
import { translateTimestampSince } from './duration.js';
import type { PrintedRow } from './types.js';

const MAX_SHOWN = 3;

function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/**
 * formatEndpoints: `ip:port` for each ready address and port, at most three then
 * ` + N more...`; `<none>` without subsets. Subsets without ports list bare IPs.
 */
export function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  let count = 0;
  let more = false;
  for (const ss of subsets) {
    const addrs = ss.addresses ?? [];
    const ports = ss.ports ?? [];
    if (ports.length === 0) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === MAX_SHOWN) { more = true; break; }
        list.push(a.ip);
      }
      continue;
    }
    for (const p of ports) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === MAX_SHOWN) { more = true; break; }
        list.push(hostPort(a.ip, p.port ?? 0));
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - MAX_SHOWN} more...` : ret;
}

/** printEndpoints: Name, Endpoints, Age. */
export function printEndpoints(obj: KubeObject, now: number): PrintedRow {
  const ep = obj as Endpoints;
  return { cells: [ep.metadata.name ?? '', formatEndpoints(ep), translateTimestampSince(ep.metadata.creationTimestamp, now)] };
}

/** formatDiscoveryPorts: port numbers joined by `,`, `<unset>` for none (a nil port prints as `<unset>`). */
export function formatDiscoveryPorts(slice: EndpointSlice): string {
  const ports = slice.ports ?? [];
  if (ports.length === 0) return '<unset>';
  return ports.map((p) => (p.port === undefined ? '<unset>' : String(p.port))).join(',');
}

/** formatDiscoveryEndpoints: every address of every endpoint, at most three then ` + N more...`; `<unset>` for none. */
export function formatDiscoveryEndpoints(slice: EndpointSlice): string {
  const all = (slice.endpoints ?? []).flatMap((e) => e.addresses ?? []);
  if (all.length === 0) return '<unset>';
  const shown = all.slice(0, MAX_SHOWN).join(',');
  return all.length > MAX_SHOWN ? `${shown} + ${all.length - MAX_SHOWN} more...` : shown;
}

/** printEndpointSlice: Name, AddressType, Ports, Endpoints, Age. */
export function printEndpointSlice(obj: KubeObject, now: number): PrintedRow {
  const s = obj as EndpointSlice;
  return {
    cells: [s.metadata.name ?? '', String(s.addressType ?? ''), formatDiscoveryPorts(s), formatDiscoveryEndpoints(s), translateTimestampSince(s.metadata.creationTimestamp, now)],
  };
}
