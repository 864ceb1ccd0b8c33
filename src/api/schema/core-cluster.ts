/**
 * core/v1 cluster-level kinds: Node, Namespace, Binding. Field numbers follow
 * core/v1 generated.proto.
 */
import {
  CORE, KEEP, bool, conditions, gvk, i32, i64, objectMeta, qtyMap, ref, refs, str, strs, time, typeMeta,
} from './build.js';
import type { Definition } from './types.js';

/** Node and Namespace definitions. */
export const clusterDefinitions: Record<string, Definition> = {
  [CORE + 'Node']: {
    description: 'A worker machine that runs pods. Each node is registered and kept alive by its kubelet.',
    properties: {
      ...typeMeta(),
      metadata: objectMeta(),
      spec: ref(2, CORE + 'NodeSpec', 'How the node should be used.'),
      status: ref(3, CORE + 'NodeStatus', 'Most recently observed state of the node, written by its kubelet.'),
    },
    gvk: gvk('', 'v1', 'Node'),
  },
  [CORE + 'NodeSpec']: {
    description: 'Desired configuration of a node.',
    properties: {
      podCIDR: str(1, 'Pod IP range assigned to the node.'),
      podCIDRs: strs(7, 'Pod IP ranges assigned to the node, one per family.', { patchStrategy: 'merge', listType: 'set' }),
      providerID: str(3, 'Cloud provider ID of the node.'),
      unschedulable: bool(4, 'When true, no new pods are scheduled here (cordon).'),
      taints: refs(5, CORE + 'Taint', 'Taints that repel pods without matching tolerations.'),
      configSource: { type: 'object', description: 'Deprecated dynamic kubelet configuration source.' },
      externalID: str(2, 'Deprecated.'),
    },
  },
  [CORE + 'NodeStatus']: {
    description: 'Observed state of a node.',
    properties: {
      capacity: qtyMap(1, 'Total resources of the node.'),
      allocatable: qtyMap(2, 'Resources available to pods.'),
      phase: str(3, 'Deprecated node lifecycle phase.'),
      conditions: conditions(4, CORE + 'NodeCondition', 'Ready, MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable.'),
      addresses: refs(5, CORE + 'NodeAddress', 'Addresses of the node (InternalIP, Hostname, ...).', {
        key: 'type', listType: 'map', mapKeys: ['type'],
      }),
      daemonEndpoints: ref(6, CORE + 'NodeDaemonEndpoints', 'Ports of daemons on the node.'),
      nodeInfo: ref(7, CORE + 'NodeSystemInfo', 'Versions and identifiers of the node.'),
      images: refs(8, CORE + 'ContainerImage', 'Images present on the node.'),
      volumesInUse: strs(9, 'Volumes in use on the node.'),
      volumesAttached: refs(10, CORE + 'AttachedVolume', 'Volumes attached to the node.'),
      config: { type: 'object', description: 'Deprecated dynamic kubelet configuration status.' },
      runtimeHandlers: refs(12, CORE + 'NodeRuntimeHandler', 'Runtime handlers the node offers.'),
      features: ref(13, CORE + 'NodeFeatures', 'Optional features the node supports.'),
    },
  },
  [CORE + 'NodeCondition']: {
    description: 'One condition of a node.',
    properties: {
      type: str(1, 'Ready, MemoryPressure, DiskPressure, PIDPressure or NetworkUnavailable.', KEEP),
      status: str(2, 'True, False or Unknown.', KEEP),
      lastHeartbeatTime: time(3, 'When the kubelet last reported the condition.'),
      lastTransitionTime: time(4, 'When the status last changed.'),
      reason: str(5, 'CamelCase reason for the last transition.'),
      message: str(6, 'Human-readable detail.'),
    },
    required: ['type', 'status'],
  },
  [CORE + 'NodeAddress']: {
    description: 'One address of a node.',
    properties: {
      type: str(1, 'Hostname, InternalIP, ExternalIP, InternalDNS or ExternalDNS.', KEEP),
      address: str(2, 'The address.', KEEP),
    },
    required: ['type', 'address'],
  },
  [CORE + 'NodeDaemonEndpoints']: {
    description: 'Endpoints of daemons running on the node.',
    properties: { kubeletEndpoint: ref(1, CORE + 'DaemonEndpoint', 'The kubelet\'s endpoint.') },
  },
  [CORE + 'DaemonEndpoint']: {
    description: 'A daemon port.',
    properties: { Port: i32(1, 'Port number.', KEEP) },
    required: ['Port'],
  },
  [CORE + 'NodeSystemInfo']: {
    description: 'Identifiers and software versions of a node.',
    properties: {
      machineID: str(1, 'Machine ID (/etc/machine-id).', KEEP),
      systemUUID: str(2, 'System UUID.', KEEP),
      bootID: str(3, 'Boot ID.', KEEP),
      kernelVersion: str(4, 'Kernel version (uname -r).', KEEP),
      osImage: str(5, 'OS image (/etc/os-release PRETTY_NAME).', KEEP),
      containerRuntimeVersion: str(6, 'Container runtime, e.g. containerd://1.6.20.', KEEP),
      kubeletVersion: str(7, 'Kubelet version.', KEEP),
      kubeProxyVersion: str(8, 'Deprecated kube-proxy version.', KEEP),
      operatingSystem: str(9, 'Operating system, e.g. linux.', KEEP),
      architecture: str(10, 'CPU architecture, e.g. amd64.', KEEP),
      swap: ref(11, CORE + 'NodeSwapStatus', 'Swap memory of the node.'),
    },
    required: ['machineID', 'systemUUID', 'bootID', 'kernelVersion', 'osImage', 'containerRuntimeVersion', 'kubeletVersion', 'kubeProxyVersion', 'operatingSystem', 'architecture'],
  },
  [CORE + 'NodeSwapStatus']: {
    description: 'Swap memory of a node.',
    properties: { capacity: i64(1, 'Swap size in bytes.', KEEP) },
  },
  [CORE + 'ContainerImage']: {
    description: 'An image present on a node.',
    properties: { names: strs(1, 'Names of the image.'), sizeBytes: i64(2, 'Size in bytes.') },
  },
  [CORE + 'AttachedVolume']: {
    description: 'A volume attached to a node.',
    properties: { name: str(1, 'Volume name.', KEEP), devicePath: str(2, 'Device path.', KEEP) },
    required: ['name', 'devicePath'],
  },
  [CORE + 'NodeRuntimeHandler']: {
    description: 'A runtime handler offered by the node.',
    properties: {
      name: str(1, 'Handler name; empty for the default.', KEEP),
      features: ref(2, CORE + 'NodeRuntimeHandlerFeatures', 'Supported features.'),
    },
  },
  [CORE + 'NodeRuntimeHandlerFeatures']: {
    description: 'Features of a runtime handler.',
    properties: {
      recursiveReadOnlyMounts: bool(1, 'Recursive read-only mounts supported.', KEEP),
      userNamespaces: bool(2, 'User namespaces supported.', KEEP),
    },
  },
  [CORE + 'NodeFeatures']: {
    description: 'Optional node features.',
    properties: { supplementalGroupsPolicy: bool(1, 'SupplementalGroupsPolicy supported.', KEEP) },
  },
  [CORE + 'Namespace']: {
    description: 'A scope for names. Deleting a namespace deletes everything in it.',
    properties: {
      ...typeMeta(),
      metadata: objectMeta(),
      spec: ref(2, CORE + 'NamespaceSpec', 'Finalizers of the namespace.'),
      status: ref(3, CORE + 'NamespaceStatus', 'Phase of the namespace.'),
    },
    gvk: gvk('', 'v1', 'Namespace'),
  },
  [CORE + 'NamespaceSpec']: {
    description: 'Desired state of a namespace.',
    properties: { finalizers: strs(1, 'Finalizers that must be cleared before the namespace is removed.') },
  },
  [CORE + 'NamespaceStatus']: {
    description: 'Observed state of a namespace.',
    properties: {
      phase: str(1, 'Active or Terminating.', { enum: ['Active', 'Terminating'] }),
      conditions: conditions(2, CORE + 'NamespaceCondition', 'Observations about the namespace\'s deletion.'),
    },
  },
  [CORE + 'NamespaceCondition']: {
    description: 'One condition of a namespace.',
    properties: {
      type: str(1, 'Condition type.', KEEP),
      status: str(2, 'True, False or Unknown.', KEEP),
      lastTransitionTime: time(4, 'When the status last changed.'),
      reason: str(5, 'CamelCase reason.'),
      message: str(6, 'Human-readable detail.'),
    },
    required: ['type', 'status'],
  },
  [CORE + 'Binding']: {
    description: 'Binds an object to another, e.g. a pod to a node. Created by the scheduler via pods/binding.',
    properties: {
      ...typeMeta(),
      metadata: objectMeta(),
      target: ref(2, CORE + 'ObjectReference', 'The object to bind to (a Node).'),
    },
    required: ['target'],
    gvk: gvk('', 'v1', 'Binding'),
  },
};
