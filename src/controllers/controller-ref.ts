/**
 * ControllerRef handling (pkg/controller/controller_ref_manager.go): which
 * objects a controller owns, adopts (orphans its selector matches) and releases
 * (owned objects its selector no longer matches). The decision is pure
 * ({@link decideClaims}); {@link adoptPatch}/{@link releasePatch} are the
 * strategic-merge patches that carry it out.
 */
import type { KubeObject, OwnerReference } from '../api/types.js';

/** The ownerReference with `controller: true`, if any (metav1.GetControllerOf). */
export function getControllerOf(obj: KubeObject): OwnerReference | undefined {
  return (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true);
}

/** A controller ownerReference to `owner` (metav1.NewControllerRef): controller and blockOwnerDeletion true. */
export function newControllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** What a controller does with the candidate objects of its namespace. */
export interface ClaimDecision<T> {
  /** Owned and matching: the controller's objects (adopted ones included). */
  owned: T[];
  /** Orphans that match: to adopt (they count as owned once adopted). */
  adopt: T[];
  /** Owned but no longer matching: to release. */
  release: T[];
}

/**
 * ClaimObject for each candidate: objects controlled by someone else are
 * ignored; ours stay if `matches`, else are released (unless the owner is being
 * deleted); orphans in the owner's namespace that match and are not being
 * deleted are adopted (unless the owner is being deleted).
 */
export function decideClaims<T extends KubeObject>(owner: KubeObject, candidates: T[], matches: (o: T) => boolean): ClaimDecision<T> {
  const out: ClaimDecision<T> = { owned: [], adopt: [], release: [] };
  const ownerDeleting = !!owner.metadata.deletionTimestamp;
  for (const o of candidates) {
    const ref = getControllerOf(o);
    if (ref) {
      if (ref.uid !== owner.metadata.uid) continue;
      if (matches(o)) out.owned.push(o);
      else if (!ownerDeleting) out.release.push(o);
      continue;
    }
    if (ownerDeleting || !matches(o) || o.metadata.deletionTimestamp) continue;
    if (owner.metadata.namespace && owner.metadata.namespace !== o.metadata.namespace) continue;
    out.adopt.push(o);
  }
  return out;
}

/** Strategic-merge patch adding the controller ref (merged by uid). */
export function adoptPatch(obj: KubeObject, ref: OwnerReference): unknown {
  return { metadata: { ownerReferences: [ref], uid: obj.metadata.uid } };
}

/** Strategic-merge patch deleting the owner's reference (by uid). */
export function releasePatch(obj: KubeObject, ownerUID: string): unknown {
  return { metadata: { ownerReferences: [{ $patch: 'delete', uid: ownerUID }], uid: obj.metadata.uid } };
}
