/**
 * core/v1 Service defaulting and validation (SetDefaults_Service, the registry's
 * IP-family defaulting and ValidateService / ValidateServiceUpdate of
 * pkg/apis/core/validation), with Kubernetes' field paths and messages, for a
 * single-stack IPv4 cluster. Pure: no allocation happens here (see ../ipallocator.ts).
 */
import type { FieldError } from '../../../api/errors.js';
import type { Service, ServicePort, ServiceSpec } from '../../../api/servicetypes.js';
import type { KubeObject } from '../../../api/types.js';
import { child, duplicate, forbidden, index, invalid, invalidEach, notSupported, required } from '../../../api/validation/field.js';
import { validateLabels } from '../../../api/validation/objectmeta.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidPortName, isValidPortNum, regexError } from '../../../api/validation/primitives.js';

/** Service types Kubernetes supports. */
export const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'] as const;
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const AFFINITIES = ['ClientIP', 'None'];
const POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];
/** Default ClientIP affinity timeout (seconds), as upstream. */
export const DEFAULT_CLIENT_IP_TIMEOUT = 10800;

function specOf(obj: KubeObject): ServiceSpec {
  const s = obj as Service;
  if (typeof s.spec !== 'object' || s.spec === null || Array.isArray(s.spec)) s.spec = {};
  return s.spec;
}

/** True when the service type gets node ports (NodePort, LoadBalancer unless disabled). */
export function needsNodePorts(spec: ServiceSpec): boolean {
  return spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
}

/** True when the service gets a virtual IP: not ExternalName, not headless. */
export function needsClusterIP(spec: ServiceSpec): boolean {
  return spec.type !== 'ExternalName' && spec.clusterIP !== 'None';
}

function hasSelector(spec: ServiceSpec): boolean {
  return !!spec.selector && Object.keys(spec.selector).length > 0;
}

/** SetDefaults_Service plus the registry's IP-family defaults (single-stack IPv4). Mutates `obj`. */
export function defaultService(obj: KubeObject): void {
  const spec = specOf(obj);
  spec.type ||= 'ClusterIP';
  spec.sessionAffinity ||= 'None';
  if (spec.sessionAffinity === 'ClientIP' && !spec.sessionAffinityConfig?.clientIP?.timeoutSeconds) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_TIMEOUT } };
  }
  for (const p of Array.isArray(spec.ports) ? spec.ports : []) {
    if (typeof p !== 'object' || p === null) continue;
    p.protocol ||= 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer' || (spec.externalIPs?.length ?? 0) > 0) spec.externalTrafficPolicy ||= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  if (spec.type === 'ExternalName') {
    delete spec.ipFamilies; delete spec.ipFamilyPolicy; delete spec.internalTrafficPolicy;
    return;
  }
  spec.internalTrafficPolicy ||= 'Cluster';
  if (!spec.clusterIP && spec.clusterIPs?.length) spec.clusterIP = spec.clusterIPs[0];
  if (spec.clusterIP && !spec.clusterIPs?.length) spec.clusterIPs = [spec.clusterIP];
  const headlessNoSelector = spec.clusterIP === 'None' && !hasSelector(spec);
  spec.ipFamilyPolicy ||= headlessNoSelector ? 'RequireDualStack' : 'SingleStack';
  if (!spec.ipFamilies?.length) spec.ipFamilies = ['IPv4'];
}

const DNS1035_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const DNS1035_MSG = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";

/** IsDNS1035Label (service names). */
export function isDNS1035Label(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (!new RegExp(`^${DNS1035_FMT}$`).test(v)) errs.push(regexError(DNS1035_MSG, DNS1035_FMT, 'my-name', 'abc-123'));
  return errs;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** True for a dotted-quad IPv4 address. */
export function isIPv4(v: string): boolean {
  return IPV4.test(v);
}

function validatePort(sp: ServicePort, i: number, requireName: boolean, names: Set<string>, spec: ServiceSpec): FieldError[] {
  const path = index('spec.ports', i);
  const errs: FieldError[] = [];
  if (requireName && !sp.name) errs.push(required(child(path, 'name')));
  else if (sp.name) {
    errs.push(...invalidEach(child(path, 'name'), sp.name, isDNS1123Label(sp.name)));
    if (names.has(sp.name)) errs.push(duplicate(child(path, 'name'), sp.name));
    names.add(sp.name);
  }
  errs.push(...invalidEach(child(path, 'port'), sp.port, isValidPortNum(sp.port)));
  if (!sp.protocol) errs.push(required(child(path, 'protocol')));
  else if (!PROTOCOLS.includes(sp.protocol)) errs.push(notSupported(child(path, 'protocol'), sp.protocol, PROTOCOLS));
  const tp = sp.targetPort;
  if (typeof tp === 'number') errs.push(...invalidEach(child(path, 'targetPort'), tp, isValidPortNum(tp)));
  else if (typeof tp === 'string') errs.push(...invalidEach(child(path, 'targetPort'), tp, isValidPortName(tp)));
  if (sp.appProtocol) errs.push(...invalidEach(child(path, 'appProtocol'), sp.appProtocol, isQualifiedName(sp.appProtocol)));
  if (sp.nodePort !== undefined && sp.nodePort !== 0) {
    if (spec.type === 'ClusterIP') errs.push(forbidden(child(path, 'nodePort'), "may not be used when `type` is 'ClusterIP'"));
    else errs.push(...invalidEach(child(path, 'nodePort'), sp.nodePort, isValidPortNum(sp.nodePort)));
  }
  return errs;
}

function validatePorts(spec: ServiceSpec): FieldError[] {
  const ports = Array.isArray(spec.ports) ? spec.ports : [];
  const errs: FieldError[] = [];
  if (ports.length === 0 && spec.clusterIP !== 'None' && spec.type !== 'ExternalName') errs.push(required('spec.ports'));
  const names = new Set<string>();
  const seen = new Set<string>();
  const nodePorts = new Set<string>();
  ports.forEach((sp, i) => {
    errs.push(...validatePort(sp, i, ports.length > 1, names, spec));
    const key = `${sp.protocol}/${sp.port}`;
    if (seen.has(key)) errs.push(duplicate(index('spec.ports', i), sp));
    seen.add(key);
    if (sp.nodePort) {
      const nk = `${sp.protocol}/${sp.nodePort}`;
      if (nodePorts.has(nk)) errs.push(duplicate(child(index('spec.ports', i), 'nodePort'), sp.nodePort));
      nodePorts.add(nk);
    }
  });
  return errs;
}

function validateClusterIPs(spec: ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  const ips = spec.clusterIPs ?? [];
  if (spec.type === 'ExternalName') {
    if (spec.clusterIP || ips.length) errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    return errs;
  }
  if (spec.clusterIP && ips.length && ips[0] !== spec.clusterIP) {
    errs.push(invalid('spec.clusterIPs', ips, 'first value must match `clusterIP`'));
  }
  ips.forEach((ip, i) => {
    const p = index('spec.clusterIPs', i);
    if (ip === 'None') {
      if (i > 0 || ips.length > 1) errs.push(invalid(p, ip, "must be a single element when clusterIP is 'None'"));
      if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') errs.push(invalid(p, ip, `may not be set to 'None' for ${spec.type} services`));
    } else if (!isIPv4(ip)) {
      errs.push(invalid(p, ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
    }
  });
  if (ips.length > 1) errs.push(invalid('spec.clusterIPs', ips, 'may specify no more than one IP for each IP family'));
  return errs;
}

function validateFamilies(spec: ServiceSpec): FieldError[] {
  if (spec.type === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const policy = spec.ipFamilyPolicy;
  if (policy && !POLICIES.includes(policy)) errs.push(notSupported('spec.ipFamilyPolicy', policy, POLICIES));
  else if (policy === 'RequireDualStack' && !(spec.clusterIP === 'None' && !hasSelector(spec))) {
    errs.push(invalid('spec.ipFamilyPolicy', policy, 'this cluster is not configured for dual-stack services'));
  }
  (spec.ipFamilies ?? []).forEach((f, i) => {
    if (f === 'IPv6') errs.push(invalid(index('spec.ipFamilies', i), f, 'not configured on this cluster'));
    else if (f !== 'IPv4') errs.push(notSupported(index('spec.ipFamilies', i), f, ['IPv4', 'IPv6']));
  });
  return errs;
}

function validatePolicies(spec: ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  if (!SERVICE_TYPES.includes(spec.type as (typeof SERVICE_TYPES)[number])) errs.push(notSupported('spec.type', spec.type ?? '', SERVICE_TYPES));
  if (!AFFINITIES.includes(spec.sessionAffinity ?? '')) errs.push(notSupported('spec.sessionAffinity', spec.sessionAffinity ?? '', AFFINITIES));
  const t = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
  if (spec.sessionAffinity === 'ClientIP' && t !== undefined && (t <= 0 || t > 86400)) {
    errs.push(invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', t, 'must be greater than 0 and less than 86400'));
  }
  const ext = spec.externalTrafficPolicy;
  if (ext) {
    if (!TRAFFIC_POLICIES.includes(ext)) errs.push(notSupported('spec.externalTrafficPolicy', ext, TRAFFIC_POLICIES));
    else if (spec.type === 'ClusterIP' && !(spec.externalIPs?.length)) {
      errs.push(invalid('spec.externalTrafficPolicy', ext, "may only be set for externally-accessible services"));
    }
  }
  const int = spec.internalTrafficPolicy;
  if (spec.type !== 'ExternalName' && int && !TRAFFIC_POLICIES.includes(int)) errs.push(notSupported('spec.internalTrafficPolicy', int, TRAFFIC_POLICIES));
  if (spec.type === 'ExternalName') {
    if (!spec.externalName) errs.push(required('spec.externalName'));
    else errs.push(...invalidEach('spec.externalName', spec.externalName, isDNS1123Subdomain(spec.externalName.replace(/\.$/, ''))));
  }
  (spec.externalIPs ?? []).forEach((ip, i) => {
    if (!isIPv4(ip)) errs.push(invalid(index('spec.externalIPs', i), ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  });
  return errs;
}

/** ValidateService on a defaulted object (an empty clusterIP means "to be allocated"). */
export function validateService(obj: KubeObject): FieldError[] {
  const spec = specOf(obj);
  return [
    ...invalidEach('metadata.name', obj.metadata.name, obj.metadata.name ? isDNS1035Label(obj.metadata.name) : []),
    ...validatePorts(spec),
    ...validateLabels(spec.selector, 'spec.selector'),
    ...validateClusterIPs(spec),
    ...validateFamilies(spec),
    ...validatePolicies(spec),
  ];
}

/**
 * ValidateServiceUpdate: ValidateService plus the immutable primary cluster IP
 * (changes allowed only to or from ExternalName).
 */
export function validateServiceUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateService(obj);
  const spec = specOf(obj);
  const o = specOf(old);
  if (spec.type === 'ExternalName' || o.type === 'ExternalName') return errs;
  const cur = spec.clusterIPs ?? [];
  const prev = o.clusterIPs ?? [];
  if (prev.length > 0 && cur[0] !== prev[0]) errs.push(invalid(index('spec.clusterIPs', 0), cur, 'may not change once set'));
  return errs;
}

/**
 * patchAllocatedValues (pkg/registry/core/service/strategy): an update that leaves the
 * cluster IP or a node port empty keeps the allocated one, so `kubectl apply` and
 * `replace` of a manifest without them work. Node ports are matched by port and protocol.
 */
export function keepAllocatedValues(obj: KubeObject, old: KubeObject): void {
  const spec = specOf(obj);
  const o = specOf(old);
  if (needsClusterIP(o) && spec.type !== 'ExternalName' && spec.clusterIP !== 'None') {
    if (!spec.clusterIP && o.clusterIP) {
      spec.clusterIP = o.clusterIP;
      if (!spec.clusterIPs?.length) spec.clusterIPs = o.clusterIPs;
    } else if (spec.clusterIP && spec.clusterIP !== o.clusterIP && spec.clusterIPs?.[0] === o.clusterIP) {
      // normalizeClusterIPs: a changed clusterIP with untouched clusterIPs changes clusterIPs[0] too.
      spec.clusterIPs = [spec.clusterIP, ...(spec.clusterIPs ?? []).slice(1)];
    }
  }
  if (needsNodePorts(spec) && needsNodePorts(o)) {
    for (const p of spec.ports ?? []) {
      if (p.nodePort) continue;
      const prev = (o.ports ?? []).find((q) => q.port === p.port && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
      if (prev?.nodePort) p.nodePort = prev.nodePort;
    }
  }
}
