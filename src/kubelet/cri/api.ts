/**
 * The Container Runtime Interface (CRI, `runtime.v1`) as TypeScript types: the
 * subset of RuntimeService and ImageService the kubelet uses.
 *
 * Conventions (those of @grpc/proto-loader with keepCase=false, longs=Number,
 * enums=String, defaults=true): message fields are the proto names in lowerCamelCase,
 * int64 fields are JS numbers, enums are their proto value names as strings, bytes
 * are Buffers. Timestamps (`createdAt`, `startedAt`, `finishedAt`) are int64
 * nanoseconds since the Unix epoch. Every call takes an optional AbortSignal.
 * Errors are thrown as `CriError` with the gRPC status code.
 */

export type PodSandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
export type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';
export type NamespaceMode = 'POD' | 'CONTAINER' | 'NODE' | 'TARGET';
export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** gRPC failure from the runtime. `code` is the gRPC status code (5 NOT_FOUND, 12 UNIMPLEMENTED, ...). */
export class CriError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
    this.name = 'CriError';
  }
}

export interface PodSandboxMetadata { name: string; uid: string; namespace: string; attempt: number }
export interface ContainerMetadata { name: string; attempt: number }
export interface KeyValue { key: string; value: string }
export interface PortMapping { protocol: Protocol; containerPort: number; hostPort: number; hostIp: string }
export interface DNSConfig { servers: string[]; searches: string[]; options: string[] }
export interface NamespaceOption { network?: NamespaceMode; pid?: NamespaceMode; ipc?: NamespaceMode; targetId?: string }
export interface Int64Value { value: number }

export interface LinuxSandboxSecurityContext {
  namespaceOptions?: NamespaceOption;
  runAsUser?: Int64Value;
  readonlyRootfs?: boolean;
  privileged?: boolean;
}

export interface LinuxPodSandboxConfig {
  cgroupParent?: string;
  securityContext?: LinuxSandboxSecurityContext;
  sysctls?: Record<string, string>;
}

export interface PodSandboxConfig {
  metadata: PodSandboxMetadata;
  hostname?: string;
  /** Directory for the containers' CRI log files (`<logDirectory>/<container.logPath>`). */
  logDirectory?: string;
  dnsConfig?: DNSConfig;
  portMappings?: PortMapping[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  linux?: LinuxPodSandboxConfig;
}

export interface PodSandboxNetworkStatus { ip: string; additionalIps?: { ip: string }[] }

export interface PodSandboxStatus {
  id: string;
  metadata: PodSandboxMetadata;
  state: PodSandboxState;
  createdAt: number;
  network?: PodSandboxNetworkStatus;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  runtimeHandler?: string;
}

export interface PodSandbox {
  id: string;
  metadata: PodSandboxMetadata;
  state: PodSandboxState;
  createdAt: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  runtimeHandler?: string;
}

export interface PodSandboxFilter {
  id?: string;
  state?: { state: PodSandboxState };
  labelSelector?: Record<string, string>;
}

export interface ImageSpec { image: string; annotations?: Record<string, string> }

export interface Mount {
  containerPath: string;
  hostPath: string;
  readonly?: boolean;
  selinuxRelabel?: boolean;
  propagation?: 'PROPAGATION_PRIVATE' | 'PROPAGATION_HOST_TO_CONTAINER' | 'PROPAGATION_BIDIRECTIONAL';
}

export interface LinuxContainerResources {
  cpuPeriod?: number;
  cpuQuota?: number;
  cpuShares?: number;
  /** Bytes. */
  memoryLimitInBytes?: number;
  oomScoreAdj?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
}

export interface LinuxContainerSecurityContext {
  namespaceOptions?: NamespaceOption;
  privileged?: boolean;
  runAsUser?: Int64Value;
  readonlyRootfs?: boolean;
  noNewPrivs?: boolean;
  capabilities?: { addCapabilities?: string[]; dropCapabilities?: string[] };
}

export interface LinuxContainerConfig {
  resources?: LinuxContainerResources;
  securityContext?: LinuxContainerSecurityContext;
}

export interface ContainerConfig {
  metadata: ContainerMetadata;
  image: ImageSpec;
  /** Overrides the image ENTRYPOINT when non-empty (the runtime merges with the image config). */
  command?: string[];
  /** Overrides the image CMD when non-empty. */
  args?: string[];
  workingDir?: string;
  envs?: KeyValue[];
  mounts?: Mount[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Relative to the sandbox's logDirectory. */
  logPath?: string;
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
  linux?: LinuxContainerConfig;
}

export interface ContainerStatus {
  id: string;
  metadata: ContainerMetadata;
  state: ContainerState;
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  image: ImageSpec;
  imageRef: string;
  reason: string;
  message: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  mounts: Mount[];
  /** Absolute path of the CRI log file. */
  logPath: string;
}

export interface Container {
  id: string;
  podSandboxId: string;
  metadata: ContainerMetadata;
  image: ImageSpec;
  imageRef: string;
  state: ContainerState;
  createdAt: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface ContainerFilter {
  id?: string;
  state?: { state: ContainerState };
  podSandboxId?: string;
  labelSelector?: Record<string, string>;
}

export interface RuntimeCondition { type: string; status: boolean; reason: string; message: string }

export interface VersionResponse { version: string; runtimeName: string; runtimeVersion: string; runtimeApiVersion: string }

export interface ExecSyncResponse { stdout: Buffer; stderr: Buffer; exitCode: number }

export interface StreamRequest { containerId: string; stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }

/** The runtime half of the CRI. */
export interface RuntimeService {
  version(signal?: AbortSignal): Promise<VersionResponse>;
  /** Runtime conditions (`RuntimeReady`, `NetworkReady`). */
  status(signal?: AbortSignal): Promise<{ conditions: RuntimeCondition[] }>;
  runPodSandbox(config: PodSandboxConfig, runtimeHandler?: string, signal?: AbortSignal): Promise<string>;
  stopPodSandbox(podSandboxId: string, signal?: AbortSignal): Promise<void>;
  removePodSandbox(podSandboxId: string, signal?: AbortSignal): Promise<void>;
  podSandboxStatus(podSandboxId: string, signal?: AbortSignal): Promise<PodSandboxStatus>;
  listPodSandbox(filter?: PodSandboxFilter, signal?: AbortSignal): Promise<PodSandbox[]>;
  createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig, signal?: AbortSignal): Promise<string>;
  startContainer(containerId: string, signal?: AbortSignal): Promise<void>;
  /** SIGTERM, then SIGKILL after `timeoutSeconds` (0 = kill at once). */
  stopContainer(containerId: string, timeoutSeconds: number, signal?: AbortSignal): Promise<void>;
  removeContainer(containerId: string, signal?: AbortSignal): Promise<void>;
  listContainers(filter?: ContainerFilter, signal?: AbortSignal): Promise<Container[]>;
  containerStatus(containerId: string, signal?: AbortSignal): Promise<ContainerStatus>;
  /** Runs a command to completion; `timeoutSeconds` 0 = no timeout. */
  execSync(containerId: string, cmd: string[], timeoutSeconds: number, signal?: AbortSignal): Promise<ExecSyncResponse>;
  /** Returns the single-use streaming URL for an exec session. */
  exec(req: StreamRequest & { cmd: string[] }, signal?: AbortSignal): Promise<string>;
  /** Returns the single-use streaming URL for an attach session. */
  attach(req: StreamRequest, signal?: AbortSignal): Promise<string>;
  /** Returns the single-use streaming URL for port forwarding into the sandbox. */
  portForward(podSandboxId: string, ports: number[], signal?: AbortSignal): Promise<string>;
  reopenContainerLog(containerId: string, signal?: AbortSignal): Promise<void>;
}

export interface Image {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  /** Bytes. */
  size: number;
}

/** The image half of the CRI. */
export interface ImageService {
  listImages(filter?: { image?: ImageSpec }, signal?: AbortSignal): Promise<Image[]>;
  /** Undefined when the image is not present. */
  imageStatus(image: ImageSpec, signal?: AbortSignal): Promise<Image | undefined>;
  /** Pulls and returns the image reference (`sha256:...`). */
  pullImage(image: ImageSpec, sandboxConfig?: PodSandboxConfig, signal?: AbortSignal): Promise<string>;
  removeImage(image: ImageSpec, signal?: AbortSignal): Promise<void>;
}
