/**
 * core/v1 Pod definitions: Pod, PodSpec, PodStatus and the scheduling and
 * security parts of the spec. Field numbers follow core/v1 generated.proto.
 */
import {
  CORE, KEEP, bool, conditions, gvk, i32, i64, objectMeta, qtyMap, ref, refs, str, strMap, strs, time, typeMeta,
} from './build.js';
import { schedulingDefinitions } from './core-scheduling.js';
import type { Definition } from './types.js';

const podSpec: Definition = {
  description: 'The desired behaviour of a pod: its containers, volumes and scheduling constraints.',
  properties: {
    volumes: refs(1, CORE + 'Volume', 'Volumes the pod\'s containers can mount.', {
      key: 'name', strategy: 'merge,retainKeys', listType: 'map', mapKeys: ['name'],
    }),
    initContainers: refs(20, CORE + 'Container', 'Containers run to completion, in order, before the app containers start.', {
      key: 'name', listType: 'map', mapKeys: ['name'],
    }),
    containers: refs(2, CORE + 'Container', 'The pod\'s application containers. At least one is required.', {
      key: 'name', listType: 'map', mapKeys: ['name'],
    }),
    ephemeralContainers: refs(34, CORE + 'EphemeralContainer', 'Debugging containers added to the running pod.', {
      key: 'name', listType: 'map', mapKeys: ['name'],
    }),
    restartPolicy: str(3, 'Always, OnFailure or Never. Default Always.', { enum: ['Always', 'Never', 'OnFailure'], goType: 'v1.RestartPolicy' }),
    terminationGracePeriodSeconds: i64(4, 'Seconds between SIGTERM and SIGKILL on deletion. Default 30.', KEEP),
    activeDeadlineSeconds: i64(5, 'Seconds the pod may be active before it is failed.', KEEP),
    dnsPolicy: str(6, 'ClusterFirst, ClusterFirstWithHostNet, Default or None.', { goType: 'v1.DNSPolicy' }),
    nodeSelector: strMap(7, 'Node labels the pod\'s node must carry.'),
    serviceAccountName: str(8, 'Service account the pod runs as.'),
    serviceAccount: str(9, 'Deprecated alias of serviceAccountName.'),
    automountServiceAccountToken: bool(21, 'Whether to mount the service account token.', KEEP),
    nodeName: str(10, 'Node the pod is bound to; set by the scheduler.'),
    hostNetwork: bool(11, 'Use the node\'s network namespace.'),
    hostPID: bool(12, 'Use the node\'s PID namespace.'),
    hostIPC: bool(13, 'Use the node\'s IPC namespace.'),
    shareProcessNamespace: bool(27, 'Share one PID namespace among the pod\'s containers.', KEEP),
    securityContext: ref(14, CORE + 'PodSecurityContext', 'Pod-wide security settings.'),
    imagePullSecrets: refs(15, CORE + 'LocalObjectReference', 'Secrets used to pull images.', {
      key: 'name', listType: 'map', mapKeys: ['name'],
    }),
    hostname: str(16, 'Hostname of the pod; defaults to the pod name.'),
    subdomain: str(17, 'Subdomain for the pod\'s FQDN.'),
    affinity: ref(18, CORE + 'Affinity', 'Node and pod affinity rules.'),
    schedulerName: str(19, 'Scheduler that places the pod. Default default-scheduler.'),
    tolerations: refs(22, CORE + 'Toleration', 'Taints the pod tolerates.'),
    hostAliases: refs(23, CORE + 'HostAlias', 'Extra /etc/hosts entries.', { key: 'ip', listType: 'map', mapKeys: ['ip'] }),
    priorityClassName: str(24, 'Name of the pod\'s PriorityClass.'),
    priority: i32(25, 'Priority value resolved from priorityClassName.', KEEP),
    dnsConfig: ref(26, CORE + 'PodDNSConfig', 'Extra DNS settings merged with dnsPolicy\'s.'),
    readinessGates: refs(28, CORE + 'PodReadinessGate', 'Extra conditions required for readiness.'),
    runtimeClassName: str(29, 'RuntimeClass to run the pod with.', KEEP),
    enableServiceLinks: bool(30, 'Inject service environment variables. Default true.', KEEP),
    preemptionPolicy: str(31, 'Never or PreemptLowerPriority.', KEEP),
    overhead: qtyMap(32, 'Resource overhead of the pod sandbox.'),
    topologySpreadConstraints: refs(33, CORE + 'TopologySpreadConstraint', 'How pods spread across topology domains.', {
      key: 'topologyKey', listType: 'map', mapKeys: ['topologyKey', 'whenUnsatisfiable'],
    }),
    setHostnameAsFQDN: bool(35, 'Set the hostname to the pod\'s FQDN.', KEEP),
    os: ref(36, CORE + 'PodOS', 'Operating system of the pod\'s containers.'),
    hostUsers: bool(37, 'Use the host user namespace. Default true.', KEEP),
    schedulingGates: refs(38, CORE + 'PodSchedulingGate', 'Gates that block scheduling while present.', {
      key: 'name', listType: 'map', mapKeys: ['name'],
    }),
    resourceClaims: refs(39, CORE + 'PodResourceClaim', 'Dynamic resource claims of the pod.', {
      key: 'name', strategy: 'merge,retainKeys', listType: 'map', mapKeys: ['name'],
    }),
    resources: ref(40, CORE + 'ResourceRequirements', 'Pod-level resource requests and limits.'),
  },
  required: ['containers'],
};

const podStatus: Definition = {
  description: 'The most recently observed state of a pod.',
  properties: {
    observedGeneration: i64(17, 'Pod generation this status reflects.'),
    phase: str(1, 'Pending, Running, Succeeded, Failed or Unknown.', { enum: ['Failed', 'Pending', 'Running', 'Succeeded', 'Unknown'] }),
    conditions: conditions(2, CORE + 'PodCondition', 'Current service state: PodScheduled, Initialized, ContainersReady, Ready.'),
    message: str(3, 'Human-readable detail about the pod\'s state.'),
    reason: str(4, 'CamelCase reason for the pod\'s state, e.g. Evicted.'),
    nominatedNodeName: str(11, 'Node the pod may be placed on after preemption.'),
    hostIP: str(5, 'IP of the node the pod runs on.'),
    hostIPs: refs(16, CORE + 'HostIP', 'IPs of the node, one per family.', { key: 'ip', listType: 'atomic' }),
    podIP: str(6, 'IP address of the pod.'),
    podIPs: refs(12, CORE + 'PodIP', 'IP addresses of the pod, one per family.', { key: 'ip', listType: 'map', mapKeys: ['ip'] }),
    startTime: time(7, 'When the kubelet acknowledged the pod.'),
    initContainerStatuses: refs(10, CORE + 'ContainerStatus', 'Status of each init container.'),
    containerStatuses: refs(8, CORE + 'ContainerStatus', 'Status of each app container.'),
    qosClass: str(9, 'Guaranteed, Burstable or BestEffort.'),
    ephemeralContainerStatuses: refs(13, CORE + 'ContainerStatus', 'Status of each ephemeral container.'),
    resize: str(14, 'Deprecated in-place resize status.'),
    resourceClaimStatuses: refs(15, CORE + 'PodResourceClaimStatus', 'Generated ResourceClaim names.', {
      key: 'name', strategy: 'merge,retainKeys', listType: 'map', mapKeys: ['name'],
    }),
  },
};

/** Pod and its parts (containers and volumes live in their own files). */
export const podDefinitions: Record<string, Definition> = {
  [CORE + 'Pod']: {
    description: 'A group of containers scheduled together on one node, sharing network and volumes.',
    properties: {
      ...typeMeta(),
      metadata: objectMeta(),
      spec: ref(2, CORE + 'PodSpec', 'Desired behaviour of the pod.'),
      status: ref(3, CORE + 'PodStatus', 'Observed state of the pod, written by the kubelet.'),
    },
    gvk: gvk('', 'v1', 'Pod'),
  },
  [CORE + 'PodSpec']: podSpec,
  [CORE + 'PodStatus']: podStatus,
  [CORE + 'PodTemplateSpec']: {
    description: 'Metadata and spec of pods a controller creates.',
    properties: {
      metadata: objectMeta(),
      spec: ref(2, CORE + 'PodSpec', 'Desired behaviour of the created pods.'),
    },
  },
  [CORE + 'PodCondition']: {
    description: 'One condition of a pod.',
    properties: {
      type: str(1, 'PodScheduled, Initialized, ContainersReady, Ready, ...', KEEP),
      observedGeneration: i64(7, 'Pod generation the condition was computed from.'),
      status: str(2, 'True, False or Unknown.', KEEP),
      lastProbeTime: time(3, 'When the condition was last probed.'),
      lastTransitionTime: time(4, 'When the status last changed.'),
      reason: str(5, 'CamelCase reason for the last transition.'),
      message: str(6, 'Human-readable detail.'),
    },
    required: ['type', 'status'],
  },
  [CORE + 'PodIP']: { description: 'One IP of a pod.', properties: { ip: str(1, 'The IP address.', KEEP) }, required: ['ip'] },
  [CORE + 'HostIP']: { description: 'One IP of a node.', properties: { ip: str(1, 'The IP address.', KEEP) }, required: ['ip'] },
  [CORE + 'ContainerStatus']: {
    description: 'The observed state of one container.',
    properties: {
      name: str(1, 'Container name.', KEEP),
      state: ref(2, CORE + 'ContainerState', 'Current state.'),
      lastState: ref(3, CORE + 'ContainerState', 'State of the previous run, if any.'),
      ready: bool(4, 'Whether the readiness probe passes.', KEEP),
      restartCount: i32(5, 'Times the container has been restarted.', KEEP),
      image: str(6, 'Image the container runs.', KEEP),
      imageID: str(7, 'Resolved image ID.', KEEP),
      containerID: str(8, 'Runtime container ID: `<runtime>://<id>`.'),
      started: bool(9, 'Whether the startup probe has passed.', KEEP),
      allocatedResources: qtyMap(10, 'Resources allocated to the container.'),
      resources: ref(11, CORE + 'ResourceRequirements', 'Resources actually configured.'),
      stopSignal: str(15, 'Effective stop signal.', KEEP),
    },
    required: ['name', 'ready', 'restartCount', 'image', 'imageID'],
  },
  [CORE + 'ContainerState']: {
    description: 'One of waiting, running or terminated.',
    properties: {
      waiting: ref(1, CORE + 'ContainerStateWaiting', 'Details when waiting.'),
      running: ref(2, CORE + 'ContainerStateRunning', 'Details when running.'),
      terminated: ref(3, CORE + 'ContainerStateTerminated', 'Details when terminated.'),
    },
  },
  [CORE + 'ContainerStateWaiting']: {
    description: 'A container not yet running.',
    properties: { reason: str(1, 'Why it waits, e.g. ContainerCreating or CrashLoopBackOff.'), message: str(2, 'Detail.') },
  },
  [CORE + 'ContainerStateRunning']: {
    description: 'A running container.',
    properties: { startedAt: time(1, 'When the container last started.') },
  },
  [CORE + 'ContainerStateTerminated']: {
    description: 'A container that has exited.',
    properties: {
      exitCode: i32(1, 'Exit status of the last run.', KEEP),
      signal: i32(2, 'Signal that ended it, if any.'),
      reason: str(3, 'Reason, e.g. Completed or Error.'),
      message: str(4, 'Detail.'),
      startedAt: time(5, 'When the run started.'),
      finishedAt: time(6, 'When the run ended.'),
      containerID: str(7, 'Runtime container ID.'),
    },
    required: ['exitCode'],
  },
  [CORE + 'PodSecurityContext']: {
    description: 'Security settings that apply to all containers of a pod.',
    properties: {
      seLinuxOptions: ref(1, CORE + 'SELinuxOptions', 'SELinux context for all containers.'),
      windowsOptions: ref(8, CORE + 'WindowsSecurityContextOptions', 'Windows-specific settings.'),
      runAsUser: i64(2, 'UID to run container entrypoints as.', KEEP),
      runAsGroup: i64(6, 'GID to run container entrypoints as.', KEEP),
      runAsNonRoot: bool(3, 'Refuse to start containers that would run as UID 0.', KEEP),
      supplementalGroups: { type: 'array', items: { type: 'integer', format: 'int64' }, proto: 4, description: 'Extra GIDs for the first process.' },
      supplementalGroupsPolicy: str(12, 'Merge or Strict.', KEEP),
      fsGroup: i64(5, 'GID that owns mounted volumes.', KEEP),
      sysctls: refs(7, CORE + 'Sysctl', 'Namespaced sysctls to set.'),
      fsGroupChangePolicy: str(9, 'OnRootMismatch or Always.', KEEP),
      seccompProfile: ref(10, CORE + 'SeccompProfile', 'Seccomp profile for all containers.'),
      appArmorProfile: ref(11, CORE + 'AppArmorProfile', 'AppArmor profile for all containers.'),
      seLinuxChangePolicy: str(13, 'Recursive or MountOption.', KEEP),
    },
  },
  [CORE + 'Sysctl']: {
    description: 'A kernel parameter.',
    properties: { name: str(1, 'Parameter name.', KEEP), value: str(2, 'Parameter value.', KEEP) },
    required: ['name', 'value'],
  },
  [CORE + 'HostAlias']: {
    description: 'An /etc/hosts entry.',
    properties: { ip: str(1, 'IP address.', KEEP), hostnames: strs(2, 'Host names for the IP.') },
    required: ['ip'],
  },
  [CORE + 'PodDNSConfig']: {
    description: 'DNS resolver settings for the pod.',
    properties: {
      nameservers: strs(1, 'Name server IPs.'),
      searches: strs(2, 'Search domains.'),
      options: refs(3, CORE + 'PodDNSConfigOption', 'Resolver options.'),
    },
  },
  [CORE + 'PodDNSConfigOption']: {
    description: 'One resolver option.',
    properties: { name: str(1, 'Option name.'), value: str(2, 'Option value.', KEEP) },
  },
  [CORE + 'PodReadinessGate']: {
    description: 'An extra condition type the pod needs for readiness.',
    properties: { conditionType: str(1, 'Condition type in the pod\'s status.', KEEP) },
    required: ['conditionType'],
  },
  [CORE + 'PodSchedulingGate']: {
    description: 'A gate that blocks scheduling.',
    properties: { name: str(1, 'Gate name.', KEEP) },
    required: ['name'],
  },
  [CORE + 'PodOS']: {
    description: 'The operating system of a pod.',
    properties: { name: str(1, 'linux or windows.', KEEP) },
    required: ['name'],
  },
  [CORE + 'PodResourceClaim']: {
    description: 'A dynamic resource claim of the pod.',
    properties: {
      name: str(1, 'Name used by containers to refer to the claim.', KEEP),
      resourceClaimName: str(3, 'An existing ResourceClaim.', KEEP),
      resourceClaimTemplateName: str(4, 'A ResourceClaimTemplate to instantiate.', KEEP),
    },
    required: ['name'],
  },
  [CORE + 'PodResourceClaimStatus']: {
    description: 'The ResourceClaim generated for a pod claim.',
    properties: { name: str(1, 'Pod claim name.', KEEP), resourceClaimName: str(2, 'Generated claim name.', KEEP) },
    required: ['name'],
  },
  ...schedulingDefinitions,
};

/** Also used by Event and Binding. */
export const objectReferenceDefinition: Definition = {
  description: 'A reference to any object, possibly a field within it.',
  properties: {
    kind: str(1, 'Kind of the referent.'),
    namespace: str(2, 'Namespace of the referent.'),
    name: str(3, 'Name of the referent.'),
    uid: str(4, 'UID of the referent.'),
    apiVersion: str(5, 'API version of the referent.'),
    resourceVersion: str(6, 'Resource version the reference is about.'),
    fieldPath: str(7, 'Part of the object referred to, e.g. `spec.containers{c}`.'),
  },
};

