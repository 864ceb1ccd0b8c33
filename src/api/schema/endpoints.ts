/**
 * core/v1 Endpoints and discovery.k8s.io/v1 EndpointSlice. Field numbers follow the
 * upstream generated.proto of core/v1 (Endpoints {1 metadata, 2 subsets}, EndpointSubset
 * {1 addresses, 2 notReadyAddresses, 3 ports}, EndpointAddress {1 ip, 2 targetRef,
 * 3 hostname, 4 nodeName}, EndpointPort {1 name, 2 port, 3 protocol, 4 appProtocol}) and
 * discovery/v1 (EndpointSlice {1 metadata, 2 endpoints, 3 ports, 4 addressType}, Endpoint
 * {1 addresses, 2 conditions, 3 hostname, 4 targetRef, 5 deprecatedTopology, 6 nodeName,
 * 7 zone, 8 hints}, EndpointConditions {1 ready, 2 serving, 3 terminating}, EndpointPort
 * {1 name, 2 protocol, 3 port, 4 appProtocol}).
 */
import { CORE, KEEP, bool, gvk, i32, objectMeta, ref, refs, str, strMap, strs, typeMeta } from './build.js';
import type { ArrayField, Definition } from './types.js';

function atomic(f: ArrayField): ArrayField {
  return { ...f, listType: 'atomic' };
}

/** Definition name prefix of discovery.k8s.io/v1. */
export const DISCOVERY = 'io.k8s.api.discovery.v1.';

/** Endpoints, EndpointSlice and their parts. */
export const endpointsDefinitions: Record<string, Definition> = {
  [CORE + 'Endpoints']: {
    description: 'The addresses and ports behind a service, kept by the endpoints controller under the service\'s name.',
    properties: {
      ...typeMeta(),
      metadata: objectMeta(),
      subsets: refs(2, CORE + 'EndpointSubset', 'Groups of addresses sharing the same ports.'),
    },
    gvk: gvk('', 'v1', 'Endpoints'),
  },
  [CORE + 'EndpointSubset']: {
    description: 'Addresses that all expose the same ports.',
    properties: {
      addresses: refs(1, CORE + 'EndpointAddress', 'Ready addresses.'),
      notReadyAddresses: refs(2, CORE + 'EndpointAddress', 'Addresses not ready to take traffic.'),
      ports: refs(3, CORE + 'EndpointPort', 'Ports of every address in the subset.'),
    },
  },
  [CORE + 'EndpointAddress']: {
    description: 'One address of an endpoint.',
    properties: {
      ip: str(1, 'The IP of the endpoint.', KEEP),
      targetRef: ref(2, CORE + 'ObjectReference', 'The object (usually a Pod) behind the address.'),
      hostname: str(3, 'Hostname of the endpoint.'),
      nodeName: str(4, 'Node hosting the endpoint.'),
    },
    required: ['ip'],
  },
  [CORE + 'EndpointPort']: {
    description: 'One port of an endpoint.',
    properties: {
      name: str(1, 'Name of the port (the service port name).'),
      port: i32(2, 'Port number.', KEEP),
      protocol: str(3, 'TCP, UDP or SCTP. Default TCP.'),
      appProtocol: str(4, 'Application protocol hint.'),
    },
    required: ['port'],
  },
  [DISCOVERY + 'EndpointSlice']: {
    description: 'A subset of the endpoints of a service; joined by the kubernetes.io/service-name label.',
    properties: {
      ...typeMeta(),
      metadata: objectMeta(),
      addressType: str(4, 'IPv4, IPv6 or FQDN; immutable.', { ...KEEP, enum: ['FQDN', 'IPv4', 'IPv6'] }),
      endpoints: atomic(refs(2, DISCOVERY + 'Endpoint', 'Unique endpoints of the slice (at most 1000).')),
      ports: atomic(refs(3, DISCOVERY + 'EndpointPort', 'Ports of every endpoint of the slice.')),
    },
    required: ['addressType', 'endpoints'],
    gvk: gvk('discovery.k8s.io', 'v1', 'EndpointSlice'),
  },
  [DISCOVERY + 'Endpoint']: {
    description: 'One backend of a service.',
    properties: {
      addresses: strs(1, 'Addresses of the endpoint (one for IPv4 slices).', { listType: 'set' }),
      conditions: ref(2, DISCOVERY + 'EndpointConditions', 'Current condition of the endpoint.'),
      hostname: str(3, 'Hostname of the endpoint.'),
      targetRef: ref(4, CORE + 'ObjectReference', 'The object (usually a Pod) behind the endpoint.'),
      deprecatedTopology: strMap(5, 'Deprecated topology of the v1beta1 API.'),
      nodeName: str(6, 'Node hosting the endpoint.'),
      zone: str(7, 'Zone of the endpoint.'),
      hints: ref(8, DISCOVERY + 'EndpointHints', 'How the endpoint should be consumed.'),
    },
    required: ['addresses'],
  },
  [DISCOVERY + 'EndpointConditions']: {
    description: 'Condition of an endpoint; a missing ready means ready.',
    properties: {
      ready: bool(1, 'Ready to receive traffic (never true while terminating).', KEEP),
      serving: bool(2, 'Like ready, regardless of terminating.', KEEP),
      terminating: bool(3, 'The endpoint is terminating.', KEEP),
    },
  },
  [DISCOVERY + 'EndpointHints']: {
    description: 'Consumption hints of an endpoint.',
    properties: { forZones: refs(1, DISCOVERY + 'ForZone', 'Zones that should consume this endpoint.') },
  },
  [DISCOVERY + 'ForZone']: {
    description: 'A zone that should consume an endpoint.',
    properties: { name: str(1, 'Zone name.', KEEP) },
    required: ['name'],
  },
  [DISCOVERY + 'EndpointPort']: {
    description: 'One port of an EndpointSlice.',
    properties: {
      name: str(1, 'Name of the port (the service port name).', KEEP),
      protocol: str(2, 'TCP, UDP or SCTP.', KEEP),
      port: i32(3, 'Port number; absent means all ports.', KEEP),
      appProtocol: str(4, 'Application protocol hint.', KEEP),
    },
  },
};
