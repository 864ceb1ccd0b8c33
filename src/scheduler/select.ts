/**
 * Node selection, a pure function: filters nodes (Ready, schedulable, nodeName,
 * nodeSelector, resources fit) and scores the rest (fewest pods first).
 * The failure message follows Kubernetes' format:
 * `0/1 nodes are available: 1 Insufficient cpu.` (reasons counted, sorted).
 */
import type { Node, Pod } from '../api/types.js';
import { parseQuantity, milliValue, unitValue } from '../api/defaults/quantity.js';

/** The chosen node, or a message explaining why none fits. */
export interface Selection {
  node?: string;
  message: string;
}

function isReady(n: Node): boolean {
  return n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function requestOf(pod: Pod, resource: 'cpu' | 'memory'): bigint {
  let total = 0n;
  for (const c of pod.spec.containers) {
    const v = c.resources?.requests?.[resource];
    const q = v ? parseQuantity(v) : undefined;
    if (q) total += resource === 'cpu' ? milliValue(q) : unitValue(q);
  }
  return total;
}

function allocatable(n: Node, resource: 'cpu' | 'memory' | 'pods'): bigint | undefined {
  const v = n.status?.allocatable?.[resource];
  const q = v ? parseQuantity(v) : undefined;
  if (!q) return undefined;
  return resource === 'cpu' ? milliValue(q) : unitValue(q);
}

/** Reasons a node does not fit, as the filter plugins word them. */
export function filterNode(pod: Pod, node: Node, podsOnNode: Pod[]): string[] {
  if (pod.spec.nodeName && pod.spec.nodeName !== node.metadata.name) return ["node(s) didn't match the requested node name"];
  if (!isReady(node)) return ['node(s) were not ready'];
  if (node.spec.unschedulable) return ['node(s) were unschedulable'];
  const sel = pod.spec.nodeSelector ?? {};
  const labels = node.metadata.labels ?? {};
  if (Object.entries(sel).some(([k, v]) => labels[k] !== v)) return ["node(s) didn't match Pod's node affinity/selector"];
  const reasons: string[] = [];
  const maxPods = allocatable(node, 'pods');
  if (maxPods !== undefined && BigInt(podsOnNode.length + 1) > maxPods) reasons.push('Too many pods');
  for (const r of ['cpu', 'memory'] as const) {
    const want = requestOf(pod, r);
    if (want === 0n) continue;
    const cap = allocatable(node, r);
    if (cap === undefined) continue;
    const used = podsOnNode.reduce((s, p) => s + requestOf(p, r), 0n);
    if (used + want > cap) reasons.push(`Insufficient ${r}`);
  }
  return reasons;
}

/** Picks a node for `pod` among `nodes`; `pods` are all known pods (for usage). */
export function selectNode(pod: Pod, nodes: Node[], pods: Pod[]): Selection {
  const counts = new Map<string, number>();
  const fits: { name: string; load: number }[] = [];
  const byNode = new Map<string, Pod[]>();
  for (const p of pods) {
    if (!p.spec.nodeName || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
    byNode.set(p.spec.nodeName, [...(byNode.get(p.spec.nodeName) ?? []), p]);
  }
  for (const n of nodes) {
    const name = n.metadata.name!;
    const reasons = filterNode(pod, n, byNode.get(name) ?? []);
    if (reasons.length === 0) fits.push({ name, load: (byNode.get(name) ?? []).length });
    for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  }
  if (fits.length) {
    fits.sort((a, b) => a.load - b.load || a.name.localeCompare(b.name));
    return { node: fits[0]!.name, message: '' };
  }
  const parts = [...counts].map(([r, c]) => `${c} ${r}`).sort();
  const detail = parts.length ? ` ${parts.join(', ')}.` : '';
  const preemption = nodes.length ? ` preemption: 0/${nodes.length} nodes are available: ${nodes.length} No preemption victims found for incoming pod.` : '';
  return { message: `0/${nodes.length} nodes are available:${detail}${preemption}` };
}
