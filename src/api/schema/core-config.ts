/**
 * core/v1 Event, ConfigMap, Secret, ServiceAccount and Service. Field numbers follow core/v1 generated.proto.
 */
import {
  CORE, KEEP, bool, bytes, gvk, i32, intOrString, microTime, objectMeta, ref, refs, str, strMap, strs, time, typeMeta, META,
} from './build.js';
import { objectReferenceDefinition } from './core-pod.js';
import type { Definition } from './types.js';

/** Event, ConfigMap, Secret, Service and their parts. */
export const configDefinitions: Record<string, Definition> = {
  [CORE + 'ObjectReference']: objectReferenceDefinition,
  [CORE + 'Event']: {
    description: 'A report of something that happened to an object, e.g. a pod being scheduled or an image pulled.',
    properties: {
      ...typeMeta(),
      metadata: objectMeta(),
      involvedObject: ref(2, CORE + 'ObjectReference', 'The object the event is about.'),
      reason: str(3, 'Short CamelCase reason, e.g. Scheduled or Pulled.'),
      message: str(4, 'Human-readable description.'),
      source: ref(5, CORE + 'EventSource', 'Component that reported the event.'),
      firstTimestamp: time(6, 'When the event was first recorded.'),
      lastTimestamp: time(7, 'When the event last recurred.'),
      count: i32(8, 'Times the event occurred.'),
      type: str(9, 'Normal or Warning.'),
      eventTime: microTime(10, 'When the event first happened, with microseconds.'),
      series: ref(11, CORE + 'EventSeries', 'Recurrence data for repeated events.'),
      action: str(12, 'What action was taken or failed.'),
      related: ref(13, CORE + 'ObjectReference', 'A secondary object involved.'),
      reportingComponent: str(14, 'Controller that emitted the event, e.g. kubelet.', KEEP),
      reportingInstance: str(15, 'Instance of that controller, e.g. the node name.', KEEP),
    },
    required: ['metadata', 'involvedObject'],
    gvk: gvk('', 'v1', 'Event'),
  },
  [CORE + 'EventSource']: {
    description: 'The component that produced an event.',
    properties: { component: str(1, 'Component name.'), host: str(2, 'Node name.') },
  },
  [CORE + 'EventSeries']: {
    description: 'Recurrence data of an event.',
    properties: {
      count: i32(1, 'Occurrences so far.'),
      lastObservedTime: microTime(2, 'Time of the last occurrence.'),
    },
  },
  [CORE + 'ConfigMap']: {
    description: 'Non-confidential key/value data for pods to consume as files, env or arguments.',
    properties: {
      ...typeMeta(),
      metadata: objectMeta(),
      immutable: bool(4, 'When true, data cannot be changed.', KEEP),
      data: strMap(2, 'UTF-8 data by key.'),
      binaryData: { type: 'map', values: { type: 'string', format: 'byte' }, proto: 3, description: 'Binary data by key, base64 in JSON.' },
    },
    gvk: gvk('', 'v1', 'ConfigMap'),
  },
  [CORE + 'Secret']: {
    description: 'Confidential key/value data, e.g. passwords, tokens or keys.',
    properties: {
      ...typeMeta(),
      metadata: objectMeta(),
      immutable: bool(5, 'When true, data cannot be changed.', KEEP),
      data: { type: 'map', values: { type: 'string', format: 'byte' }, proto: 2, description: 'Secret data by key, base64 in JSON.' },
      stringData: strMap(4, 'Write-only plain-text data merged into data on write.'),
      type: str(3, 'Type used for programmatic handling, e.g. Opaque.'),
    },
    gvk: gvk('', 'v1', 'Secret'),
  },
  [CORE + 'ServiceAccount']: {
    description: 'An identity for processes running in pods, with its API credentials.',
    properties: {
      ...typeMeta(),
      metadata: objectMeta(),
      secrets: refs(2, CORE + 'ObjectReference', 'Deprecated: Secrets holding tokens for this account.', {
        key: 'name', listType: 'map', mapKeys: ['name'],
      }),
      imagePullSecrets: refs(3, CORE + 'LocalObjectReference', 'Secrets used to pull images for pods using this account.'),
      automountServiceAccountToken: bool(4, 'Whether pods using this account get a token mounted.', KEEP),
    },
    gvk: gvk('', 'v1', 'ServiceAccount'),
  },
  [CORE + 'Service']: {
    description: 'A named, stable network endpoint for a set of pods selected by label.',
    properties: {
      ...typeMeta(),
      metadata: objectMeta(),
      spec: ref(2, CORE + 'ServiceSpec', 'Behaviour of the service.'),
      status: ref(3, CORE + 'ServiceStatus', 'Observed state of the service.'),
    },
    gvk: gvk('', 'v1', 'Service'),
  },
  [CORE + 'ServiceSpec']: {
    description: 'Desired behaviour of a service.',
    properties: {
      ports: refs(1, CORE + 'ServicePort', 'Ports the service exposes.', {
        key: 'port', listType: 'map', mapKeys: ['port', 'protocol'],
      }),
      selector: strMap(2, 'Pods with these labels receive the traffic.'),
      clusterIP: str(3, 'Virtual IP of the service; None for headless.'),
      clusterIPs: strs(18, 'Virtual IPs, one per family.', { listType: 'atomic' }),
      type: str(4, 'ClusterIP, NodePort, LoadBalancer or ExternalName.', { enum: ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'] }),
      externalIPs: strs(5, 'Extra IPs accepted by nodes for this service.'),
      sessionAffinity: str(7, 'ClientIP or None.'),
      loadBalancerIP: str(8, 'Deprecated requested load balancer IP.'),
      loadBalancerSourceRanges: strs(9, 'Client CIDRs allowed through the load balancer.'),
      externalName: str(10, 'DNS name for ExternalName services.'),
      externalTrafficPolicy: str(11, 'Cluster or Local.'),
      healthCheckNodePort: i32(12, 'Health check node port for Local traffic policy.'),
      publishNotReadyAddresses: bool(13, 'Publish endpoints of not-ready pods.'),
      sessionAffinityConfig: ref(14, CORE + 'SessionAffinityConfig', 'Session affinity settings.'),
      ipFamilies: strs(19, 'IPv4 and/or IPv6.', { listType: 'atomic' }),
      ipFamilyPolicy: str(17, 'SingleStack, PreferDualStack or RequireDualStack.', KEEP),
      allocateLoadBalancerNodePorts: bool(20, 'Allocate node ports for LoadBalancer services.', KEEP),
      loadBalancerClass: str(21, 'Load balancer implementation class.', KEEP),
      internalTrafficPolicy: str(22, 'Cluster or Local.', KEEP),
      trafficDistribution: str(23, 'Traffic distribution preference.', KEEP),
    },
  },
  [CORE + 'ServicePort']: {
    description: 'One port of a service.',
    properties: {
      name: str(1, 'Port name, required with several ports.'),
      protocol: str(2, 'TCP, UDP or SCTP. Default TCP.'),
      appProtocol: str(6, 'Application protocol hint.', KEEP),
      port: i32(3, 'Port exposed by the service.', KEEP),
      targetPort: intOrString(4, 'Port number or name on the pods.'),
      nodePort: i32(5, 'Port on every node for NodePort/LoadBalancer.'),
    },
    required: ['port'],
  },
  [CORE + 'SessionAffinityConfig']: {
    description: 'Session affinity settings.',
    properties: { clientIP: ref(1, CORE + 'ClientIPConfig', 'ClientIP affinity settings.') },
  },
  [CORE + 'ClientIPConfig']: {
    description: 'ClientIP affinity settings.',
    properties: { timeoutSeconds: i32(1, 'Sticky time in seconds.', KEEP) },
  },
  [CORE + 'ServiceStatus']: {
    description: 'Observed state of a service.',
    properties: {
      loadBalancer: ref(1, CORE + 'LoadBalancerStatus', 'Load balancer state.'),
      conditions: refs(2, META + 'Condition', 'Current service state.', { key: 'type', listType: 'map', mapKeys: ['type'] }),
    },
  },
  [CORE + 'LoadBalancerStatus']: {
    description: 'State of a load balancer.',
    properties: { ingress: refs(1, CORE + 'LoadBalancerIngress', 'Ingress points.') },
  },
  [CORE + 'LoadBalancerIngress']: {
    description: 'An ingress point of a load balancer.',
    properties: {
      ip: str(1, 'IP of the ingress point.'),
      hostname: str(2, 'Host name of the ingress point.'),
      ipMode: str(3, 'VIP or Proxy.', KEEP),
      ports: refs(4, CORE + 'PortStatus', 'Port states.'),
    },
  },
  [CORE + 'PortStatus']: {
    description: 'State of one service port.',
    properties: {
      port: i32(1, 'Port number.', KEEP),
      protocol: str(2, 'TCP, UDP or SCTP.', KEEP),
      error: str(3, 'Problem with the port, if any.', KEEP),
    },
    required: ['port', 'protocol'],
  },
};
