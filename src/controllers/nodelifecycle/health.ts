/**
 * Pure decisions of the node lifecycle controller (pkg/controller/nodelifecycle):
 * a node whose kubelet stopped heart-beating (Lease renewTime and Ready
 * lastHeartbeatTime) for longer than the grace period gets its conditions set
 * to Unknown; Ready False/Unknown map to the not-ready/unreachable taints
 * (NoSchedule and NoExecute); pods on NoExecute-tainted nodes are evicted at
 * once when they do not tolerate the taint, or after their tolerationSeconds.
 */
import type { Lease, Node, NodeCondition, Pod, Taint } from '../../api/types.js';

/** Grace period without heartbeat before a node is Unknown (seconds), as Kubernetes' nodeMonitorGracePeriod. */
export const NODE_MONITOR_GRACE_SECONDS = 40;

/** Taint key for nodes whose Ready condition is False. */
export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
/** Taint key for nodes whose Ready condition is Unknown (kubelet silent). */
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';

function ms(t: string | undefined | null): number {
  const v = t ? Date.parse(t) : NaN;
  return Number.isFinite(v) ? v : 0;
}

/** The latest heartbeat (ms since epoch) from the node's Ready condition and its Lease. */
export function lastHeartbeat(node: Node, lease: Lease | undefined): number {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  return Math.max(ms(ready?.lastHeartbeatTime), ms(lease?.spec.renewTime), ms(node.metadata.creationTimestamp ?? undefined));
}

/**
 * The conditions to write when the node's heartbeat is older than the grace:
 * every condition set to Unknown (`NodeStatusUnknown`, `Kubelet stopped posting node status.`),
 * or undefined when nothing changes.
 */
export function staleConditions(node: Node, lease: Lease | undefined, now: number, graceSeconds = NODE_MONITOR_GRACE_SECONDS): NodeCondition[] | undefined {
  if (now - lastHeartbeat(node, lease) <= graceSeconds * 1000) return undefined;
  const conds = node.status?.conditions ?? [];
  if (conds.length && conds.every((c) => c.status === 'Unknown')) return undefined;
  const ts = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z');
  const types = conds.length ? conds : [{ type: 'Ready', status: 'Unknown' as const }];
  return types.map((c) => (c.status === 'Unknown' ? c : {
    ...c, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: ts,
  }));
}

/** The taints the node should carry given its Ready condition (others are kept as they are). */
export function desiredTaints(node: Node, now: number): Taint[] {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown';
  const keep = (node.spec.taints ?? []).filter((t) => t.key !== TAINT_NOT_READY && t.key !== TAINT_UNREACHABLE);
  const key = ready === 'True' ? undefined : ready === 'False' ? TAINT_NOT_READY : TAINT_UNREACHABLE;
  if (!key) return keep;
  const ts = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z');
  const existing = (effect: Taint['effect']) => node.spec.taints?.find((t) => t.key === key && t.effect === effect);
  return [...keep, existing('NoSchedule') ?? { key, effect: 'NoSchedule', timeAdded: ts }, existing('NoExecute') ?? { key, effect: 'NoExecute', timeAdded: ts }];
}

/**
 * When (ms since epoch) a pod must be evicted from a node with these taints:
 * `0` for at once, a time for tolerationSeconds, undefined when it may stay.
 */
export function evictionTime(pod: Pod, taints: Taint[], now: number): number | undefined {
  let when: number | undefined;
  for (const taint of taints) {
    if (taint.effect !== 'NoExecute') continue;
    const tol = (pod.spec.tolerations ?? []).find((t) =>
      (!t.effect || t.effect === 'NoExecute') && (t.operator === 'Exists' ? (!t.key || t.key === taint.key) : t.key === taint.key && (t.value ?? '') === (taint.value ?? '')));
    if (!tol) return 0;
    if (tol.tolerationSeconds === undefined) continue;
    const added = ms(taint.timeAdded) || now;
    const at = added + Math.max(0, tol.tolerationSeconds) * 1000;
    when = when === undefined ? at : Math.min(when, at);
  }
  return when;
}
