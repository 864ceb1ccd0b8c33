/**
 * apps/v1 ReplicaSet strategy (pkg/registry/apps/replicaset/strategy.go) and the
 * pod-template helpers shared with the Deployment strategy: template defaulting
 * (SetDefaults_PodSpec + container defaults, not the pod-only admission defaults),
 * ValidatePodTemplateSpecForReplicaSet, selector checks, and the status strategy
 * (spec and identity metadata kept from the stored object).
 */
import type { FieldError } from '../../../api/errors.js';
import { defaultContainer } from '../../../api/defaults/pod.js';
import { labelSelectorFromLabelSelector } from '../../../api/selectors/labels.js';
import type { Container, KubeObject, PodSpec } from '../../../api/types.js';
import { child, forbidden, invalid, notSupported, required } from '../../../api/validation/field.js';
import { validateLabels, validateAnnotations, validatePodSpec } from '../../../api/validation/index.js';
import { findResource } from '../../resources.js';
import type { Strategy } from '../strategy.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A PodTemplateSpec as found in ReplicaSets and Deployments. */
export interface PodTemplateSpec {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  spec?: PodSpec;
}

/**
 * Defaults a pod template in place as the apps/v1 defaulters do: spec-level defaults
 * (dnsPolicy, restartPolicy, securityContext, terminationGracePeriodSeconds,
 * schedulerName) and container defaults. Pod admission defaults (service account,
 * tolerations, priority) are left to pod creation. Idempotent.
 */
export function defaultPodTemplate(t: PodTemplateSpec | undefined): void {
  if (!t || typeof t !== 'object') return;
  const spec = t.spec;
  if (!spec || !isObj(spec)) return;
  spec.dnsPolicy ||= 'ClusterFirst';
  spec.restartPolicy ||= 'Always';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ||= 'default-scheduler';
  for (const c of [...(Array.isArray(spec.containers) ? spec.containers : []), ...(Array.isArray(spec.initContainers) ? spec.initContainers : [])]) {
    if (isObj(c)) defaultContainer(c as Container);
  }
}

/** Validates `spec.selector` (Required, parseable, non-empty). Returns the errors and whether the selector is usable. */
export function validateSelector(selector: unknown, path: string): { errs: FieldError[]; ok: boolean } {
  if (selector === undefined || selector === null) return { errs: [required(path)], ok: false };
  const errs: FieldError[] = [];
  let ok = true;
  try {
    labelSelectorFromLabelSelector(selector);
  } catch {
    errs.push(invalid(path, selector, 'invalid label selector'));
    ok = false;
  }
  const s = isObj(selector) ? selector : {};
  const n = Object.keys(isObj(s.matchLabels) ? s.matchLabels : {}).length + (Array.isArray(s.matchExpressions) ? s.matchExpressions.length : 0);
  if (n === 0) {
    errs.push(invalid(path, selector, 'empty selector is invalid for deployment'));
    ok = false;
  }
  if (isObj(s.matchLabels)) errs.push(...validateLabels(s.matchLabels as Record<string, string>, child(path, 'matchLabels')));
  return { errs, ok };
}

/** ValidatePodTemplateSpecForReplicaSet: labels match the selector, a valid pod spec, restartPolicy Always, no activeDeadlineSeconds. */
export function validateTemplateForReplicaSet(template: PodTemplateSpec | undefined, selector: unknown, selectorOk: boolean, path: string): FieldError[] {
  if (!template || typeof template !== 'object' || Array.isArray(template)) return [required(path)];
  const errs: FieldError[] = [];
  const labels = template.metadata?.labels ?? {};
  if (selectorOk && !labelSelectorFromLabelSelector(selector).matches(labels)) {
    errs.push(invalid(child(child(path, 'metadata'), 'labels'), labels, '`selector` does not match template `labels`'));
  }
  errs.push(...validateLabels(template.metadata?.labels, child(child(path, 'metadata'), 'labels')));
  errs.push(...validateAnnotations(template.metadata?.annotations, child(child(path, 'metadata'), 'annotations')));
  const specPath = child(path, 'spec');
  errs.push(...validatePodSpec(template.spec, specPath).filter((e) => e.field !== child(specPath, 'restartPolicy')));
  const rp = template.spec?.restartPolicy;
  if (rp !== 'Always') errs.push(notSupported(child(specPath, 'restartPolicy'), rp ?? '', ['Always']));
  if (template.spec?.activeDeadlineSeconds !== undefined && template.spec.activeDeadlineSeconds !== null) {
    errs.push(forbidden(child(specPath, 'activeDeadlineSeconds'), 'activeDeadlineSeconds in ReplicaSet is not Supported'));
  }
  return errs;
}

/** ValidateNonnegativeField for an optional integer. */
export function nonNegative(v: unknown, path: string): FieldError[] {
  if (v === undefined || v === null) return [];
  if (typeof v !== 'number' || !Number.isInteger(v)) return [invalid(path, v, 'must be an integer')];
  return v < 0 ? [invalid(path, v, 'must be greater than or equal to 0')] : [];
}

/** The selector may not change after creation (apps/v1). */
export function validateSelectorImmutable(obj: KubeObject, old: KubeObject): FieldError[] {
  const a = (obj.spec as Obj | undefined)?.selector;
  const b = (old.spec as Obj | undefined)?.selector;
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null) ? [] : [invalid('spec.selector', a ?? null, 'field is immutable')];
}

/**
 * Status updates keep the stored spec and labels (deploymentStatusStrategy /
 * rsStatusStrategy PrepareForUpdate); annotations may change, which is how the
 * Deployment controller records `deployment.kubernetes.io/revision`.
 */
export function keepSpecForStatus(obj: KubeObject, old: KubeObject): void {
  obj.spec = structuredClone(old.spec);
  if (old.metadata.labels === undefined) delete obj.metadata.labels;
  else obj.metadata.labels = structuredClone(old.metadata.labels);
}

function rsSpec(obj: KubeObject): Obj {
  if (!isObj(obj.spec)) obj.spec = {};
  return obj.spec as Obj;
}

/** Defaults of an apps/v1 ReplicaSet: replicas 1 and the template defaults. */
export function defaultReplicaSet(obj: KubeObject): void {
  const spec = rsSpec(obj);
  spec.replicas ??= 1;
  defaultPodTemplate(spec.template as PodTemplateSpec | undefined);
}

/** ValidateReplicaSetSpec with Kubernetes' field paths. */
export function validateReplicaSet(obj: KubeObject): FieldError[] {
  const spec = rsSpec(obj);
  const errs = [...nonNegative(spec.replicas, 'spec.replicas'), ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds')];
  const sel = validateSelector(spec.selector, 'spec.selector');
  errs.push(...sel.errs);
  errs.push(...validateTemplateForReplicaSet(spec.template as PodTemplateSpec | undefined, spec.selector, sel.ok, 'spec.template'));
  return errs;
}

/** apps/v1 ReplicaSet: defaults, validation, immutable selector, status subresource, generation tracking. */
export const replicaSetStrategy: Strategy = {
  info: findResource('apps', 'v1', 'replicasets')!,
  hasStatus: true,
  tracksGeneration: true,
  prepareForCreate(obj) {
    defaultReplicaSet(obj);
    obj.status = { replicas: 0 };
  },
  validate: validateReplicaSet,
  prepareForUpdate(obj) {
    defaultReplicaSet(obj);
  },
  validateUpdate: (obj, old) => [...validateReplicaSet(obj), ...validateSelectorImmutable(obj, old)],
  prepareForStatusUpdate: keepSpecForStatus,
};
