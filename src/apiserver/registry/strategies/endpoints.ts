/**
 * Strategies of core/v1 Endpoints (pkg/registry/core/endpoint: ValidateEndpoints) and
 * discovery.k8s.io/v1 EndpointSlices (pkg/registry/discovery/endpointslice:
 * ValidateEndpointSlice, immutable addressType), with Kubernetes' field paths.
 */
import type { FieldError } from '../../../api/errors.js';
import type { EndpointPort, EndpointSlice, Endpoints } from '../../../api/servicetypes.js';
import type { KubeObject } from '../../../api/types.js';
import { child, index, invalid, invalidEach, notSupported, required } from '../../../api/validation/field.js';
import { isDNS1123Label, isValidPortNum } from '../../../api/validation/primitives.js';
import { findResource } from '../../resources.js';
import type { Strategy } from '../strategy.js';
import { isIPv4 } from './service-validation.js';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const IP_MSG = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

function validatePort(p: EndpointPort, path: string, requirePort: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (p.name) errs.push(...invalidEach(child(path, 'name'), p.name, isDNS1123Label(p.name)));
  if (p.port !== undefined || requirePort) errs.push(...invalidEach(child(path, 'port'), p.port ?? 0, isValidPortNum(p.port ?? 0)));
  if (!p.protocol) { if (requirePort) errs.push(required(child(path, 'protocol'))); }
  else if (!PROTOCOLS.includes(p.protocol)) errs.push(notSupported(child(path, 'protocol'), p.protocol, PROTOCOLS));
  return errs;
}

/** Fills EndpointPort protocols (SetDefaults_EndpointPort). Mutates `obj`. */
function defaultEndpoints(obj: KubeObject): void {
  for (const ss of (obj as Endpoints).subsets ?? []) for (const p of ss.ports ?? []) p.protocol ||= 'TCP';
}

/** ValidateEndpoints: addresses are IPs, ports valid, every address has a target. */
export function validateEndpoints(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  ((obj as Endpoints).subsets ?? []).forEach((ss, i) => {
    const path = index('subsets', i);
    for (const field of ['addresses', 'notReadyAddresses'] as const) {
      (ss[field] ?? []).forEach((a, j) => {
        const ap = index(child(path, field), j);
        if (!a.ip) errs.push(required(child(ap, 'ip')));
        else if (!isIPv4(a.ip) && !a.ip.includes(':')) errs.push(invalid(child(ap, 'ip'), a.ip, IP_MSG));
      });
    }
    (ss.ports ?? []).forEach((p, j) => errs.push(...validatePort(p, index(child(path, 'ports'), j), true)));
  });
  return errs;
}

/** Fills EndpointSlice port protocols (SetDefaults_EndpointPort of discovery/v1). Mutates `obj`. */
function defaultSlice(obj: KubeObject): void {
  for (const p of (obj as EndpointSlice).ports ?? []) p.protocol ||= 'TCP';
}

/** ValidateEndpointSlice: address type, addresses of that type (1..100 each), ports. */
export function validateEndpointSlice(obj: KubeObject): FieldError[] {
  const s = obj as EndpointSlice;
  const errs: FieldError[] = [];
  if (!s.addressType) errs.push(required('addressType'));
  else if (!ADDRESS_TYPES.includes(s.addressType)) errs.push(notSupported('addressType', s.addressType, ADDRESS_TYPES));
  (s.endpoints ?? []).forEach((e, i) => {
    const path = index('endpoints', i);
    const addrs = Array.isArray(e.addresses) ? e.addresses : [];
    if (addrs.length === 0) errs.push(required(child(path, 'addresses'), 'must contain at least 1 address'));
    else if (addrs.length > 100) errs.push({ type: 'TooLong', field: child(path, 'addresses'), detail: 'must have at most 100 items' });
    addrs.forEach((a, j) => {
      if (s.addressType === 'IPv4' && !isIPv4(a)) errs.push(invalid(index(child(path, 'addresses'), j), a, 'must be a valid IPv4 address'));
    });
  });
  (s.ports ?? []).forEach((p, i) => errs.push(...validatePort(p, index('ports', i), false)));
  return errs;
}

/** core/v1 Endpoints. */
export const endpointsStrategy: Strategy = {
  info: findResource('', 'v1', 'endpoints')!,
  hasStatus: false,
  prepareForCreate: defaultEndpoints,
  validate: validateEndpoints,
  prepareForUpdate: defaultEndpoints,
  validateUpdate: validateEndpoints,
};

/** discovery.k8s.io/v1 EndpointSlice; `addressType` is immutable. */
export const endpointSliceStrategy: Strategy = {
  info: findResource('discovery.k8s.io', 'v1', 'endpointslices')!,
  hasStatus: false,
  tracksGeneration: true,
  prepareForCreate: defaultSlice,
  validate: validateEndpointSlice,
  prepareForUpdate: defaultSlice,
  validateUpdate(obj, old) {
    const errs = validateEndpointSlice(obj);
    const a = (obj as EndpointSlice).addressType;
    if (a !== (old as EndpointSlice).addressType) errs.push(invalid('addressType', a, 'field is immutable'));
    return errs;
  },
};
