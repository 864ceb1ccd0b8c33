/**
 * The proxy's view of the cluster (kube-proxy's ServicePortMap and EndpointsMap): one
 * entry per Service port with a cluster IP, joined with the ready endpoints of the
 * Service's EndpointSlices (slices found by the `kubernetes.io/service-name` label,
 * ports matched by name and protocol). Pure.
 */
import { LABEL_SERVICE_NAME, type EndpointSlice, type Service } from '../api/servicetypes.js';

/** One backend address and port. */
export interface Backend {
  ip: string;
  port: number;
}

/** One port of one Service, with its backends. */
export interface ServicePortInfo {
  namespace: string;
  name: string;
  /** The Service port name (may be empty). */
  portName: string;
  /** `TCP`, `UDP` or `SCTP`. */
  protocol: string;
  clusterIP: string;
  port: number;
  /** Node port, for NodePort/LoadBalancer services. */
  nodePort?: number;
  /** Ready endpoints (serving terminating ones when none is ready), sorted, unique. */
  backends: Backend[];
}

/** `namespace/name:portName` (kube-proxy's ServicePortName string). */
export function servicePortKey(p: Pick<ServicePortInfo, 'namespace' | 'name' | 'portName'>): string {
  return `${p.namespace}/${p.name}${p.portName ? `:${p.portName}` : ''}`;
}

function compareBackends(a: Backend, b: Backend): number {
  return a.ip.localeCompare(b.ip, 'en', { numeric: true }) || a.port - b.port;
}

function backendsFor(slices: EndpointSlice[], portName: string, protocol: string): Backend[] {
  const ready = new Map<string, Backend>();
  const serving = new Map<string, Backend>();
  for (const s of slices) {
    if (s.addressType !== 'IPv4') continue;
    const sp = (s.ports ?? []).find((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === protocol);
    if (!sp?.port) continue;
    for (const e of s.endpoints ?? []) {
      const ip = e.addresses?.[0];
      if (!ip) continue;
      const b = { ip, port: sp.port };
      const c = e.conditions ?? {};
      if (c.ready !== false) ready.set(`${ip}:${sp.port}`, b);
      else if (c.serving === true && c.terminating === true) serving.set(`${ip}:${sp.port}`, b);
    }
  }
  const chosen = ready.size ? ready : serving;
  return [...chosen.values()].sort(compareBackends);
}

/**
 * Service ports the proxy programs: every port of every Service with a real cluster IP
 * (not headless, not ExternalName), with backends from the Service's slices.
 */
export function buildServicePorts(services: Service[], slices: EndpointSlice[]): ServicePortInfo[] {
  const byService = new Map<string, EndpointSlice[]>();
  for (const s of slices) {
    const svc = s.metadata.labels?.[LABEL_SERVICE_NAME];
    if (!svc) continue;
    const key = `${s.metadata.namespace ?? ''}/${svc}`;
    byService.set(key, [...(byService.get(key) ?? []), s]);
  }
  const out: ServicePortInfo[] = [];
  for (const svc of services) {
    const spec = svc.spec ?? {};
    const ip = spec.clusterIP;
    if (!ip || ip === 'None' || spec.type === 'ExternalName') continue;
    const namespace = svc.metadata.namespace ?? '';
    const name = svc.metadata.name ?? '';
    const mine = byService.get(`${namespace}/${name}`) ?? [];
    for (const p of spec.ports ?? []) {
      const protocol = p.protocol ?? 'TCP';
      const info: ServicePortInfo = { namespace, name, portName: p.name ?? '', protocol, clusterIP: ip, port: p.port, backends: backendsFor(mine, p.name ?? '', protocol) };
      if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && p.nodePort) info.nodePort = p.nodePort;
      out.push(info);
    }
  }
  return out.sort((a, b) => servicePortKey(a).localeCompare(servicePortKey(b)) || a.protocol.localeCompare(b.protocol));
}
