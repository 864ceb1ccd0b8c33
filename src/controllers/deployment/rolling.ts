/**
 * Pure scaling decisions of the Deployment controller (rolling.go, recreate.go,
 * sync.go `scale`): each returns the ReplicaSet sizes to set; the controller
 * writes them. Sizes never take the Deployment below `replicas - maxUnavailable`
 * available pods or above `replicas + maxSurge` pods.
 */
import type { Pod } from '../../api/types.js';
import type { ReplicaSet } from '../replicaset/reconcile.js';
import {
  activeReplicaSets, availableReplicaCount, byCreation, isRollingUpdate, isSaturated, maxSurge, maxUnavailable, replicaCount,
  actualReplicaCount, type Deployment,
} from './util.js';

/** Set `rs` to `replicas` pods. */
export interface ScaleOp {
  rs: ReplicaSet;
  replicas: number;
}

const size = (rs: ReplicaSet) => rs.spec.replicas ?? 0;
const desiredOf = (d: Deployment) => d.spec.replicas ?? 1;

/** NewRSNewReplicas: how big the new ReplicaSet may grow now (rolling: within maxSurge; recreate: all). */
export function newRSNewReplicas(d: Deployment, allRSs: ReplicaSet[], newRS: ReplicaSet): number {
  const desired = desiredOf(d);
  if (!isRollingUpdate(d)) return desired;
  const current = replicaCount(allRSs);
  const maxTotal = desired + maxSurge(d);
  if (current >= maxTotal) return size(newRS);
  return size(newRS) + Math.min(maxTotal - current, desired - size(newRS));
}

/** reconcileNewReplicaSet: the new ReplicaSet's next size, or undefined when it stays. */
export function reconcileNewReplicaSet(d: Deployment, allRSs: ReplicaSet[], newRS: ReplicaSet): number | undefined {
  const desired = desiredOf(d);
  if (size(newRS) === desired) return undefined;
  if (size(newRS) > desired) return desired;
  const next = newRSNewReplicas(d, allRSs, newRS);
  return next === size(newRS) ? undefined : next;
}

/**
 * reconcileOldReplicaSets: first scale down unhealthy old pods (spec − available),
 * then healthy ones while available pods stay above `replicas − maxUnavailable`;
 * oldest ReplicaSets first. `oldRSs` are the active old ReplicaSets.
 */
export function reconcileOldReplicaSets(d: Deployment, allRSs: ReplicaSet[], oldRSs: ReplicaSet[], newRS: ReplicaSet | undefined): ScaleOp[] {
  if (replicaCount(oldRSs) === 0) return [];
  const minAvailable = desiredOf(d) - maxUnavailable(d);
  const newUnavailable = newRS ? size(newRS) - (newRS.status?.availableReplicas ?? 0) : 0;
  const maxScaledDown = replicaCount(allRSs) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return [];
  const sizes = new Map<ReplicaSet, number>();
  const ordered = byCreation(oldRSs);
  let cleaned = 0;
  for (const rs of ordered) {
    if (cleaned >= maxScaledDown) break;
    const avail = rs.status?.availableReplicas ?? 0;
    if (size(rs) === 0 || size(rs) === avail) continue;
    const down = Math.min(maxScaledDown - cleaned, size(rs) - avail);
    sizes.set(rs, size(rs) - down);
    cleaned += down;
  }
  const available = availableReplicaCount(allRSs);
  if (available > minAvailable) {
    const total = available - minAvailable;
    let scaled = 0;
    for (const rs of ordered) {
      if (scaled >= total) break;
      const cur = sizes.get(rs) ?? size(rs);
      if (cur === 0) continue;
      const down = Math.min(cur, total - scaled);
      sizes.set(rs, cur - down);
      scaled += down;
    }
  }
  return [...sizes].filter(([rs, n]) => n !== size(rs)).map(([rs, replicas]) => ({ rs, replicas }));
}

/** scaleDownOldReplicaSetsForRecreate: every active old ReplicaSet to 0. */
export function scaleDownForRecreate(oldRSs: ReplicaSet[]): ScaleOp[] {
  return activeReplicaSets(oldRSs).map((rs) => ({ rs, replicas: 0 }));
}

/**
 * oldPodsRunning (Recreate waits for it to be false): old ReplicaSets still
 * report pods, or a non-terminal pod belongs to a ReplicaSet other than the new one.
 */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[], podsByRS: Map<string, Pod[]>): boolean {
  if (actualReplicaCount(oldRSs) > 0) return true;
  for (const [uid, pods] of podsByRS) {
    if (newRS && uid === newRS.metadata.uid) continue;
    if (pods.some((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded')) return true;
  }
  return false;
}

function created(rs: ReplicaSet): number {
  const t = Date.parse(rs.metadata.creationTimestamp ?? '');
  return Number.isFinite(t) ? t : 0;
}

/** FindActiveOrLatest: the only active ReplicaSet, else the newest when none is active, else undefined. */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => created(b) - created(a));
  const active = activeReplicaSets([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/** getReplicaSetFraction: this ReplicaSet's share of a resize, from its max-replicas annotation. */
function fraction(rs: ReplicaSet, d: Deployment): number {
  const desired = desiredOf(d);
  if (desired === 0) return -size(rs);
  const maxNow = desired + maxSurge(d);
  let before = Number(rs.metadata.annotations?.['deployment.kubernetes.io/max-replicas']);
  if (!Number.isInteger(before) || before <= 0) {
    before = d.status?.replicas ?? 0;
    if (before === 0) return 0;
  }
  return Math.round((size(rs) * maxNow) / before) - size(rs);
}

/**
 * The `scale` step of sync (proportional scaling): a lone active ReplicaSet
 * takes the new size; a saturated new ReplicaSet empties the old ones; during a
 * rolling update the difference to `replicas + maxSurge` is shared in proportion,
 * leftovers to the largest. Returns sizes for every ReplicaSet it touches.
 */
export function proportionalScale(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): ScaleOp[] {
  const desired = desiredOf(d);
  const lone = findActiveOrLatest(newRS, oldRSs);
  if (lone) return size(lone) === desired ? [] : [{ rs: lone, replicas: desired }];
  if (isSaturated(d, newRS)) return activeReplicaSets(oldRSs).map((rs) => ({ rs, replicas: 0 }));
  if (!isRollingUpdate(d)) return [];
  const all = activeReplicaSets([...oldRSs, newRS]);
  const allowed = desired > 0 ? desired + maxSurge(d) : 0;
  const toAdd = allowed - replicaCount(all);
  const bySize = (newerFirst: boolean) => (a: ReplicaSet, b: ReplicaSet) => size(b) - size(a) || (newerFirst ? created(b) - created(a) : created(a) - created(b));
  if (toAdd !== 0) all.sort(bySize(toAdd > 0));
  let added = 0;
  const next = all.map((rs) => {
    if (toAdd === 0 || size(rs) === 0 || toAdd === added) return size(rs);
    const f = fraction(rs, d);
    const p = toAdd > 0 ? Math.min(f, toAdd - added) : Math.max(f, toAdd - added);
    added += p;
    return size(rs) + p;
  });
  if (toAdd !== 0 && next.length > 0) next[0] = Math.max(0, next[0]! + toAdd - added);
  return all.map((rs, i) => ({ rs, replicas: next[i]! }));
}

/**
 * cleanupDeployment: of the old ReplicaSets not being deleted, the `count − limit`
 * lowest revisions, skipping any that still has pods or an unobserved generation.
 */
export function replicaSetsToCleanUp(d: Deployment, oldRSs: ReplicaSet[], revision: (rs: ReplicaSet) => number): ReplicaSet[] {
  const limit = d.spec.revisionHistoryLimit;
  if (limit === undefined || limit === null) return [];
  const candidates = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = candidates.length - limit;
  if (diff <= 0) return [];
  const sorted = [...candidates].sort((a, b) => revision(a) - revision(b) || created(a) - created(b));
  return sorted.slice(0, diff).filter((rs) => size(rs) === 0 && (rs.status?.replicas ?? 0) === 0
    && (rs.metadata.generation ?? 0) <= (rs.status?.observedGeneration ?? 0));
}
