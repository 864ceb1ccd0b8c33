/**
 * The pure half of the ReplicaSet controller (pkg/controller/replicaset):
 * how many pods to create or which to delete (manageReplicas), slow-start
 * batch sizes, the deletion ranking of ActivePodsWithRanks, and calculateStatus.
 * No I/O: the controller feeds listers' objects in and carries the plan out.
 */
import { labelSelectorFromLabelSelector } from '../../api/selectors/labels.js';
import type { KubeObject, Pod } from '../../api/types.js';
import { rfc3339 } from '../../machinery/clock.js';

/** At most this many creates or deletes per sync (BurstReplicas). */
export const BURST_REPLICAS = 500;
/** Annotation lowering a pod's cost of deletion (controller.kubernetes.io/pod-deletion-cost). */
export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

/** apps/v1 ReplicaSet as the controller reads it. */
export interface ReplicaSet extends KubeObject {
  spec: {
    replicas?: number;
    minReadySeconds?: number;
    selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
    template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown }; spec?: Record<string, unknown> };
  };
  status?: ReplicaSetStatus;
}

/** apps/v1 ReplicaSetStatus. */
export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: { type: string; status: string; lastTransitionTime?: string; reason?: string; message?: string }[];
}

/** Running or pending, not being deleted (controller.IsPodActive). */
export function isPodActive(p: Pod): boolean {
  return p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && !p.metadata.deletionTimestamp;
}

function readyCondition(p: Pod) {
  return (p.status?.conditions ?? []).find((c) => c.type === 'Ready');
}

/** The pod's Ready condition is True (podutil.IsPodReady). */
export function isPodReady(p: Pod): boolean {
  return readyCondition(p)?.status === 'True';
}

/** Ready for at least `minReadySeconds` at `now` (podutil.IsPodAvailable). */
export function isPodAvailable(p: Pod, minReadySeconds: number, now: Date): boolean {
  const c = readyCondition(p);
  if (c?.status !== 'True') return false;
  if (minReadySeconds <= 0) return true;
  const since = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return Number.isFinite(since) && since + minReadySeconds * 1000 <= now.getTime();
}

/**
 * Batch sizes for creating `count` pods with slow start (slowStartBatch): 1, 2,
 * 4, ... doubling, the last one trimmed. A failed batch stops the following ones.
 */
export function slowStartBatches(count: number, initial = 1): number[] {
  const out: number[] = [];
  let remaining = count;
  for (let size = Math.min(remaining, initial); size > 0; size = Math.min(2 * size, remaining)) {
    out.push(size);
    remaining -= size;
  }
  return out;
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function deletionCost(p: Pod): number {
  const v = Number(p.metadata.annotations?.[POD_DELETION_COST]);
  return Number.isFinite(v) ? v : 0;
}

function maxRestarts(p: Pod): number {
  return Math.max(0, ...(p.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
}

function time(ts: string | null | undefined): number | undefined {
  const t = ts ? Date.parse(ts) : NaN;
  return Number.isFinite(t) ? t : undefined;
}

/**
 * ActivePodsWithRanks.Less: negative when `a` should be deleted before `b`.
 * Unassigned before assigned; Pending before Unknown before Running; not ready
 * before ready; lower deletion cost first; more pods on the same node first;
 * ready more recently first; more restarts first; newer first.
 */
export function comparePodsForDeletion(a: Pod, b: Pod, rankA: number, rankB: number): number {
  const assigned = (p: Pod) => (p.spec.nodeName ? 1 : 0);
  if (assigned(a) !== assigned(b)) return assigned(a) - assigned(b);
  const phase = (p: Pod) => PHASE_RANK[p.status?.phase ?? 'Pending'] ?? 0;
  if (phase(a) !== phase(b)) return phase(a) - phase(b);
  const ready = (p: Pod) => (isPodReady(p) ? 1 : 0);
  if (ready(a) !== ready(b)) return ready(a) - ready(b);
  if (deletionCost(a) !== deletionCost(b)) return deletionCost(a) - deletionCost(b);
  if (rankA !== rankB) return rankB - rankA;
  if (isPodReady(a) && isPodReady(b)) {
    const ta = time(readyCondition(a)?.lastTransitionTime) ?? 0;
    const tb = time(readyCondition(b)?.lastTransitionTime) ?? 0;
    if (ta !== tb) return tb - ta;
  }
  if (maxRestarts(a) !== maxRestarts(b)) return maxRestarts(b) - maxRestarts(a);
  const ca = time(a.metadata.creationTimestamp);
  const cb = time(b.metadata.creationTimestamp);
  if (ca === undefined || cb === undefined) return ca === cb ? 0 : ca === undefined ? -1 : 1;
  return cb - ca;
}

/**
 * getPodsToDelete: the `diff` least useful pods of `filtered`, ranked by how many
 * active `related` pods share their node (more colocated pods are deleted first).
 */
export function getPodsToDelete(filtered: Pod[], related: Pod[], diff: number): Pod[] {
  if (diff >= filtered.length) return [...filtered];
  const perNode = new Map<string, number>();
  for (const p of related) if (p.spec.nodeName && isPodActive(p)) perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1);
  const rank = (p: Pod) => (p.spec.nodeName ? perNode.get(p.spec.nodeName) ?? 0 : 0);
  return [...filtered].sort((a, b) => comparePodsForDeletion(a, b, rank(a), rank(b))).slice(0, diff);
}

/** What manageReplicas does: create `create` pods, or delete `remove`. */
export interface ReplicaPlan {
  create: number;
  remove: Pod[];
}

/** manageReplicas' decision for `rs` given its active owned pods (capped at BURST_REPLICAS). */
export function planReplicas(rs: ReplicaSet, activePods: Pod[], related: Pod[] = activePods): ReplicaPlan {
  const want = rs.spec.replicas ?? 1;
  const diff = activePods.length - want;
  if (diff < 0) return { create: Math.min(-diff, BURST_REPLICAS), remove: [] };
  if (diff > 0) return { create: 0, remove: getPodsToDelete(activePods, related, Math.min(diff, BURST_REPLICAS)) };
  return { create: 0, remove: [] };
}

/**
 * calculateStatus: counts over the active owned pods (replicas, fully labelled by
 * the template labels, ready, available after minReadySeconds), the generation
 * observed, and the ReplicaFailure condition set or cleared by `manageError`.
 * Zero counts other than `replicas` are left out (`omitempty` on the wire).
 */
export function calculateStatus(rs: ReplicaSet, activePods: Pod[], manageError: Error | undefined, now: Date): ReplicaSetStatus {
  const templateLabels = labelSelectorFromLabelSelector({ matchLabels: rs.spec.template?.metadata?.labels ?? {} });
  let fully = 0;
  let ready = 0;
  let available = 0;
  for (const p of activePods) {
    if (templateLabels.matches(p.metadata.labels ?? {})) fully++;
    if (isPodReady(p)) {
      ready++;
      if (isPodAvailable(p, rs.spec.minReadySeconds ?? 0, now)) available++;
    }
  }
  let conditions = [...(rs.status?.conditions ?? [])];
  const failure = conditions.find((c) => c.type === 'ReplicaFailure');
  if (manageError && !failure) {
    const diff = activePods.length - (rs.spec.replicas ?? 1);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    conditions.push({ type: 'ReplicaFailure', status: 'True', lastTransitionTime: rfc3339(now), reason, message: manageError.message });
  } else if (!manageError && failure) {
    conditions = conditions.filter((c) => c.type !== 'ReplicaFailure');
  }
  const gen = rs.metadata.generation ?? 0;
  return {
    replicas: activePods.length,
    ...(fully ? { fullyLabeledReplicas: fully } : {}),
    ...(ready ? { readyReplicas: ready } : {}),
    ...(available ? { availableReplicas: available } : {}),
    ...(gen ? { observedGeneration: gen } : {}),
    ...(conditions.length ? { conditions } : {}),
  };
}

/** Whether the stored status differs from `next` (updateReplicaSetStatus skips equal writes). */
export function statusChanged(rs: ReplicaSet, next: ReplicaSetStatus): boolean {
  const cur = rs.status ?? { replicas: 0 };
  const norm = (s: ReplicaSetStatus) => JSON.stringify({
    r: s.replicas ?? 0, f: s.fullyLabeledReplicas ?? 0, rd: s.readyReplicas ?? 0, a: s.availableReplicas ?? 0, g: s.observedGeneration ?? 0, c: s.conditions ?? [],
  });
  return norm(cur) !== norm(next);
}

/**
 * When to look again for availability: with minReadySeconds, all replicas ready
 * but not all available, re-check after minReadySeconds (seconds). Undefined otherwise.
 */
export function availabilityRecheckSeconds(rs: ReplicaSet, status: ReplicaSetStatus): number | undefined {
  const min = rs.spec.minReadySeconds ?? 0;
  const want = rs.spec.replicas ?? 1;
  if (min > 0 && status.readyReplicas === want && status.availableReplicas !== want) return min;
  return undefined;
}
