/**
 * One scheduling cycle as a pure function: run every Filter plugin on every
 * node, score the feasible ones, pick the best (ties by name). On failure,
 * build kube-scheduler's FitError message, including the preemption
 * post-filter's summary, e.g.
 * `0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.`
 */
import type { Node, Pod } from '../api/types.js';
import { Code, type NodeInfo, type Profile } from './framework.js';
import { nodeName, nodeUnschedulable, taintToleration } from './plugins/basic.js';
import { nodeAffinity } from './plugins/nodeaffinity.js';
import { nodeResourcesFit, selectorSpread } from './plugins/resourcesfit.js';
import { buildNodeInfos } from './resources.js';

/** The default profile, in kube-scheduler's plugin order. */
export const DEFAULT_PROFILE: Profile = {
  filters: [nodeUnschedulable, nodeName, taintToleration, nodeAffinity, nodeResourcesFit],
  scores: [taintToleration, nodeAffinity, nodeResourcesFit, selectorSpread],
};

/** The chosen node, or the FailedScheduling message. */
export interface Selection {
  node?: string;
  message: string;
}

function countStrings(m: Map<string, number>): string[] {
  return [...m].map(([r, c]) => `${c} ${r}`).sort();
}

/** FitError text: reasons counted per node and sorted, then the preemption summary. */
export function fitErrorMessage(total: number, failures: { code: Code; reasons: string[] }[]): string {
  if (total === 0) return 'no nodes available to schedule pods';
  const reasons = new Map<string, number>();
  const preemption = new Map<string, number>();
  for (const f of failures) {
    for (const r of new Set(f.reasons)) reasons.set(r, (reasons.get(r) ?? 0) + 1);
    const p = f.code === Code.UnschedulableAndUnresolvable ? 'Preemption is not helpful for scheduling' : 'No preemption victims found for incoming pod';
    preemption.set(p, (preemption.get(p) ?? 0) + 1);
  }
  return `0/${total} nodes are available: ${countStrings(reasons).join(', ')}. preemption: 0/${total} nodes are available: ${countStrings(preemption).join(', ')}.`;
}

/** Filters a node: the first failing plugin's status (kube-scheduler stops at the first failure). */
function filterNode(pod: Pod, ni: NodeInfo, profile: Profile): { code: Code; reasons: string[] } {
  for (const f of profile.filters) {
    const st = f.filter(pod, ni);
    if (st.code !== Code.Success) return st;
  }
  return { code: Code.Success, reasons: [] };
}

/** Picks a node for `pod`; `pods` are all known pods (to account for requests). */
export function selectNode(pod: Pod, nodes: Node[], pods: Pod[], profile: Profile = DEFAULT_PROFILE): Selection {
  const infos = buildNodeInfos(nodes, pods);
  const feasible: NodeInfo[] = [];
  const failures: { code: Code; reasons: string[] }[] = [];
  for (const ni of infos) {
    const st = filterNode(pod, ni, profile);
    if (st.code === Code.Success) feasible.push(ni);
    else failures.push(st);
  }
  if (!feasible.length) return { message: fitErrorMessage(infos.length, failures) };
  let best: { name: string; score: number } | undefined;
  for (const ni of feasible) {
    const score = profile.scores.reduce((s, p) => s + p.weight * p.score(pod, ni, feasible), 0);
    const name = ni.node.metadata.name ?? '';
    if (!best || score > best.score || (score === best.score && name < best.name)) best = { name, score };
  }
  return { node: best!.name, message: '' };
}
