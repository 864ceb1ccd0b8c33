/** Pod requests and node allocatable as exact integers (millicores, bytes, counts). */
import type { Container, Node, Pod } from '../api/types.js';
import { milliValue, parseQuantity, unitValue } from '../api/defaults/quantity.js';
import type { NodeInfo, Resources } from './framework.js';

/** Zero resources. */
export function zero(): Resources {
  return { milliCPU: 0n, memory: 0n, ephemeralStorage: 0n, pods: 0n };
}

function q(v: string | undefined, milli: boolean): bigint {
  const p = v === undefined ? undefined : parseQuantity(String(v));
  if (!p) return 0n;
  return milli ? milliValue(p) : unitValue(p);
}

function containerRequests(c: Container): Resources {
  const r = c.resources?.requests ?? {};
  return { milliCPU: q(r.cpu, true), memory: q(r.memory, false), ephemeralStorage: q(r['ephemeral-storage'], false), pods: 0n };
}

function add(a: Resources, b: Resources): Resources {
  return { milliCPU: a.milliCPU + b.milliCPU, memory: a.memory + b.memory, ephemeralStorage: a.ephemeralStorage + b.ephemeralStorage, pods: a.pods + b.pods };
}

function max(a: Resources, b: Resources): Resources {
  const m = (x: bigint, y: bigint) => (x > y ? x : y);
  return { milliCPU: m(a.milliCPU, b.milliCPU), memory: m(a.memory, b.memory), ephemeralStorage: m(a.ephemeralStorage, b.ephemeralStorage), pods: m(a.pods, b.pods) };
}

/**
 * The pod's effective request (Kubernetes' PodRequests): the sum over app containers
 * and restartable (sidecar) init containers, or the largest single init container
 * if that is bigger. `pods` is 1.
 */
export function podRequests(pod: Pod): Resources {
  let apps = zero();
  let sidecars = zero();
  let initMax = zero();
  for (const c of pod.spec.containers ?? []) apps = add(apps, containerRequests(c));
  for (const c of pod.spec.initContainers ?? []) {
    const r = containerRequests(c);
    if (c.restartPolicy === 'Always') {
      sidecars = add(sidecars, r);
      initMax = max(initMax, sidecars);
    } else {
      initMax = max(initMax, add(sidecars, r));
    }
  }
  return { ...max(add(apps, sidecars), initMax), pods: 1n };
}

/** The node's allocatable resources (capacity when allocatable is absent). */
export function nodeAllocatable(node: Node): Resources {
  const a = node.status?.allocatable ?? node.status?.capacity ?? {};
  return { milliCPU: q(a.cpu, true), memory: q(a.memory, false), ephemeralStorage: q(a['ephemeral-storage'], false), pods: q(a.pods, false) };
}

/** Builds NodeInfos from nodes and all known pods (terminal pods do not count). */
export function buildNodeInfos(nodes: Node[], pods: Pod[]): NodeInfo[] {
  const byNode = new Map<string, Pod[]>();
  for (const p of pods) {
    const n = p.spec.nodeName;
    if (!n || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
    byNode.set(n, [...(byNode.get(n) ?? []), p]);
  }
  return nodes.map((node) => {
    const ps = byNode.get(node.metadata.name ?? '') ?? [];
    return { node, pods: ps, requested: ps.reduce((s, p) => add(s, podRequests(p)), zero()), allocatable: nodeAllocatable(node) };
  });
}
