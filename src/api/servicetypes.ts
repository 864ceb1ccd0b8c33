/**
 * Wire shapes of core/v1 Service and Endpoints and discovery.k8s.io/v1 EndpointSlice,
 * as the Kubernetes API serves them (camelCase, optional fields omitted). Kept apart
 * from types.ts (a shared contract) so the service work does not change it. Every
 * shape stays open (`[key: string]: unknown`) so unknown-but-valid fields round-trip.
 */
import type { KubeObject } from './types.js';

/** intstr.IntOrString: a port number or an IANA port name. */
export type IntOrString = number | string;

/** core/v1 ServicePort. `nodePort` is only set for NodePort/LoadBalancer services. */
export interface ServicePort {
  name?: string;
  protocol?: 'TCP' | 'UDP' | 'SCTP' | string;
  appProtocol?: string;
  port: number;
  targetPort?: IntOrString;
  nodePort?: number;
  [key: string]: unknown;
}

/** core/v1 ServiceSpec (the fields peapod interprets; others are preserved). */
export interface ServiceSpec {
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName' | string;
  ports?: ServicePort[];
  selector?: Record<string, string>;
  /** A dotted IPv4 address, `None` for a headless service, or empty before allocation. */
  clusterIP?: string;
  clusterIPs?: string[];
  externalIPs?: string[];
  externalName?: string;
  sessionAffinity?: 'None' | 'ClientIP' | string;
  sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  internalTrafficPolicy?: string;
  externalTrafficPolicy?: string;
  publishNotReadyAddresses?: boolean;
  allocateLoadBalancerNodePorts?: boolean;
  [key: string]: unknown;
}

/** core/v1 Service. */
export interface Service extends KubeObject {
  spec?: ServiceSpec;
  status?: { loadBalancer?: Record<string, unknown>; conditions?: unknown[]; [key: string]: unknown };
}

/** core/v1 ObjectReference as endpoints use it (`targetRef`). */
export interface EndpointTargetRef {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  resourceVersion?: string;
  [key: string]: unknown;
}

/** core/v1 EndpointAddress. */
export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: EndpointTargetRef;
}

/** core/v1 EndpointPort (also the shape of discovery/v1 EndpointPort, whose fields are optional). */
export interface EndpointPort {
  name?: string;
  port?: number;
  protocol?: string;
  appProtocol?: string;
}

/** core/v1 EndpointSubset: addresses sharing one set of ports. */
export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

/** core/v1 Endpoints (same name as its Service). */
export interface Endpoints extends KubeObject {
  subsets?: EndpointSubset[];
}

/** discovery/v1 EndpointConditions: nil `ready` means ready. */
export interface EndpointConditions {
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

/** discovery/v1 Endpoint. */
export interface SliceEndpoint {
  addresses: string[];
  conditions?: EndpointConditions;
  hostname?: string;
  targetRef?: EndpointTargetRef;
  nodeName?: string;
  zone?: string;
}

/** discovery.k8s.io/v1 EndpointSlice. */
export interface EndpointSlice extends KubeObject {
  addressType: 'IPv4' | 'IPv6' | 'FQDN' | string;
  endpoints?: SliceEndpoint[] | null;
  ports?: EndpointPort[] | null;
}

/** Label naming the Service an EndpointSlice belongs to (discovery.LabelServiceName). */
export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
/** Label naming the controller managing an EndpointSlice (discovery.LabelManagedBy). */
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
/** The managed-by value of the EndpointSlice controller (controllerName upstream). */
export const ENDPOINTSLICE_CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
/** Label upstream puts on Endpoints/EndpointSlices of headless services (v1.IsHeadlessService). */
export const LABEL_HEADLESS = 'service.kubernetes.io/headless';

/** True for `clusterIP: None` (a headless Service). */
export function isHeadless(svc: Service): boolean {
  return svc.spec?.clusterIP === 'None';
}
