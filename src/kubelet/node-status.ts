/**
 * Node registration and status (kubelet_node_status.go): capacity and allocatable
 * from the machine, addresses, nodeInfo, labels, conditions; written through the
 * nodes/status subresource.
 */
import { readFileSync, statfsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import type { Node, NodeCondition, NodeStatus } from '../api/types.js';
import { StatusError } from '../api/errors.js';
import { Resources, type ApiClient } from '../client/types.js';
import { rfc3339, type Clock } from '../machinery/clock.js';
import type { Image } from './cri/api.js';

/** Facts about this machine used in the Node object. Memory and storage in bytes. */
export interface MachineInfo {
  cpuCores: number;
  memoryBytes: number;
  ephemeralStorageBytes: number;
  kernelVersion: string;
  osImage: string;
  machineID: string;
  systemUUID: string;
  bootID: string;
  architecture: string;
  hostname: string;
}

function readTrim(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Go's GOARCH name of this machine (`amd64`, `arm64`, ...). */
export function goArch(arch: string = process.arch): string {
  return ({ x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[arch] ?? arch;
}

/** Reads the machine facts: cores, MemTotal from /proc/meminfo, statfs of `dataDir`, /etc/os-release. */
export function readMachineInfo(dataDir: string): MachineInfo {
  const meminfo = readTrim('/proc/meminfo');
  const memKb = Number(/^MemTotal:\s+(\d+)\s*kB/m.exec(meminfo)?.[1] ?? Math.floor(os.totalmem() / 1024));
  let storage = 0;
  try {
    mkdirSync(dataDir, { recursive: true });
    const st = statfsSync(dataDir);
    storage = st.blocks * st.bsize;
  } catch {
    storage = 0;
  }
  const osRelease = readTrim('/etc/os-release');
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osRelease)?.[1] ?? 'Linux';
  return {
    cpuCores: os.cpus().length || 1,
    memoryBytes: memKb * 1024,
    ephemeralStorageBytes: storage,
    kernelVersion: os.release(),
    osImage: pretty,
    machineID: readTrim('/etc/machine-id'),
    systemUUID: readTrim('/sys/class/dmi/id/product_uuid'),
    bootID: readTrim('/proc/sys/kernel/random/boot_id'),
    architecture: goArch(),
    hostname: os.hostname(),
  };
}

/** Reserve subtracted for allocatable: the kubelet's default hard eviction thresholds (memory 100Mi, 10% of storage). */
const MEMORY_RESERVE = 100 * 1024 * 1024;

const ki = (bytes: number): string => `${Math.floor(bytes / 1024)}Ki`;

/** Capacity and allocatable quantity maps. */
export function nodeResources(m: MachineInfo): { capacity: Record<string, string>; allocatable: Record<string, string> } {
  const capacity = {
    cpu: String(m.cpuCores),
    'ephemeral-storage': ki(m.ephemeralStorageBytes),
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: ki(m.memoryBytes),
    pods: '110',
  };
  const allocatable = {
    ...capacity,
    'ephemeral-storage': String(Math.floor(m.ephemeralStorageBytes * 0.9)),
    memory: ki(Math.max(0, m.memoryBytes - MEMORY_RESERVE)),
  };
  return { capacity, allocatable };
}

/** Options of a Node object. */
export interface NodeOptions {
  nodeName: string;
  nodeIP: string;
  podCIDR: string;
  kubeletPort: number;
}

/**
 * The labels a kubelet puts on its Node. No role label: the server marks its own node
 * `node-role.kubernetes.io/control-plane` (platform/bootstrap.ts), as kubeadm does; workers have none.
 */
export function nodeLabels(o: NodeOptions, m: MachineInfo): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': m.architecture,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': m.architecture,
    'kubernetes.io/hostname': o.nodeName,
    'kubernetes.io/os': 'linux',
  };
}

/** The Node object to register. */
export function initialNode(o: NodeOptions, m: MachineInfo): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: o.nodeName,
      labels: nodeLabels(o, m),
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: { podCIDR: o.podCIDR, podCIDRs: [o.podCIDR] },
  };
}

const CONDITIONS: [string, 'True' | 'False', string, string][] = [
  ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
  ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
  ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
  ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
];

/** The node status at `now`, keeping transition times of unchanged conditions from `old`. */
export function buildNodeStatus(o: NodeOptions, m: MachineInfo, images: Image[], now: Date, old?: NodeStatus): NodeStatus {
  const { capacity, allocatable } = nodeResources(m);
  const conditions: NodeCondition[] = CONDITIONS.map(([type, status, reason, message]) => {
    const prev = old?.conditions?.find((c) => c.type === type);
    return {
      type, status, lastHeartbeatTime: rfc3339(now),
      lastTransitionTime: prev && prev.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : rfc3339(now),
      reason, message,
    };
  });
  return {
    capacity,
    allocatable,
    conditions,
    addresses: [{ type: 'InternalIP', address: o.nodeIP }, { type: 'Hostname', address: o.nodeName }],
    daemonEndpoints: { kubeletEndpoint: { Port: o.kubeletPort } },
    nodeInfo: {
      machineID: m.machineID, systemUUID: m.systemUUID, bootID: m.bootID, kernelVersion: m.kernelVersion, osImage: m.osImage,
      containerRuntimeVersion: 'containerd://1.6.20', kubeletVersion: 'v1.32.0', kubeProxyVersion: '', operatingSystem: 'linux', architecture: m.architecture,
    },
    images: images
      .map((i) => ({ names: [...i.repoDigests, ...i.repoTags], sizeBytes: i.size }))
      .filter((i) => i.names.length > 0)
      .sort((a, b) => b.sizeBytes - a.sizeBytes)
      .slice(0, 50),
  };
}

/** Registers the Node if missing (keeping labels/podCIDR current) and writes its status; retries 409 once by re-reading. */
export async function syncNodeStatus(client: ApiClient, o: NodeOptions, m: MachineInfo, images: Image[], clock: Clock, signal?: AbortSignal): Promise<Node> {
  const ref = Resources.nodes();
  let node: Node;
  try {
    node = await client.get<Node>(ref, o.nodeName, signal);
  } catch (err) {
    if (!(err instanceof StatusError) || err.code !== 404) throw err;
    try {
      node = await client.create<Node>(ref, initialNode(o, m), {}, signal);
    } catch (e) {
      if (!(e instanceof StatusError) || e.code !== 409) throw e;
      node = await client.get<Node>(ref, o.nodeName, signal);
    }
  }
  const wantLabels = nodeLabels(o, m);
  const labels = node.metadata.labels ?? {};
  if (Object.entries(wantLabels).some(([k, v]) => labels[k] !== v) || !node.spec?.podCIDR) {
    node = await client.update<Node>(ref, {
      ...node,
      metadata: { ...node.metadata, labels: { ...labels, ...wantLabels } },
      spec: { ...(node.spec ?? {}), podCIDR: node.spec?.podCIDR || o.podCIDR, podCIDRs: node.spec?.podCIDRs?.length ? node.spec.podCIDRs : [o.podCIDR] },
    }, {}, signal);
  }
  for (let i = 0; ; i++) {
    const status = buildNodeStatus(o, m, images, clock.now(), node.status);
    try {
      return await client.update<Node>(ref, { ...node, status: { ...(node.status ?? {}), ...status } }, { subresource: 'status' }, signal);
    } catch (err) {
      if (!(err instanceof StatusError) || err.code !== 409 || i >= 2) throw err;
      node = await client.get<Node>(ref, o.nodeName, signal);
    }
  }
}
