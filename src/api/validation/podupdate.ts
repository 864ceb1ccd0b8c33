/**
 * Pod update validation (pkg/apis/core/validation ValidatePodUpdate): a pod's
 * spec is immutable except container/init-container images,
 * activeDeadlineSeconds (set, or lowered), additions to tolerations (and
 * their tolerationSeconds), and terminationGracePeriodSeconds from negative to 1.
 * Anything else is one Forbidden error on `spec` with Kubernetes' message and
 * a cmp.Diff-style diff of old and new specs.
 */
import type { FieldError } from '../errors.js';
import type { Container, Pod, PodSpec, Toleration } from '../types.js';
import { child, forbidden, index, invalid, required } from './field.js';
import { validateObjectMetaUpdate } from './objectmeta.js';
import { validatePodSpec, validateTolerations } from './pod.js';
import { semanticEqual, specDiff } from './specdiff.js';

/** The fields a pod update may change, as listed in Kubernetes' Forbidden message. */
export const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

/** `pod updates may not change fields other than …` (without the diff). */
export const POD_UPDATE_FORBIDDEN_PREFIX = `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}`;

const MAX_INT32 = 2147483647;

/** ValidateContainerUpdates: same count (else stop), every image set and without surrounding whitespace. */
function validateContainerUpdates(newList: Container[] | undefined, oldList: Container[] | undefined, path: string): { errs: FieldError[]; stop: boolean } {
  const n = newList ?? [];
  if (n.length !== (oldList ?? []).length) return { errs: [forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  const errs: FieldError[] = [];
  n.forEach((c, i) => {
    const img = c.image ?? '';
    if (!img) errs.push(required(child(index(path, i), 'image')));
    if (img.trim() !== img) errs.push(invalid(child(index(path, i), 'image'), img, 'must not have leading or trailing whitespace'));
  });
  return { errs, stop: false };
}

function validateActiveDeadline(n: PodSpec, o: PodSpec): FieldError[] {
  const path = 'spec.activeDeadlineSeconds';
  const nv = n.activeDeadlineSeconds;
  const ov = o.activeDeadlineSeconds;
  if (nv !== undefined && nv !== null) {
    if (nv < 0 || nv > MAX_INT32) return [invalid(path, nv, `must be between 0 and ${MAX_INT32}, inclusive`)];
    if (ov !== undefined && ov !== null && ov < nv) return [invalid(path, nv, 'must be less than or equal to previous value')];
    return [];
  }
  if (ov !== undefined && ov !== null) return [invalid(path, null, 'must not update from a positive integer to nil value')];
  return [];
}

/** validateOnlyAddedTolerations: every old toleration must still be present (tolerationSeconds may change). */
function validateOnlyAddedTolerations(n: Toleration[] | undefined, o: Toleration[] | undefined, path: string): FieldError[] {
  for (const old of o ?? []) {
    const found = (n ?? []).some((t) => semanticEqual({ ...old, tolerationSeconds: t.tolerationSeconds }, t));
    if (!found) return [forbidden(path, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return validateTolerations(n, path);
}

function mungeSpec(n: PodSpec, o: PodSpec): PodSpec {
  const m = structuredClone(n);
  m.containers = (m.containers ?? []).map((c, i) => ({ ...c, image: o.containers?.[i]?.image }));
  if (m.initContainers) m.initContainers = m.initContainers.map((c, i) => ({ ...c, image: o.initContainers?.[i]?.image }));
  m.activeDeadlineSeconds = o.activeDeadlineSeconds;
  m.tolerations = o.tolerations;
  m.schedulingGates = o.schedulingGates;
  const ot = o.terminationGracePeriodSeconds;
  if (ot !== undefined && ot < 0 && m.terminationGracePeriodSeconds === 1) m.terminationGracePeriodSeconds = ot;
  for (const k of Object.keys(m) as (keyof PodSpec)[]) if (m[k] === undefined) delete m[k];
  return m;
}

/**
 * ValidatePodUpdate: metadata update rules, the new pod's own validity, then
 * the spec immutability rule. Both pods should be defaulted.
 */
export function validatePodUpdate(newPod: Pod, oldPod: Pod): FieldError[] {
  const errs = validateObjectMetaUpdate(newPod.metadata ?? {}, oldPod.metadata ?? {});
  errs.push(...validatePodSpec(newPod.spec));
  const n = newPod.spec ?? { containers: [] };
  const o = oldPod.spec ?? { containers: [] };
  for (const f of ['containers', 'initContainers'] as const) {
    const r = validateContainerUpdates(n[f], o[f], `spec.${f}`);
    errs.push(...r.errs);
    if (r.stop) return errs;
  }
  const ad = validateActiveDeadline(n, o);
  errs.push(...ad);
  if (ad.length && (n.activeDeadlineSeconds ?? null) !== null) return errs;
  errs.push(...validateOnlyAddedTolerations(n.tolerations, o.tolerations, 'spec.tolerations'));
  if (semanticEqual(n, o)) return errs;
  const munged = mungeSpec(n, o);
  if (!semanticEqual(munged, o)) {
    errs.push(forbidden('spec', `${POD_UPDATE_FORBIDDEN_PREFIX}\n${specDiff(o, munged, 'core.PodSpec')}`));
  }
  return errs;
}
