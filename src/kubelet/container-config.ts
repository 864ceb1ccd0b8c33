/**
 * Builds the CRI configs for a pod's sandbox and containers
 * (kuberuntime_sandbox.go generatePodSandboxConfig, kuberuntime_container.go
 * generateContainerConfig): metadata, labels the kubelet later finds them by, log
 * paths, port mappings, namespaces and cgroup resources.
 */
import { join } from 'node:path';
import type { Container, EnvVar, Pod } from '../api/types.js';
import type { ContainerConfig, KeyValue, LinuxContainerResources, PodSandboxConfig, PortMapping } from './cri/api.js';
import { hashContainer, normalizeImage } from './podutil.js';
import { milliCPU, bytesOf } from './quantity.js';
import {
  ANNOTATION_GRACE, ANNOTATION_HASH, ANNOTATION_RESTART_COUNT, LABEL_CONTAINER_NAME, LABEL_POD_NAME, LABEL_POD_NAMESPACE, LABEL_POD_UID,
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

/** Values the downward API (`valueFrom.fieldRef`) can resolve. */
export interface DownwardValues {
  podIP: string;
  hostIP: string;
  nodeName: string;
}

function fieldRefValue(pod: Pod, path: string, dv: DownwardValues): string | undefined {
  switch (path) {
    case 'metadata.name': return pod.metadata.name;
    case 'metadata.namespace': return pod.metadata.namespace;
    case 'metadata.uid': return pod.metadata.uid;
    case 'spec.nodeName': return pod.spec.nodeName ?? dv.nodeName;
    case 'spec.serviceAccountName': return pod.spec.serviceAccountName;
    case 'status.podIP': case 'status.podIPs': return dv.podIP;
    case 'status.hostIP': case 'status.hostIPs': return dv.hostIP;
    default: {
      const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
      if (m) return (m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[m[2]!];
      return undefined;
    }
  }
}

/** Expands `$(VAR)` references (`$$` escapes), as Kubernetes' expansion.Expand; unknown references stay as written. */
export function expandVars(s: string, env: ReadonlyMap<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    return name !== undefined && env.has(name) ? env.get(name)! : m;
  });
}

/** The container's environment with `$(VAR)` expansion and simple downward-API fieldRefs. */
export function containerEnv(pod: Pod, c: Container, dv: DownwardValues): KeyValue[] {
  const env = new Map<string, string>();
  for (const e of (c.env ?? []) as EnvVar[]) {
    let value = e.value !== undefined ? expandVars(e.value, env) : '';
    const fieldRef = (e.valueFrom as { fieldRef?: { fieldPath?: string } } | undefined)?.fieldRef?.fieldPath;
    if (fieldRef) value = fieldRefValue(pod, fieldRef, dv) ?? '';
    env.set(e.name, value);
  }
  return [...env].map(([key, value]) => ({ key, value }));
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

/** The CreateContainer config for `c` as instance `restartCount`. */
export function containerConfig(pod: Pod, c: Container, restartCount: number, dv: DownwardValues): ContainerConfig {
  const env = containerEnv(pod, c, dv);
  const envMap = new Map(env.map((e) => [e.key, e.value]));
  const sc = (c.securityContext ?? {}) as { privileged?: boolean; runAsUser?: number; readOnlyRootFilesystem?: boolean; capabilities?: { add?: string[]; drop?: string[] } };
  const shareProcess = !!pod.spec.shareProcessNamespace;
  return {
    metadata: { name: c.name, attempt: restartCount },
    image: { image: normalizeImage(c.image ?? '') },
    command: (c.command ?? []).map((s) => expandVars(s, envMap)),
    args: (c.args ?? []).map((s) => expandVars(s, envMap)),
    workingDir: c.workingDir ?? '',
    envs: env,
    labels: { ...podLabelsFor(pod), [LABEL_CONTAINER_NAME]: c.name },
    annotations: {
      [ANNOTATION_RESTART_COUNT]: String(restartCount),
      [ANNOTATION_HASH]: hashContainer(c),
      [ANNOTATION_GRACE]: String(pod.spec.terminationGracePeriodSeconds ?? 30),
      'io.kubernetes.container.terminationMessagePath': c.terminationMessagePath ?? '/dev/termination-log',
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
