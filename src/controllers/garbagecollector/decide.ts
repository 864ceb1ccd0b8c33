/**
 * The pure decisions of the garbage collector (pkg/controller/garbagecollector
 * attemptToDeleteItem, classifyReferences, processDeletingDependentsItem,
 * orphanDependents). The controller resolves owner states (cache, then a live
 * read) and carries the returned action out.
 */
import type { KubeObject, OwnerReference } from '../../api/types.js';

/** The GC finalizer that orphans dependents (metav1.FinalizerOrphanDependents). */
export const FINALIZER_ORPHAN = 'orphan';
/** The GC finalizer that deletes dependents first (metav1.FinalizerDeleteDependents). */
export const FINALIZER_FOREGROUND = 'foregroundDeletion';

/** What the collector knows of one owner: gone (or replaced: other uid), present, or deleting its dependents first. */
export type OwnerState = 'absent' | 'present' | 'waitingForDependents';

/** What to do with an object. */
export type GCAction =
  | { type: 'none' }
  | { type: 'removeOwnerRefs'; uids: string[] }
  | { type: 'delete'; propagationPolicy: 'Background' | 'Foreground' | 'Orphan' }
  | { type: 'orphanDependents'; dependents: KubeObject[] }
  | { type: 'removeFinalizer'; finalizer: string }
  | { type: 'attemptToDeleteDependents'; dependents: KubeObject[] };

/** True when `obj` is being deleted and waits for its dependents (foregroundDeletion). */
export function isDeletingDependents(obj: KubeObject): boolean {
  return !!obj.metadata.deletionTimestamp && (obj.metadata.finalizers ?? []).includes(FINALIZER_FOREGROUND);
}

/** The owner state of a live owner object. */
export function ownerStateOf(owner: KubeObject | undefined, ref: OwnerReference): OwnerState {
  if (!owner || owner.metadata.uid !== ref.uid) return 'absent';
  return isDeletingDependents(owner) ? 'waitingForDependents' : 'present';
}

/**
 * attemptToDeleteItem for an object not being deleted, given the states of its
 * owners: with a solid (present) owner, drop references to absent or
 * foreground-deleting owners; with none, delete it — in the foreground when an
 * owner waits for dependents and it has dependents itself, else by its own
 * finalizers' policy (Orphan, Foreground) or in the background.
 */
export function decideDependent(obj: KubeObject, states: Map<string, OwnerState>, hasDependents: boolean): GCAction {
  const refs = obj.metadata.ownerReferences ?? [];
  if (refs.length === 0 || obj.metadata.deletionTimestamp) return { type: 'none' };
  const solid = refs.filter((r) => (states.get(r.uid) ?? 'present') === 'present');
  const dangling = refs.filter((r) => states.get(r.uid) === 'absent');
  const waiting = refs.filter((r) => states.get(r.uid) === 'waitingForDependents');
  if (solid.length > 0) {
    if (dangling.length === 0 && waiting.length === 0) return { type: 'none' };
    return { type: 'removeOwnerRefs', uids: [...dangling, ...waiting].map((r) => r.uid) };
  }
  if (waiting.length > 0 && hasDependents) return { type: 'delete', propagationPolicy: 'Foreground' };
  const fin = obj.metadata.finalizers ?? [];
  if (fin.includes(FINALIZER_ORPHAN)) return { type: 'delete', propagationPolicy: 'Orphan' };
  if (fin.includes(FINALIZER_FOREGROUND)) return { type: 'delete', propagationPolicy: 'Foreground' };
  return { type: 'delete', propagationPolicy: 'Background' };
}

/** Dependents whose reference to `owner` blocks its deletion (blockOwnerDeletion: true). */
export function blockingDependents(owner: KubeObject, dependents: KubeObject[]): KubeObject[] {
  return dependents.filter((d) => (d.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid && r.blockOwnerDeletion === true));
}

/**
 * For an object being deleted: with `orphan`, strip its dependents' references
 * then drop the finalizer; with `foregroundDeletion`, look at the dependents not
 * yet deleting (when any block it), then drop the finalizer once none blocks.
 */
export function decideOwnerBeingDeleted(owner: KubeObject, dependents: KubeObject[]): GCAction {
  if (!owner.metadata.deletionTimestamp) return { type: 'none' };
  const fin = owner.metadata.finalizers ?? [];
  if (fin.includes(FINALIZER_ORPHAN)) {
    return dependents.length ? { type: 'orphanDependents', dependents } : { type: 'removeFinalizer', finalizer: FINALIZER_ORPHAN };
  }
  if (fin.includes(FINALIZER_FOREGROUND)) {
    const blocking = blockingDependents(owner, dependents);
    if (blocking.length === 0) return { type: 'removeFinalizer', finalizer: FINALIZER_FOREGROUND };
    const todo = dependents.filter((d) => !d.metadata.deletionTimestamp);
    return todo.length ? { type: 'attemptToDeleteDependents', dependents: todo } : { type: 'none' };
  }
  return { type: 'none' };
}
