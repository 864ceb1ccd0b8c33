/**
 * Deletion policy shared by the registry and the garbage collector: the GC
 * finalizers a delete's propagation policy implies, and the hooks a strategy may
 * add for kinds whose deletion waits (namespaces).
 */
import type { DeleteOptions, KubeObject } from '../../api/types.js';

/** The finalizer that makes the garbage collector orphan dependents (metav1.FinalizerOrphanDependents). */
export const FINALIZER_ORPHAN = 'orphan';
/** The finalizer that makes the garbage collector delete dependents first (metav1.FinalizerDeleteDependents). */
export const FINALIZER_FOREGROUND = 'foregroundDeletion';

/** Optional deletion hooks a strategy may add (namespaces keep `spec.finalizers` and turn Terminating). */
export interface DeletionHooks {
  /** Finalizers beyond `metadata.finalizers` that keep a deleted object in storage. */
  extraFinalizers?(obj: KubeObject): string[];
  /** Called on an object whose deletion is pending (marked, not removed). */
  prepareForPendingDelete?(obj: KubeObject): void;
}

/**
 * deletionFinalizersForGarbageCollection: the finalizers after applying the delete
 * options' propagation policy (`Orphan` or `orphanDependents: true` adds `orphan`,
 * `Foreground` adds `foregroundDeletion`, `Background` removes both), or undefined
 * when the options ask for no change.
 */
export function gcFinalizers(current: string[], opts: DeleteOptions): string[] | undefined {
  let orphan: boolean | undefined;
  let foreground: boolean | undefined;
  if (opts.orphanDependents !== undefined) orphan = opts.orphanDependents;
  else if (opts.propagationPolicy === 'Orphan') orphan = true;
  else if (opts.propagationPolicy === 'Background' || opts.propagationPolicy === 'Foreground') orphan = false;
  if (opts.propagationPolicy === 'Foreground') foreground = true;
  else if (opts.propagationPolicy === 'Background' || opts.propagationPolicy === 'Orphan' || orphan) foreground = false;
  if (orphan === undefined && foreground === undefined) return undefined;
  const next = current.filter((f) => f !== FINALIZER_ORPHAN && f !== FINALIZER_FOREGROUND);
  if (orphan ?? current.includes(FINALIZER_ORPHAN)) next.push(FINALIZER_ORPHAN);
  if (foreground ?? current.includes(FINALIZER_FOREGROUND)) next.push(FINALIZER_FOREGROUND);
  const same = next.length === current.length && next.every((f) => current.includes(f));
  return same ? undefined : next;
}
