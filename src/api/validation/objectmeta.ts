/**
 * ObjectMeta validation (k8s.io/apimachinery/pkg/api/validation/objectmeta.go):
 * name/generateName via the kind's name function, namespace presence, labels,
 * annotations, owner references, finalizers; and the update rules.
 */
import type { FieldError } from '../errors.js';
import type { ObjectMeta } from '../types.js';
import { child, forbidden, index, invalid, invalidEach, required } from './field.js';
import { isDNS1123Label, isQualifiedName, isValidLabelValue, nameIsDNSSubdomain, type ValidateNameFunc } from './primitives.js';

/** Total annotation size limit in bytes (keys + values). */
export const TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * 1024;

/** ValidateLabels: every key a qualified name, every value a label value; errors on `path`. */
export function validateLabels(labels: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...invalidEach(path, k, isQualifiedName(k)));
    if (typeof v !== 'string') errs.push(invalid(path, v, 'must be a string'));
    else errs.push(...invalidEach(path, v, isValidLabelValue(v)));
  }
  return errs;
}

/** ValidateAnnotations: keys are qualified names (case-insensitive), total size at most 256 KiB. */
export function validateAnnotations(annotations: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    errs.push(...invalidEach(path, k, isQualifiedName(k.toLowerCase())));
    size += Buffer.byteLength(k) + Buffer.byteLength(typeof v === 'string' ? v : String(v));
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT_B) {
    errs.push({ type: 'TooLong', field: path, detail: `must have at most ${TOTAL_ANNOTATION_SIZE_LIMIT_B} bytes` });
  }
  return errs;
}

function validateOwnerReferences(meta: ObjectMeta, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let controllers = 0;
  (meta.ownerReferences ?? []).forEach((ref, i) => {
    const p = index(path, i);
    if (!ref.apiVersion) errs.push(invalid(child(p, 'apiVersion'), ref.apiVersion ?? '', 'version must not be empty'));
    if (!ref.kind) errs.push(invalid(child(p, 'kind'), ref.kind ?? '', 'kind must not be empty'));
    if (!ref.name) errs.push(invalid(child(p, 'name'), ref.name ?? '', 'name must not be empty'));
    if (!ref.uid) errs.push(invalid(child(p, 'uid'), ref.uid ?? '', 'uid must not be empty'));
    if (ref.controller) controllers++;
  });
  if (controllers > 1) errs.push(invalid(path, meta.ownerReferences, 'Only one reference can have Controller set to true'));
  return errs;
}

function validateFinalizers(finalizers: string[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  finalizers?.forEach((f, i) => {
    errs.push(...invalidEach(index(path, i), f, isQualifiedName(f)));
  });
  return errs;
}

/**
 * ValidateObjectMeta. `namespaced` says whether the kind lives in a namespace;
 * `nameFn` validates name and generateName (default: nameIsDNSSubdomain).
 * Errors use paths under `metadata`.
 */
export function validateObjectMeta(meta: ObjectMeta, namespaced: boolean, nameFn: ValidateNameFunc = nameIsDNSSubdomain, path = 'metadata'): FieldError[] {
  const errs: FieldError[] = [];
  if (meta.generateName) errs.push(...invalidEach(child(path, 'generateName'), meta.generateName, nameFn(meta.generateName, true)));
  if (!meta.name) errs.push(required(child(path, 'name'), 'name or generateName is required'));
  else errs.push(...invalidEach(child(path, 'name'), meta.name, nameFn(meta.name, false)));
  if (namespaced) {
    if (!meta.namespace) errs.push(required(child(path, 'namespace')));
    else errs.push(...invalidEach(child(path, 'namespace'), meta.namespace, isDNS1123Label(meta.namespace)));
  } else if (meta.namespace) {
    errs.push(forbidden(child(path, 'namespace'), 'not allowed on this type'));
  }
  if (meta.generation !== undefined && meta.generation < 0) {
    errs.push(invalid(child(path, 'generation'), meta.generation, 'must be greater than or equal to 0'));
  }
  errs.push(...validateLabels(meta.labels, child(path, 'labels')));
  errs.push(...validateAnnotations(meta.annotations, child(path, 'annotations')));
  errs.push(...validateOwnerReferences(meta, child(path, 'ownerReferences')));
  errs.push(...validateFinalizers(meta.finalizers, child(path, 'finalizers')));
  return errs;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * ValidateObjectMetaUpdate: name, namespace, uid, creationTimestamp,
 * generateName-independent identity are immutable (`field is immutable`);
 * labels/annotations re-validated.
 */
export function validateObjectMetaUpdate(newMeta: ObjectMeta, oldMeta: ObjectMeta, path = 'metadata'): FieldError[] {
  const errs: FieldError[] = [];
  const immutable: (keyof ObjectMeta)[] = ['name', 'namespace', 'uid', 'creationTimestamp'];
  for (const f of immutable) {
    if (!same(newMeta[f], oldMeta[f])) errs.push(invalid(child(path, String(f)), newMeta[f] ?? '', 'field is immutable'));
  }
  if (oldMeta.deletionTimestamp && !same(newMeta.deletionTimestamp, oldMeta.deletionTimestamp)) {
    errs.push(invalid(child(path, 'deletionTimestamp'), newMeta.deletionTimestamp ?? null, 'field is immutable; may only be changed via deletion'));
  }
  if (oldMeta.deletionGracePeriodSeconds !== undefined && !same(newMeta.deletionGracePeriodSeconds, oldMeta.deletionGracePeriodSeconds)) {
    errs.push(invalid(child(path, 'deletionGracePeriodSeconds'), newMeta.deletionGracePeriodSeconds ?? null, 'field is immutable; may only be changed via deletion'));
  }
  errs.push(...validateLabels(newMeta.labels, child(path, 'labels')));
  errs.push(...validateAnnotations(newMeta.annotations, child(path, 'annotations')));
  errs.push(...validateOwnerReferences(newMeta, child(path, 'ownerReferences')));
  errs.push(...validateFinalizers(newMeta.finalizers, child(path, 'finalizers')));
  return errs;
}
