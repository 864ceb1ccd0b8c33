/**
 * Pure parts of the namespace controller (pkg/controller/namespace/deletion):
 * whether a namespace still needs work, which objects to delete, and the
 * finalizers left once its content is gone.
 */
import type { KubeObject, Namespace } from '../../api/types.js';

/** The finalizer the namespace controller owns (v1.FinalizerKubernetes). */
export const FINALIZER_KUBERNETES = 'kubernetes';

/** True when the namespace is being deleted and still carries the `kubernetes` finalizer. */
export function needsFinalizing(ns: Namespace | undefined): boolean {
  return !!ns?.metadata.deletionTimestamp && (ns.spec?.finalizers ?? []).includes(FINALIZER_KUBERNETES);
}

/** Objects to delete now: those not already being deleted. */
export function toDelete<T extends KubeObject>(items: T[]): T[] {
  return items.filter((o) => !o.metadata.deletionTimestamp);
}

/** spec.finalizers without `kubernetes` (finalizeNamespace). */
export function finalizedSpec(ns: Namespace): string[] {
  return (ns.spec?.finalizers ?? []).filter((f) => f !== FINALIZER_KUBERNETES);
}

/**
 * Seconds to wait before looking again when content remains: the longest
 * remaining grace period of a pod being deleted (at least 1), else 1.
 */
export function estimateSeconds(remaining: KubeObject[], now: Date): number {
  let wait = 1;
  for (const o of remaining) {
    const ts = o.metadata.deletionTimestamp ? Date.parse(o.metadata.deletionTimestamp) : NaN;
    if (Number.isFinite(ts)) wait = Math.max(wait, Math.min(5, Math.ceil((ts - now.getTime()) / 1000)));
  }
  return wait;
}
