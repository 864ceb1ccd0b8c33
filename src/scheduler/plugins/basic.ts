/**
 * Filter plugins NodeName, NodeUnschedulable and TaintToleration (with its
 * PreferNoSchedule score), worded as kube-scheduler's.
 */
import type { Pod, Taint, Toleration } from '../../api/types.js';
import { OK, unschedulable, type FilterPlugin, type NodeInfo, type ScorePlugin, type Status } from '../framework.js';

/** NodeName: a pod with spec.nodeName only fits that node. */
export const nodeName: FilterPlugin = {
  name: 'NodeName',
  filter(pod: Pod, ni: NodeInfo): Status {
    if (!pod.spec.nodeName || pod.spec.nodeName === ni.node.metadata.name) return OK;
    return unschedulable("node(s) didn't match the requested node name", true);
  },
};

/** True when `t` tolerates `taint` (Kubernetes' Toleration.ToleratesTaint). */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (!t.key && t.operator !== 'Exists') return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

/** NodeUnschedulable: cordoned nodes only take pods tolerating node.kubernetes.io/unschedulable. */
export const nodeUnschedulable: FilterPlugin = {
  name: 'NodeUnschedulable',
  filter(pod: Pod, ni: NodeInfo): Status {
    if (!ni.node.spec.unschedulable) return OK;
    const taint: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };
    if ((pod.spec.tolerations ?? []).some((t) => tolerates(t, taint))) return OK;
    return unschedulable('node(s) were unschedulable', true);
  },
};

function isReady(ni: NodeInfo): boolean {
  return ni.node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/**
 * The node's taints as the scheduler sees them: its own, plus the not-ready
 * NoSchedule taint the node lifecycle controller puts on a node that is not Ready.
 */
export function effectiveTaints(ni: NodeInfo): Taint[] {
  const taints = [...(ni.node.spec.taints ?? [])];
  if (!isReady(ni) && !taints.some((t) => t.key.startsWith('node.kubernetes.io/not-ready') || t.key.startsWith('node.kubernetes.io/unreachable'))) {
    taints.push({ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' });
  }
  return taints;
}

/** TaintToleration filter: every NoSchedule/NoExecute taint must be tolerated. */
export const taintToleration: FilterPlugin & ScorePlugin = {
  name: 'TaintToleration',
  weight: 3,
  filter(pod: Pod, ni: NodeInfo): Status {
    const tols = pod.spec.tolerations ?? [];
    const bad = effectiveTaints(ni).find((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tols.some((tol) => tolerates(tol, t)));
    if (!bad) return OK;
    return unschedulable(`node(s) had untolerated taint {${bad.key}: ${bad.value ?? ''}}`, true);
  },
  score(pod: Pod, ni: NodeInfo): number {
    const tols = (pod.spec.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    const n = effectiveTaints(ni).filter((t) => t.effect === 'PreferNoSchedule' && !tols.some((tol) => tolerates(tol, t))).length;
    return Math.max(0, 100 - n * 20);
  },
};
