/**
 * The annotations the Deployment controller keeps on ReplicaSets
 * (util.SetNewReplicaSetAnnotations, SetReplicasAnnotations): the Deployment's
 * own annotations copied over, the revision (only ever raised; a raised
 * revision is remembered in revision-history, as on a rollback), and the
 * desired/max replica counts. Pure.
 */
import type { ReplicaSet } from '../replicaset/reconcile.js';
import {
  copyableAnnotations, DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, replicasAnnotations, REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION, type Deployment,
} from './util.js';

/**
 * The new ReplicaSet's annotations for `newRevision`. `exists` is false for a
 * ReplicaSet about to be created (it also gets the replica annotations).
 * Returns the annotations and whether they differ from the current ones.
 */
export function newReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: number, exists: boolean): { annotations: Record<string, string>; changed: boolean } {
  const cur = rs.metadata.annotations ?? {};
  const out: Record<string, string> = { ...cur };
  let changed = false;
  for (const [k, v] of Object.entries(copyableAnnotations(d))) {
    if (out[k] === v) continue;
    out[k] = v;
    changed = true;
  }
  const oldRevision = cur[REVISION_ANNOTATION];
  const oldInt = oldRevision === undefined || oldRevision === '' ? 0 : Number(oldRevision);
  if (!Number.isInteger(oldInt)) return { annotations: cur, changed: false };
  if (oldInt < newRevision) {
    out[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
    if (oldRevision !== undefined) {
      const hist = cur[REVISION_HISTORY_ANNOTATION];
      out[REVISION_HISTORY_ANNOTATION] = hist ? `${hist},${oldRevision}` : oldRevision;
    }
  }
  if (!exists) {
    const r = replicasAnnotations(d);
    for (const k of [DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION]) {
      if (out[k] !== r[k]) { out[k] = r[k]!; changed = true; }
    }
  }
  return { annotations: out, changed };
}

/** ReplicasAnnotationsNeedUpdate: the desired/max annotations differ from the Deployment's values. */
export function replicasAnnotationsNeedUpdate(d: Deployment, rs: ReplicaSet): boolean {
  const r = replicasAnnotations(d);
  const a = rs.metadata.annotations ?? {};
  return a[DESIRED_REPLICAS_ANNOTATION] !== r[DESIRED_REPLICAS_ANNOTATION] || a[MAX_REPLICAS_ANNOTATION] !== r[MAX_REPLICAS_ANNOTATION];
}
