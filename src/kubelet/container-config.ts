/**
 * Builds the CRI configs for a pod's sandbox and containers
 * (kuberuntime_sandbox.go generatePodSandboxConfig, kuberuntime_container.go
 * generateContainerConfig): metadata, labels the kubelet later finds them by, log
 * paths, port mappings, namespaces and cgroup resources.
 */
import { join } from 'node:path';
import type { Container, Pod } from '../api/types.js';
import type { ContainerConfig, KeyValue, LinuxContainerResources, PodSandboxConfig, PortMapping } from './cri/api.js';
import { makeEnvironment, type DownwardValues } from './env.js';
import { expandWith } from './expansion.js';
import { hashContainer, normalizeImage } from './podutil.js';
import { milliCPU, bytesOf } from './quantity.js';
import {
  ANNOTATION_GRACE, ANNOTATION_HASH, ANNOTATION_RESTART_COUNT, ANNOTATION_TERMINATION_MESSAGE_PATH, ANNOTATION_TERMINATION_MESSAGE_POLICY, LABEL_CONTAINER_NAME, LABEL_POD_NAME, LABEL_POD_NAMESPACE, LABEL_POD_UID,
} from './runtime-state.js';

/** `<podLogsDir>/<namespace>_<name>_<uid>`, the pod's CRI log directory. */
export function podLogDirectory(podLogsDir: string, pod: Pod): string {
  return join(podLogsDir, `${pod.metadata.namespace ?? 'default'}_${pod.metadata.name ?? ''}_${pod.metadata.uid ?? ''}`);
}

/** `/kubepods/pod<uid>`, the pod cgroup (cgroupfs driver). */
export function podCgroupParent(uid: string): string {
  return `/kubepods/pod${uid}`;
}

function podLabels(pod: Pod): Record<string, string> {
  return {
    [LABEL_POD_NAME]: pod.metadata.name ?? '',
    [LABEL_POD_NAMESPACE]: pod.metadata.namespace ?? 'default',
    [LABEL_POD_UID]: pod.metadata.uid ?? '',
  };
}

/** Host port mappings of every container port with a hostPort. */
export function portMappings(pod: Pod): PortMapping[] {
  const out: PortMapping[] = [];
  for (const c of pod.spec.containers) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      out.push({ protocol: p.protocol ?? 'TCP', containerPort: p.containerPort, hostPort: p.hostPort, hostIp: p.hostIP ?? '' });
    }
  }
  return out;
}

/** The RunPodSandbox config of `pod` for sandbox attempt `attempt`. */
export function sandboxConfig(pod: Pod, attempt: number, podLogsDir: string): PodSandboxConfig {
  const hostNetwork = !!pod.spec.hostNetwork;
  const sc = (pod.spec.securityContext ?? {}) as { sysctls?: { name: string; value: string }[] };
  const sysctls: Record<string, string> = {};
  for (const s of sc.sysctls ?? []) sysctls[s.name] = s.value;
  return {
    metadata: { name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '', namespace: pod.metadata.namespace ?? 'default', attempt },
    hostname: hostNetwork ? '' : (pod.spec.hostname ?? pod.metadata.name ?? '').slice(0, 63),
    logDirectory: podLogDirectory(podLogsDir, pod),
    portMappings: portMappings(pod),
    labels: { ...(pod.metadata.labels ?? {}), ...podLabels(pod) },
    annotations: { ...(pod.metadata.annotations ?? {}) },
    linux: {
      cgroupParent: podCgroupParent(pod.metadata.uid ?? ''),
      securityContext: {
        namespaceOptions: {
          network: hostNetwork ? 'NODE' : 'POD',
          pid: pod.spec.hostPID ? 'NODE' : 'CONTAINER',
          ipc: pod.spec.hostIPC ? 'NODE' : 'POD',
        },
      },
      sysctls,
    },
  };
}

export type { DownwardValues } from './env.js';

/**
 * The container's environment from literal values and downward-API references only
 * (no ConfigMaps/Secrets available); see makeEnvironment for the full version.
 */
export function containerEnv(pod: Pod, c: Container, dv: DownwardValues): KeyValue[] {
  const none = { configMap: () => undefined, secret: () => undefined };
  return makeEnvironment(pod, c, none, dv).env;
}

/** cgroup resources from requests/limits: memory limit in bytes, CPU quota/period from the limit, shares from the request. */
export function containerResources(c: Container): LinuxContainerResources {
  const limits = c.resources?.limits ?? {};
  const requests = c.resources?.requests ?? {};
  const out: LinuxContainerResources = {};
  const cpuReq = requests.cpu ?? limits.cpu;
  const reqMilli = cpuReq !== undefined ? milliCPU(cpuReq) : 0;
  out.cpuShares = Math.max(2, Math.floor((reqMilli * 1024) / 1000));
  if (limits.cpu !== undefined) {
    const m = milliCPU(limits.cpu);
    out.cpuPeriod = 100_000;
    out.cpuQuota = Math.max(1000, Math.floor((m * 100_000) / 1000));
  }
  if (limits.memory !== undefined) out.memoryLimitInBytes = bytesOf(limits.memory);
  return out;
}

/**
 * The CreateContainer config for `c` as instance `restartCount`. `env` is the
 * container's environment (makeEnvironment; default: literal and downward values);
 * command and args get `$(VAR)` expansion against it.
 */
export function containerConfig(pod: Pod, c: Container, restartCount: number, dv: DownwardValues, env: KeyValue[] = containerEnv(pod, c, dv)): ContainerConfig {
  const envMap = new Map(env.map((e) => [e.key, e.value]));
  const sc = (c.securityContext ?? {}) as { privileged?: boolean; runAsUser?: number; readOnlyRootFilesystem?: boolean; capabilities?: { add?: string[]; drop?: string[] } };
  const shareProcess = !!pod.spec.shareProcessNamespace;
  return {
    metadata: { name: c.name, attempt: restartCount },
    image: { image: normalizeImage(c.image ?? '') },
    command: (c.command ?? []).map((s) => expandWith(s, envMap)),
    args: (c.args ?? []).map((s) => expandWith(s, envMap)),
    workingDir: c.workingDir ?? '',
    envs: env,
    labels: { ...podLabelsFor(pod), [LABEL_CONTAINER_NAME]: c.name },
    annotations: {
      [ANNOTATION_RESTART_COUNT]: String(restartCount),
      [ANNOTATION_HASH]: hashContainer(c),
      [ANNOTATION_GRACE]: String(pod.spec.terminationGracePeriodSeconds ?? 30),
      [ANNOTATION_TERMINATION_MESSAGE_PATH]: c.terminationMessagePath ?? '/dev/termination-log',
      [ANNOTATION_TERMINATION_MESSAGE_POLICY]: c.terminationMessagePolicy ?? 'File',
    },
    logPath: `${c.name}/${restartCount}.log`,
    stdin: !!c.stdin,
    stdinOnce: !!c.stdinOnce,
    tty: !!c.tty,
    linux: {
      resources: containerResources(c),
      securityContext: {
        namespaceOptions: {
          network: pod.spec.hostNetwork ? 'NODE' : 'POD',
          pid: pod.spec.hostPID ? 'NODE' : shareProcess ? 'POD' : 'CONTAINER',
          ipc: pod.spec.hostIPC ? 'NODE' : 'POD',
        },
        privileged: !!sc.privileged,
        ...(sc.runAsUser !== undefined ? { runAsUser: { value: sc.runAsUser } } : {}),
        readonlyRootfs: !!sc.readOnlyRootFilesystem,
        ...(sc.capabilities ? { capabilities: { addCapabilities: sc.capabilities.add ?? [], dropCapabilities: sc.capabilities.drop ?? [] } } : {}),
      },
    },
  };
}

function podLabelsFor(pod: Pod): Record<string, string> {
  return podLabels(pod);
}
