/**
 * Deployment status and conditions, pure (pkg/controller/deployment/sync.go
 * calculateStatus, syncRolloutStatus, requeueStuckDeployment; progress.go;
 * util SetDeploymentCondition, DeploymentComplete/Progressing/TimedOut).
 */
import { rfc3339 } from '../../machinery/clock.js';
import type { ReplicaSet } from '../replicaset/reconcile.js';
import {
  actualReplicaCount, availableReplicaCount, maxUnavailable, readyReplicaCount, replicaCount, type Deployment, type DeploymentCondition,
  type DeploymentStatus,
} from './util.js';

/** Progressing reasons, as Kubernetes spells them. */
export const Reasons = {
  newRSCreated: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  rsUpdated: 'ReplicaSetUpdated',
  newRSAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  failedRSCreate: 'ReplicaSetCreateError',
  minimumAvailable: 'MinimumReplicasAvailable',
  minimumUnavailable: 'MinimumReplicasUnavailable',
} as const;

const MAX_INT32 = 2147483647;

/** A condition stamped at `now` (NewDeploymentCondition). */
export function newCondition(type: string, status: DeploymentCondition['status'], reason: string, message: string, now: Date): DeploymentCondition {
  const t = rfc3339(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

/** The condition of `type`, if present. */
export function getCondition(status: DeploymentStatus | undefined, type: string): DeploymentCondition | undefined {
  return (status?.conditions ?? []).find((c) => c.type === type);
}

/**
 * SetDeploymentCondition: no change when status and reason are the same; keeps
 * lastTransitionTime when only the reason changes; the condition moves to the end.
 */
export function setCondition(status: DeploymentStatus, cond: DeploymentCondition): void {
  const cur = getCondition(status, cond.type);
  if (cur && cur.status === cond.status && cur.reason === cond.reason) return;
  const next = { ...cond };
  if (cur && cur.status === cond.status) next.lastTransitionTime = cur.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== cond.type), next];
}

/** RemoveDeploymentCondition. */
export function removeCondition(status: DeploymentStatus, type: string): void {
  const left = (status.conditions ?? []).filter((c) => c.type !== type);
  if (left.length) status.conditions = left; else delete status.conditions;
}

/** HasProgressDeadline: set and not MaxInt32. */
export function hasProgressDeadline(d: Deployment): boolean {
  const p = d.spec.progressDeadlineSeconds;
  return p !== undefined && p !== null && p !== MAX_INT32;
}

/**
 * calculateStatus: counts summed over the ReplicaSets, observedGeneration, and
 * the Available condition (True when available ≥ replicas − maxUnavailable).
 * Zero counts are left out, as the Go structs' `omitempty` does on the wire.
 */
export function calculateStatus(allRSs: ReplicaSet[], newRS: ReplicaSet | undefined, d: Deployment, now: Date): DeploymentStatus {
  const available = availableReplicaCount(allRSs);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: actualReplicaCount(allRSs),
    updatedReplicas: actualReplicaCount([newRS]),
    readyReplicas: readyReplicaCount(allRSs),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, replicaCount(allRSs) - available),
    ...(d.status?.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
    ...(d.status?.conditions?.length ? { conditions: structuredClone(d.status.conditions) } : {}),
  };
  for (const k of ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'] as const) {
    if (status[k] === 0) delete status[k];
  }
  if (available >= (d.spec.replicas ?? 1) - maxUnavailable(d)) {
    setCondition(status, newCondition('Available', 'True', Reasons.minimumAvailable, 'Deployment has minimum availability.', now));
  } else {
    setCondition(status, newCondition('Available', 'False', Reasons.minimumUnavailable, 'Deployment does not have minimum availability.', now));
  }
  return status;
}

/** DeploymentComplete: every desired replica updated and available, the generation observed. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const desired = d.spec.replicas ?? 1;
  return (s.updatedReplicas ?? 0) === desired && (s.replicas ?? 0) === desired && (s.availableReplicas ?? 0) === desired
    && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** DeploymentProgressing: more updated/ready/available pods, or fewer old ones, than last recorded. */
export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const o = d.status ?? {};
  const oldOld = (o.replicas ?? 0) - (o.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (o.updatedReplicas ?? 0) || newOld < oldOld
    || (s.readyReplicas ?? 0) > (o.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (o.availableReplicas ?? 0);
}

/** DeploymentTimedOut: the Progressing condition was last updated more than progressDeadlineSeconds ago. */
export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, now: Date): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(s, 'Progressing');
  if (!c || c.reason === Reasons.newRSAvailable) return false;
  if (c.reason === Reasons.timedOut) return true;
  const from = Date.parse(c.lastUpdateTime ?? '');
  return Number.isFinite(from) && from + (d.spec.progressDeadlineSeconds ?? 0) * 1000 < now.getTime();
}

function rsCondition(rs: ReplicaSet | undefined): DeploymentCondition | undefined {
  const c = (rs?.status?.conditions ?? []).find((x) => x.type === 'ReplicaFailure' && x.status === 'True');
  return c ? { type: 'ReplicaFailure', status: 'True', lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message } : undefined;
}

/**
 * syncRolloutStatus' new status: calculateStatus plus the Progressing condition
 * (NewReplicaSetAvailable when complete, ReplicaSetUpdated on progress,
 * ProgressDeadlineExceeded on timeout) and ReplicaFailure copied from a ReplicaSet.
 */
export function rolloutStatus(allRSs: ReplicaSet[], newRS: ReplicaSet | undefined, d: Deployment, now: Date): DeploymentStatus {
  const s = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) removeCondition(s, 'Progressing');
  const cur = getCondition(d.status, 'Progressing');
  const complete = s.replicas === s.updatedReplicas && cur?.reason === Reasons.newRSAvailable;
  if (hasProgressDeadline(d) && !complete) {
    const what = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
    if (deploymentComplete(d, s)) {
      setCondition(s, newCondition('Progressing', 'True', Reasons.newRSAvailable, `${what} has successfully progressed.`, now));
    } else if (deploymentProgressing(d, s)) {
      const c = newCondition('Progressing', 'True', Reasons.rsUpdated, `${what} is progressing.`, now);
      if (cur) {
        if (cur.status === 'True') c.lastTransitionTime = cur.lastTransitionTime;
        removeCondition(s, 'Progressing');
      }
      setCondition(s, c);
    } else if (deploymentTimedOut(d, s, now)) {
      setCondition(s, newCondition('Progressing', 'False', Reasons.timedOut, `${what} has timed out progressing.`, now));
    }
  }
  const failure = [newRS, ...allRSs].map(rsCondition).find((c) => c !== undefined);
  if (failure) setCondition(s, failure); else removeCondition(s, 'ReplicaFailure');
  return s;
}

/**
 * requeueStuckDeployment: milliseconds until the progress deadline of an
 * unfinished rollout passes (plus 1 s), or undefined when no check is due.
 */
export function stuckRequeueMs(d: Deployment, s: DeploymentStatus, now: Date): number | undefined {
  const cur = getCondition(d.status, 'Progressing');
  if (!hasProgressDeadline(d) || !cur) return undefined;
  if (deploymentComplete(d, s) || cur.reason === Reasons.timedOut) return undefined;
  const from = Date.parse(cur.lastUpdateTime ?? '');
  if (!Number.isFinite(from)) return undefined;
  const after = from + (d.spec.progressDeadlineSeconds ?? 0) * 1000 - now.getTime();
  return after < 1000 ? 1000 : after + 1000;
}

/** Deep equality of two statuses, as reflect.DeepEqual on the Go structs (absent = zero). */
export function statusEqual(a: DeploymentStatus | undefined, b: DeploymentStatus): boolean {
  const norm = (s: DeploymentStatus | undefined) => JSON.stringify([
    s?.observedGeneration ?? 0, s?.replicas ?? 0, s?.updatedReplicas ?? 0, s?.readyReplicas ?? 0, s?.availableReplicas ?? 0,
    s?.unavailableReplicas ?? 0, s?.collisionCount ?? null, s?.conditions ?? [],
  ]);
  return norm(a) === norm(b);
}

/**
 * checkPausedConditions: Progressing Unknown DeploymentPaused when paused,
 * DeploymentResumed when resumed; returns true when `status` changed.
 */
export function applyPausedCondition(d: Deployment, status: DeploymentStatus, now: Date): boolean {
  if (!hasProgressDeadline(d)) return false;
  const cur = getCondition(status, 'Progressing');
  if (cur?.reason === Reasons.timedOut) return false;
  const pausedCond = cur?.reason === Reasons.paused;
  if (d.spec.paused && !pausedCond) {
    setCondition(status, newCondition('Progressing', 'Unknown', Reasons.paused, 'Deployment is paused', now));
    return true;
  }
  if (!d.spec.paused && pausedCond) {
    setCondition(status, newCondition('Progressing', 'Unknown', Reasons.resumed, 'Deployment is resumed', now));
    return true;
  }
  return false;
}
