/**
 * The rollout steps of syncDeployment (sync.go `sync`, rolling.go
 * `rolloutRolling`, recreate.go `rolloutRecreate`): the order of decisions and
 * writes. Sizes come from ./rolling.ts, statuses from ./status.ts; every write
 * goes through {@link RolloutIO}, so the steps stay small and readable.
 */
import type { Pod } from '../../api/types.js';
import type { Clock } from '../../machinery/clock.js';
import type { ReplicaSet } from '../replicaset/reconcile.js';
import {
  oldPodsRunning, proportionalScale, reconcileNewReplicaSet, reconcileOldReplicaSets, replicaSetsToCleanUp, scaleDownForRecreate, type ScaleOp,
} from './rolling.js';
import { calculateStatus, deploymentComplete, rolloutStatus, statusEqual, stuckRequeueMs } from './status.js';
import { activeReplicaSets, isScalingEvent, type Deployment } from './util.js';

/** The writes the rollout steps need (implemented by the controller). */
export interface RolloutIO {
  clock: Clock;
  getAllReplicaSetsAndSyncRevision(d: Deployment, rsList: ReplicaSet[], create: boolean): Promise<{ newRS?: ReplicaSet; oldRSs: ReplicaSet[] }>;
  scaleReplicaSet(rs: ReplicaSet, replicas: number, d: Deployment): Promise<{ scaled: boolean; rs: ReplicaSet }>;
  deleteReplicaSet(rs: ReplicaSet): Promise<void>;
  writeStatus(d: Deployment, status: Deployment['status']): Promise<void>;
  enqueueAfter(d: Deployment, ms: number): void;
  revision(rs: ReplicaSet): number;
}

type Sets = { newRS?: ReplicaSet; oldRSs: ReplicaSet[] };

const all = (s: Sets): ReplicaSet[] => [...s.oldRSs, ...(s.newRS ? [s.newRS] : [])];

/** Applies scale ops, replacing the ReplicaSets in `sets` by the written ones; true when a size changed. */
async function applyOps(io: RolloutIO, d: Deployment, sets: Sets, ops: ScaleOp[]): Promise<boolean> {
  let scaled = false;
  for (const op of ops) {
    const r = await io.scaleReplicaSet(op.rs, op.replicas, d);
    scaled ||= r.scaled;
    if (sets.newRS?.metadata.uid === r.rs.metadata.uid) sets.newRS = r.rs;
    else sets.oldRSs = sets.oldRSs.map((x) => (x.metadata.uid === r.rs.metadata.uid ? r.rs : x));
  }
  return scaled;
}

async function cleanup(io: RolloutIO, d: Deployment, oldRSs: ReplicaSet[]): Promise<void> {
  for (const rs of replicaSetsToCleanUp(d, oldRSs, (x) => io.revision(x))) await io.deleteReplicaSet(rs);
}

/** syncRolloutStatus: write the new status when it differs, else schedule the progress-deadline check. */
async function syncRolloutStatus(io: RolloutIO, d: Deployment, sets: Sets): Promise<void> {
  const now = io.clock.now();
  const s = rolloutStatus(all(sets), sets.newRS, d, now);
  if (statusEqual(d.status, s)) {
    const ms = stuckRequeueMs(d, s, now);
    if (ms !== undefined) io.enqueueAfter(d, ms);
    return;
  }
  await io.writeStatus(d, s);
}

/** sync: scaling only (paused Deployments and scaling events), then the plain status. */
async function scaleOnly(io: RolloutIO, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const sets = await io.getAllReplicaSetsAndSyncRevision(d, rsList, false);
  await applyOps(io, d, sets, proportionalScale(d, sets.newRS, sets.oldRSs));
  if (d.spec.paused) await cleanup(io, d, sets.oldRSs);
  const s = calculateStatus(all(sets), sets.newRS, d, io.clock.now());
  if (!statusEqual(d.status, s)) await io.writeStatus(d, s);
}

/** rolloutRolling: grow the new ReplicaSet within maxSurge, else shrink old ones within maxUnavailable. */
async function rolloutRolling(io: RolloutIO, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const sets = await io.getAllReplicaSetsAndSyncRevision(d, rsList, true);
  if (sets.newRS) {
    const next = reconcileNewReplicaSet(d, all(sets), sets.newRS);
    if (next !== undefined && (await applyOps(io, d, sets, [{ rs: sets.newRS, replicas: next }]))) return syncRolloutStatus(io, d, sets);
  }
  const ops = reconcileOldReplicaSets(d, all(sets), activeReplicaSets(sets.oldRSs), sets.newRS);
  if (await applyOps(io, d, sets, ops)) return syncRolloutStatus(io, d, sets);
  if (deploymentComplete(d, d.status ?? {})) await cleanup(io, d, sets.oldRSs);
  return syncRolloutStatus(io, d, sets);
}

/** rolloutRecreate: old ReplicaSets to 0, wait for their pods to go, then the new one to full size. */
async function rolloutRecreate(io: RolloutIO, d: Deployment, rsList: ReplicaSet[], podsByRS: Map<string, Pod[]>): Promise<void> {
  let sets = await io.getAllReplicaSetsAndSyncRevision(d, rsList, false);
  if (await applyOps(io, d, sets, scaleDownForRecreate(sets.oldRSs))) return syncRolloutStatus(io, d, sets);
  if (oldPodsRunning(sets.newRS, sets.oldRSs, podsByRS)) return syncRolloutStatus(io, d, sets);
  if (!sets.newRS) sets = await io.getAllReplicaSetsAndSyncRevision(d, rsList, true);
  if (sets.newRS) await applyOps(io, d, sets, [{ rs: sets.newRS, replicas: d.spec.replicas ?? 1 }]);
  if (deploymentComplete(d, d.status ?? {})) await cleanup(io, d, sets.oldRSs);
  return syncRolloutStatus(io, d, sets);
}

/** The strategy dispatch of syncDeployment after claiming and paused conditions. */
export async function syncRollout(io: RolloutIO, d: Deployment, rsList: ReplicaSet[], podsByRS: Map<string, Pod[]>): Promise<void> {
  if (d.spec.paused || isScalingEvent(d, rsList)) return scaleOnly(io, d, rsList);
  if (d.spec.strategy?.type === 'Recreate') return rolloutRecreate(io, d, rsList, podsByRS);
  return rolloutRolling(io, d, rsList);
}
