/**
 * core/v1 container definitions: Container and everything it holds (ports, env,
 * resources, mounts, probes, lifecycle hooks, security context).
 * Field numbers follow k8s.io/api core/v1 generated.proto.
 */
import {
  CORE, KEEP, bool, i32, i64, intOrString, qty, qtyMap, ref, refs, str, strs,
} from './build.js';
import type { Definition, Field } from './types.js';

const LOR = CORE + 'LocalObjectReference';

/** The fields shared by Container and EphemeralContainer. */
function containerProperties(): Record<string, Field> {
  return {
    name: str(1, 'Name of the container, unique within the pod (DNS label).', KEEP),
    image: str(2, 'Container image reference, e.g. `busybox:1.36`.'),
    command: strs(3, 'Entrypoint array, replacing the image ENTRYPOINT. Not run in a shell.'),
    args: strs(4, 'Arguments to the entrypoint, replacing the image CMD.'),
    workingDir: str(5, 'Working directory; defaults to the image\'s.'),
    ports: refs(6, CORE + 'ContainerPort', 'Ports the container exposes (informational, plus hostPort mapping).', {
      key: 'containerPort',
      listType: 'map',
      mapKeys: ['containerPort', 'protocol'],
    }),
    envFrom: refs(19, CORE + 'EnvFromSource', 'Sources whose keys become environment variables.'),
    env: refs(7, CORE + 'EnvVar', 'Environment variables to set in the container.', { key: 'name' }),
    resources: ref(8, CORE + 'ResourceRequirements', 'Compute resources requested and limited for this container.'),
    resizePolicy: refs(23, CORE + 'ContainerResizePolicy', 'How each resource is resized in place.'),
    restartPolicy: str(24, 'Per-container restart policy; only `Always` for sidecar init containers.', KEEP),
    volumeMounts: refs(9, CORE + 'VolumeMount', 'Pod volumes to mount into the container filesystem.', { key: 'mountPath' }),
    volumeDevices: refs(21, CORE + 'VolumeDevice', 'Block devices the container uses.', { key: 'devicePath' }),
    livenessProbe: ref(10, CORE + 'Probe', 'Restarts the container when it fails.'),
    readinessProbe: ref(11, CORE + 'Probe', 'Removes the pod from service endpoints while it fails.'),
    startupProbe: ref(22, CORE + 'Probe', 'Holds off the other probes until the container has started.'),
    lifecycle: ref(12, CORE + 'Lifecycle', 'Hooks run after start and before stop.'),
    terminationMessagePath: str(13, 'File whose contents become the termination message. Default /dev/termination-log.'),
    terminationMessagePolicy: str(20, 'File or FallbackToLogsOnError.'),
    imagePullPolicy: str(14, 'Always, Never or IfNotPresent.', { enum: ['Always', 'IfNotPresent', 'Never'] }),
    securityContext: ref(15, CORE + 'SecurityContext', 'Security options for this container, overriding the pod\'s.'),
    stdin: bool(16, 'Allocate a stdin buffer so attach can write to it.'),
    stdinOnce: bool(17, 'Close stdin after the first attach session ends.'),
    tty: bool(18, 'Allocate a TTY for the container (needs stdin).'),
  };
}

/** Definitions for containers and their parts. */
export const containerDefinitions: Record<string, Definition> = {
  [CORE + 'Container']: {
    description: 'A single application container that runs inside a pod.',
    properties: containerProperties(),
    required: ['name'],
  },
  [CORE + 'EphemeralContainerCommon']: {
    description: 'The container fields an ephemeral debugging container may use.',
    properties: containerProperties(),
    required: ['name'],
  },
  [CORE + 'EphemeralContainer']: {
    description: 'A temporary container added to a running pod for debugging.',
    properties: { targetContainerName: str(2, 'Container whose namespaces the ephemeral container joins.') },
    embeds: [{ proto: 1, ref: CORE + 'EphemeralContainerCommon' }],
    required: ['name'],
  },
  [CORE + 'ContainerPort']: {
    description: 'A network port exposed by a container.',
    properties: {
      name: str(1, 'IANA_SVC_NAME for the port, referenced by services.'),
      hostPort: i32(2, 'Port on the host to map to; rarely needed.'),
      containerPort: i32(3, 'Port number on the pod IP (1-65535).', KEEP),
      protocol: str(4, 'TCP, UDP or SCTP. Defaults to TCP.', { enum: ['SCTP', 'TCP', 'UDP'] }),
      hostIP: str(5, 'Host IP to bind the host port to.'),
    },
    required: ['containerPort'],
  },
  [CORE + 'EnvVar']: {
    description: 'One environment variable.',
    properties: {
      name: str(1, 'Variable name.', KEEP),
      value: str(2, 'Literal value; `$(VAR)` references are expanded.'),
      valueFrom: ref(3, CORE + 'EnvVarSource', 'Where to read the value from instead of `value`.'),
    },
    required: ['name'],
  },
  [CORE + 'EnvVarSource']: {
    description: 'A source for an environment variable value.',
    properties: {
      fieldRef: ref(1, CORE + 'ObjectFieldSelector', 'A field of the pod, e.g. `metadata.name` or `status.podIP`.'),
      resourceFieldRef: ref(2, CORE + 'ResourceFieldSelector', 'A resource limit or request of a container.'),
      configMapKeyRef: ref(3, CORE + 'ConfigMapKeySelector', 'A key of a ConfigMap.'),
      secretKeyRef: ref(4, CORE + 'SecretKeySelector', 'A key of a Secret.'),
    },
  },
  [CORE + 'ObjectFieldSelector']: {
    description: 'Selects a field of the object.',
    properties: {
      apiVersion: str(1, 'Schema version of fieldPath. Defaults to v1.'),
      fieldPath: str(2, 'Path of the field to select.', KEEP),
    },
    required: ['fieldPath'],
  },
  [CORE + 'ResourceFieldSelector']: {
    description: 'Selects a container resource (limits.cpu, requests.memory, ...).',
    properties: {
      containerName: str(1, 'Container name; required for volumes.'),
      resource: str(2, 'Resource to select.', KEEP),
      divisor: qty(3, 'Unit the value is divided by. Defaults to 1.'),
    },
    required: ['resource'],
  },
  [CORE + 'ConfigMapKeySelector']: {
    description: 'Selects a key of a ConfigMap.',
    properties: {
      key: str(2, 'The key to select.', KEEP),
      optional: bool(3, 'Whether the ConfigMap or key may be missing.', KEEP),
    },
    embeds: [{ proto: 1, ref: LOR }],
    required: ['key'],
  },
  [CORE + 'SecretKeySelector']: {
    description: 'Selects a key of a Secret.',
    properties: {
      key: str(2, 'The key to select.', KEEP),
      optional: bool(3, 'Whether the Secret or key may be missing.', KEEP),
    },
    embeds: [{ proto: 1, ref: LOR }],
    required: ['key'],
  },
  [CORE + 'EnvFromSource']: {
    description: 'A ConfigMap or Secret whose keys become environment variables.',
    properties: {
      prefix: str(1, 'Prefix added to each key.'),
      configMapRef: ref(2, CORE + 'ConfigMapEnvSource', 'The ConfigMap to read.'),
      secretRef: ref(3, CORE + 'SecretEnvSource', 'The Secret to read.'),
    },
  },
  [CORE + 'ConfigMapEnvSource']: {
    description: 'A ConfigMap used as environment variables.',
    properties: { optional: bool(2, 'Whether the ConfigMap may be missing.', KEEP) },
    embeds: [{ proto: 1, ref: LOR }],
  },
  [CORE + 'SecretEnvSource']: {
    description: 'A Secret used as environment variables.',
    properties: { optional: bool(2, 'Whether the Secret may be missing.', KEEP) },
    embeds: [{ proto: 1, ref: LOR }],
  },
  [LOR]: {
    description: 'Names an object in the same namespace.',
    properties: { name: str(1, 'Name of the referent.') },
  },
  [CORE + 'ResourceRequirements']: {
    description: 'Compute resource requests and limits.',
    properties: {
      limits: qtyMap(1, 'Maximum amount of each resource allowed (cpu in cores, memory in bytes).'),
      requests: qtyMap(2, 'Minimum amount of each resource required; used for scheduling.'),
      claims: refs(3, CORE + 'ResourceClaim', 'Dynamic resource claims used by the container.', {
        key: 'name', listType: 'map', mapKeys: ['name'],
      }),
    },
  },
  [CORE + 'ResourceClaim']: {
    description: 'A reference to one pod resource claim.',
    properties: {
      name: str(1, 'Name of an entry in pod.spec.resourceClaims.', KEEP),
      request: str(2, 'Request within the claim, if any.'),
    },
    required: ['name'],
  },
  [CORE + 'ContainerResizePolicy']: {
    description: 'How a resource is resized in place.',
    properties: {
      resourceName: str(1, 'cpu or memory.', KEEP),
      restartPolicy: str(2, 'NotRequired or RestartContainer.', KEEP),
    },
    required: ['resourceName', 'restartPolicy'],
  },
  [CORE + 'VolumeMount']: {
    description: 'Mounts a pod volume into a container.',
    properties: {
      name: str(1, 'Name of the pod volume.', KEEP),
      readOnly: bool(2, 'Mount read-only.'),
      recursiveReadOnly: str(7, 'Whether read-only applies recursively to submounts.', KEEP),
      mountPath: str(3, 'Path in the container; must not contain `:`.', KEEP),
      subPath: str(4, 'Path inside the volume to mount instead of its root.'),
      mountPropagation: str(5, 'None, HostToContainer or Bidirectional.', KEEP),
      subPathExpr: str(6, 'Like subPath, with $(VAR) expansion.'),
    },
    required: ['name', 'mountPath'],
  },
  [CORE + 'VolumeDevice']: {
    description: 'Maps a raw block volume into a container.',
    properties: {
      name: str(1, 'Name of the persistentVolumeClaim volume.', KEEP),
      devicePath: str(2, 'Device path inside the container.', KEEP),
    },
    required: ['name', 'devicePath'],
  },
  [CORE + 'Probe']: {
    description: 'A periodic health check performed by the kubelet.',
    properties: {
      initialDelaySeconds: i32(2, 'Seconds after start before the first probe.'),
      timeoutSeconds: i32(3, 'Seconds before a probe attempt times out. Default 1.'),
      periodSeconds: i32(4, 'Seconds between probes. Default 10.'),
      successThreshold: i32(5, 'Consecutive successes to count as healthy. Default 1.'),
      failureThreshold: i32(6, 'Consecutive failures to count as failed. Default 3.'),
      terminationGracePeriodSeconds: i64(7, 'Grace period when a liveness failure kills the container.', KEEP),
    },
    embeds: [{ proto: 1, ref: CORE + 'ProbeHandler' }],
  },
  [CORE + 'ProbeHandler']: {
    description: 'The action a probe performs; exactly one is set.',
    properties: {
      exec: ref(1, CORE + 'ExecAction', 'Run a command in the container; exit 0 is success.'),
      httpGet: ref(2, CORE + 'HTTPGetAction', 'HTTP GET; 200-399 is success.'),
      tcpSocket: ref(3, CORE + 'TCPSocketAction', 'TCP connect; an open connection is success.'),
      grpc: ref(4, CORE + 'GRPCAction', 'gRPC health check.'),
    },
  },
  [CORE + 'ExecAction']: {
    description: 'Runs a command inside the container.',
    properties: { command: strs(1, 'Command line; not run in a shell.') },
  },
  [CORE + 'HTTPGetAction']: {
    description: 'An HTTP GET request.',
    properties: {
      path: str(1, 'Path to request.'),
      port: intOrString(2, 'Port number or name on the container.'),
      host: str(3, 'Host to connect to; defaults to the pod IP.'),
      scheme: str(4, 'HTTP or HTTPS. Default HTTP.'),
      httpHeaders: refs(5, CORE + 'HTTPHeader', 'Extra request headers.'),
    },
    required: ['port'],
  },
  [CORE + 'HTTPHeader']: {
    description: 'One HTTP header.',
    properties: { name: str(1, 'Header name.', KEEP), value: str(2, 'Header value.', KEEP) },
    required: ['name', 'value'],
  },
  [CORE + 'TCPSocketAction']: {
    description: 'A TCP connection attempt.',
    properties: {
      port: intOrString(1, 'Port number or name on the container.'),
      host: str(2, 'Host to connect to; defaults to the pod IP.'),
    },
    required: ['port'],
  },
  [CORE + 'GRPCAction']: {
    description: 'A gRPC health check request.',
    properties: {
      port: i32(1, 'Port of the gRPC service.', KEEP),
      service: str(2, 'Service name sent in the health check request.', KEEP),
    },
    required: ['port'],
  },
  [CORE + 'Lifecycle']: {
    description: 'Actions the kubelet takes around container start and stop.',
    properties: {
      postStart: ref(1, CORE + 'LifecycleHandler', 'Runs right after the container is created.'),
      preStop: ref(2, CORE + 'LifecycleHandler', 'Runs before the container is terminated.'),
      stopSignal: str(3, 'Signal used to stop the container.', KEEP),
    },
  },
  [CORE + 'LifecycleHandler']: {
    description: 'One lifecycle hook action; exactly one is set.',
    properties: {
      exec: ref(1, CORE + 'ExecAction', 'Run a command in the container.'),
      httpGet: ref(2, CORE + 'HTTPGetAction', 'HTTP GET against the container.'),
      tcpSocket: ref(3, CORE + 'TCPSocketAction', 'Deprecated TCP hook; kept for compatibility.'),
      sleep: ref(4, CORE + 'SleepAction', 'Sleep for a while.'),
    },
  },
  [CORE + 'SleepAction']: {
    description: 'Sleeps for a number of seconds.',
    properties: { seconds: i64(1, 'Seconds to sleep.', KEEP) },
    required: ['seconds'],
  },
  [CORE + 'SecurityContext']: {
    description: 'Security options for one container.',
    properties: {
      capabilities: ref(1, CORE + 'Capabilities', 'Linux capabilities to add or drop.'),
      privileged: bool(2, 'Run as privileged (root on the host, all devices).', KEEP),
      seLinuxOptions: ref(3, CORE + 'SELinuxOptions', 'SELinux context for the container.'),
      windowsOptions: ref(10, CORE + 'WindowsSecurityContextOptions', 'Windows-specific settings.'),
      runAsUser: i64(4, 'UID to run the entrypoint as.', KEEP),
      runAsGroup: i64(8, 'GID to run the entrypoint as.', KEEP),
      runAsNonRoot: bool(5, 'Refuse to start when the image would run as UID 0.', KEEP),
      readOnlyRootFilesystem: bool(6, 'Mount the root filesystem read-only.', KEEP),
      allowPrivilegeEscalation: bool(7, 'Whether a process may gain more privileges than its parent.', KEEP),
      procMount: str(9, 'Default or Unmasked /proc.', KEEP),
      seccompProfile: ref(11, CORE + 'SeccompProfile', 'Seccomp profile for the container.'),
      appArmorProfile: ref(12, CORE + 'AppArmorProfile', 'AppArmor profile for the container.'),
    },
  },
  [CORE + 'Capabilities']: {
    description: 'Linux capabilities to add and drop.',
    properties: { add: strs(1, 'Capabilities to add.'), drop: strs(2, 'Capabilities to drop.') },
  },
  [CORE + 'SELinuxOptions']: {
    description: 'SELinux labels.',
    properties: {
      user: str(1, 'SELinux user.'),
      role: str(2, 'SELinux role.'),
      type: str(3, 'SELinux type.'),
      level: str(4, 'SELinux level.'),
    },
  },
  [CORE + 'SeccompProfile']: {
    description: 'A seccomp profile.',
    properties: {
      type: str(1, 'RuntimeDefault, Unconfined or Localhost.', KEEP),
      localhostProfile: str(2, 'Profile file on the node, for Localhost.', KEEP),
    },
    required: ['type'],
  },
  [CORE + 'AppArmorProfile']: {
    description: 'An AppArmor profile.',
    properties: {
      type: str(1, 'RuntimeDefault, Unconfined or Localhost.', KEEP),
      localhostProfile: str(2, 'Profile name loaded on the node, for Localhost.', KEEP),
    },
    required: ['type'],
  },
  [CORE + 'WindowsSecurityContextOptions']: {
    description: 'Windows-specific security settings.',
    properties: {
      gmsaCredentialSpecName: str(1, 'Name of the GMSA credential spec.', KEEP),
      gmsaCredentialSpec: str(2, 'Inline GMSA credential spec.', KEEP),
      runAsUserName: str(3, 'Windows user name.', KEEP),
      hostProcess: bool(4, 'Run as a host process container.', KEEP),
    },
  },
};

