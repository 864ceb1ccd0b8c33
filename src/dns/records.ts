/**
 * The cluster.local zone as CoreDNS's `kubernetes` plugin serves it (the Kubernetes
 * DNS-Based Service Discovery specification), computed from cached Services and
 * EndpointSlices. Pure: no sockets, no clocks.
 *
 * - `<svc>.<ns>.svc.<zone>` A: the ClusterIP; for a headless Service the ready
 *   endpoint IPs (all of them with `publishNotReadyAddresses`); ExternalName: a CNAME.
 * - `<host>.<svc>.<ns>.svc.<zone>` A: one endpoint of a headless Service, named by its
 *   `hostname` or its dashed IP.
 * - `_<port>._<proto>.<svc>.<ns>.svc.<zone>` SRV: per named port, targeting the
 *   service name (ClusterIP) or each endpoint name (headless), with A additionals.
 * - Known names asked for another type answer NOERROR with no records (NODATA); the
 *   zone's empty non-terminals likewise; every other name in the zone is NXDOMAIN.
 */
import type { EndpointSlice, Service } from '../api/servicetypes.js';
import { LABEL_SERVICE_NAME } from '../api/servicetypes.js';

/** A parsed name inside the cluster zone. */
export type ClusterName =
  | { kind: 'service'; service: string; namespace: string }
  | { kind: 'endpoint'; hostname: string; service: string; namespace: string }
  | { kind: 'srv'; port: string; protocol: string; service: string; namespace: string }
  | { kind: 'namespace'; namespace: string }
  | { kind: 'apex' }
  | { kind: 'unknown' };

/** One resource record; `data` is an IPv4 address (A), a name (CNAME) or an SRV target. */
export type DnsRecord =
  | { name: string; type: 'A'; ttl: number; data: string }
  | { name: string; type: 'CNAME'; ttl: number; data: string }
  | { name: string; type: 'SRV'; ttl: number; data: { priority: number; weight: number; port: number; target: string } };

/** The answer to one question inside the zone. */
export interface ZoneAnswer {
  rcode: 'NOERROR' | 'NXDOMAIN';
  answers: DnsRecord[];
  additionals: DnsRecord[];
}

/** What the zone is computed from. */
export interface ZoneView {
  services: readonly Service[];
  slices: readonly EndpointSlice[];
}

/** Lower-cases and strips the trailing dot. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** True when `name` is `zone` or below it. */
export function inZone(name: string, zone: string): boolean {
  const n = normalizeName(name);
  return n === zone || n.endsWith(`.${zone}`);
}

/** Parses a name in `zone` (e.g. `cluster.local`); undefined for names outside it. */
export function parseClusterName(name: string, zone: string): ClusterName | undefined {
  const n = normalizeName(name);
  if (!inZone(n, zone)) return undefined;
  if (n === zone) return { kind: 'apex' };
  const rest = n.slice(0, -(zone.length + 1)).split('.');
  if (rest[rest.length - 1] !== 'svc') return { kind: 'unknown' };
  const l = rest.slice(0, -1);
  if (l.length === 0) return { kind: 'apex' };
  if (l.length === 1) return { kind: 'namespace', namespace: l[0]! };
  if (l.length === 2) return { kind: 'service', service: l[0]!, namespace: l[1]! };
  if (l.length === 3) return { kind: 'endpoint', hostname: l[0]!, service: l[1]!, namespace: l[2]! };
  if (l.length === 4 && l[0]!.startsWith('_') && l[1]!.startsWith('_')) {
    return { kind: 'srv', port: l[0]!.slice(1), protocol: l[1]!.slice(1), service: l[2]!, namespace: l[3]! };
  }
  return { kind: 'unknown' };
}

const NXDOMAIN: ZoneAnswer = { rcode: 'NXDOMAIN', answers: [], additionals: [] };
const NODATA: ZoneAnswer = { rcode: 'NOERROR', answers: [], additionals: [] };

function isHeadless(s: Service): boolean {
  return s.spec?.clusterIP === 'None';
}

interface EndpointAddr { ip: string; hostname: string; ports: { name: string; protocol: string; port: number }[] }

/** Ready IPv4 endpoint addresses of `svc` (all with publishNotReadyAddresses), de-duplicated. */
function endpointsOf(svc: Service, view: ZoneView): EndpointAddr[] {
  const out = new Map<string, EndpointAddr>();
  for (const sl of view.slices) {
    if (sl.metadata.namespace !== svc.metadata.namespace || sl.metadata.labels?.[LABEL_SERVICE_NAME] !== svc.metadata.name) continue;
    if (sl.addressType !== 'IPv4') continue;
    const ports = (sl.ports ?? []).filter((p) => typeof p.port === 'number')
      .map((p) => ({ name: p.name ?? '', protocol: p.protocol ?? 'TCP', port: p.port as number }));
    for (const e of sl.endpoints ?? []) {
      if (e.conditions?.ready === false && !svc.spec?.publishNotReadyAddresses) continue;
      for (const ip of e.addresses) {
        const prev = out.get(ip);
        if (prev) prev.ports.push(...ports);
        else out.set(ip, { ip, hostname: e.hostname ?? ip.replace(/\./g, '-'), ports: [...ports] });
      }
    }
  }
  return [...out.values()].sort((a, b) => a.ip.localeCompare(b.ip));
}

function findService(view: ZoneView, namespace: string, name: string): Service | undefined {
  return view.services.find((s) => s.metadata.namespace === namespace && s.metadata.name === name);
}

/** Answers `type` for `name` (a name inside `zone`); undefined when the name is outside the zone. */
export function answerQuestion(name: string, type: string, view: ZoneView, zone: string, ttl = 5): ZoneAnswer | undefined {
  const parsed = parseClusterName(name, zone);
  if (!parsed) return undefined;
  const qname = normalizeName(name);
  switch (parsed.kind) {
    case 'apex': return NODATA;
    case 'unknown': return NXDOMAIN;
    case 'namespace':
      return view.services.some((s) => s.metadata.namespace === parsed.namespace) ? NODATA : NXDOMAIN;
    case 'service': return serviceAnswer(qname, type, view, parsed.namespace, parsed.service, ttl);
    case 'endpoint': {
      const svc = findService(view, parsed.namespace, parsed.service);
      const ep = svc && isHeadless(svc) ? endpointsOf(svc, view).find((e) => e.hostname === parsed.hostname) : undefined;
      if (!ep) return NXDOMAIN;
      return type === 'A' || type === 'ANY' ? { rcode: 'NOERROR', answers: [{ name: qname, type: 'A', ttl, data: ep.ip }], additionals: [] } : NODATA;
    }
    case 'srv': return srvAnswer(qname, type, view, parsed, zone, ttl);
  }
}

function serviceAnswer(qname: string, type: string, view: ZoneView, ns: string, name: string, ttl: number): ZoneAnswer {
  const svc = findService(view, ns, name);
  if (!svc) return NXDOMAIN;
  if (svc.spec?.type === 'ExternalName' && svc.spec.externalName) {
    return { rcode: 'NOERROR', answers: [{ name: qname, type: 'CNAME', ttl, data: normalizeName(svc.spec.externalName) }], additionals: [] };
  }
  if (type !== 'A' && type !== 'ANY') return NODATA;
  const ips = isHeadless(svc) ? endpointsOf(svc, view).map((e) => e.ip) : [svc.spec?.clusterIP ?? ''].filter((ip) => /^\d+\.\d+\.\d+\.\d+$/.test(ip));
  return { rcode: 'NOERROR', answers: ips.map((ip) => ({ name: qname, type: 'A' as const, ttl, data: ip })), additionals: [] };
}

function srvAnswer(qname: string, type: string, view: ZoneView, q: { port: string; protocol: string; service: string; namespace: string }, zone: string, ttl: number): ZoneAnswer {
  const svc = findService(view, q.namespace, q.service);
  const proto = q.protocol.toUpperCase();
  const sp = (svc?.spec?.ports ?? []).find((p) => (p.name ?? '').toLowerCase() === q.port && (p.protocol ?? 'TCP') === proto);
  if (!svc || !sp) return NXDOMAIN;
  if (type !== 'SRV' && type !== 'ANY') return NODATA;
  const svcName = `${q.service}.${q.namespace}.svc.${zone}`;
  if (!isHeadless(svc)) {
    const ip = svc.spec?.clusterIP ?? '';
    return {
      rcode: 'NOERROR',
      answers: [{ name: qname, type: 'SRV', ttl, data: { priority: 0, weight: 100, port: sp.port, target: svcName } }],
      additionals: /^\d+\.\d+\.\d+\.\d+$/.test(ip) ? [{ name: svcName, type: 'A', ttl, data: ip }] : [],
    };
  }
  const answers: DnsRecord[] = [];
  const additionals: DnsRecord[] = [];
  for (const e of endpointsOf(svc, view)) {
    const port = e.ports.find((p) => p.name === (sp.name ?? '') && p.protocol === proto);
    if (!port) continue;
    const target = `${e.hostname}.${svcName}`;
    answers.push({ name: qname, type: 'SRV', ttl, data: { priority: 0, weight: 100, port: port.port, target } });
    additionals.push({ name: target, type: 'A', ttl, data: e.ip });
  }
  return { rcode: 'NOERROR', answers, additionals };
}
