/** NodeAffinity: spec.nodeSelector and required/preferred node affinity terms. */
import type { Node, Pod } from '../../api/types.js';
import { OK, unschedulable, type FilterPlugin, type NodeInfo, type ScorePlugin, type Status } from '../framework.js';

interface Requirement { key: string; operator: string; values?: string[] }
interface Term { matchExpressions?: Requirement[]; matchFields?: Requirement[] }

function matchReq(r: Requirement, value: string | undefined): boolean {
  const vals = r.values ?? [];
  switch (r.operator) {
    case 'In': return value !== undefined && vals.includes(value);
    case 'NotIn': return value === undefined || !vals.includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    case 'Gt': return value !== undefined && Number(value) > Number(vals[0]);
    case 'Lt': return value !== undefined && Number(value) < Number(vals[0]);
    default: return false;
  }
}

/** True when the node matches a NodeSelectorTerm (all expressions and fields). An empty term matches nothing. */
export function matchTerm(term: Term, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (!exprs.length && !fields.length) return false;
  const labels = node.metadata.labels ?? {};
  return exprs.every((r) => matchReq(r, labels[r.key])) && fields.every((r) => matchReq(r, r.key === 'metadata.name' ? node.metadata.name : undefined));
}

function affinity(pod: Pod): { required?: { nodeSelectorTerms?: Term[] }; preferred?: { weight: number; preference: Term }[] } {
  const na = (pod.spec.affinity as { nodeAffinity?: Record<string, unknown> } | undefined)?.nodeAffinity ?? {};
  return {
    required: na.requiredDuringSchedulingIgnoredDuringExecution as { nodeSelectorTerms?: Term[] } | undefined,
    preferred: na.preferredDuringSchedulingIgnoredDuringExecution as { weight: number; preference: Term }[] | undefined,
  };
}

/** NodeAffinity: nodeSelector and required terms filter; preferred terms score (weight-normalised to 0–100). */
export const nodeAffinity: FilterPlugin & ScorePlugin = {
  name: 'NodeAffinity',
  weight: 2,
  filter(pod: Pod, ni: NodeInfo): Status {
    const labels = ni.node.metadata.labels ?? {};
    const sel = pod.spec.nodeSelector ?? {};
    const selOk = Object.entries(sel).every(([k, v]) => labels[k] === v);
    const terms = affinity(pod).required?.nodeSelectorTerms;
    const affOk = !terms || terms.some((t) => matchTerm(t, ni.node));
    return selOk && affOk ? OK : unschedulable("node(s) didn't match Pod's node affinity/selector", true);
  },
  score(pod: Pod, ni: NodeInfo, all: NodeInfo[]): number {
    const prefs = affinity(pod).preferred ?? [];
    if (!prefs.length) return 0;
    const raw = (n: NodeInfo) => prefs.reduce((s, p) => s + (matchTerm(p.preference, n.node) ? p.weight : 0), 0);
    const best = Math.max(...all.map(raw));
    return best > 0 ? Math.round((raw(ni) * 100) / best) : 0;
  },
};
