/**
 * Field validation of request bodies (the `fieldValidation` query parameter):
 * type errors are always 400; unknown fields are 400 under Strict, warnings under
 * Warn (the default) and silent under Ignore — and in the last two cases they are
 * dropped, as Go's decoder drops fields its structs do not declare.
 */
import type { KubeObject } from '../../api/types.js';
import { checkRequestBody, findUnknownFields, schemaForKind, type FieldValidation } from '../../api/schema/index.js';
import type { ResourceInfo } from '../resources.js';

export type { FieldValidation };

/** Splits `spec.containers[0].foo` into `['spec','containers',0,'foo']`. */
export function splitFieldPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) { out.push(part); continue; }
    if (m[1]) out.push(m[1]);
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

/** Deletes the field at `path` from `obj` if present. */
export function deleteFieldPath(obj: unknown, path: string): void {
  const parts = splitFieldPath(path);
  let cur: unknown = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    if (typeof cur !== 'object' || cur === null) return;
    cur = (cur as Record<string | number, unknown>)[parts[i]!];
  }
  const last = parts[parts.length - 1];
  if (typeof cur === 'object' && cur !== null && last !== undefined) delete (cur as Record<string | number, unknown>)[last];
}

/**
 * Checks `obj` against the kind's schema; returns warning texts and prunes
 * unknown fields in place.
 * @throws StatusError 400 for type errors, and for unknown fields under Strict.
 */
export function checkFields(info: ResourceInfo, obj: KubeObject, validation: FieldValidation): string[] {
  const gvk = { group: info.group, version: info.version, kind: info.kind };
  const { warnings } = checkRequestBody(gvk, obj, validation);
  const named = schemaForKind(info.group, info.version, info.kind);
  if (named) for (const p of findUnknownFields(named.name, obj)) deleteFieldPath(obj, p);
  return warnings;
}
