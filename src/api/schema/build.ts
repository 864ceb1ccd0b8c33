/**
 * Terse constructors for schema fields, so definition files read like a table:
 * `name: str(1, 'Name of the container.', KEEP)`.
 */
import type { ArrayField, Field, FieldBase, GroupVersionKind, MapField, RefField } from './types.js';

/** Definition name prefixes. */
export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
/** Definition-name prefixes of the API groups (OpenAPI component names). */
export const CORE = 'io.k8s.api.core.v1.';
export const APPS = 'io.k8s.api.apps.v1.';
export const COORD = 'io.k8s.api.coordination.v1.';
export const AUTOSCALING = 'io.k8s.api.autoscaling.v1.';

/** Extra flags: pass `KEEP` for pointer / non-omitempty fields. */
export type Extra = Omit<FieldBase, 'description' | 'proto'>;
/** Keep the zero value in JSON converted from protobuf. */
export const KEEP: Extra = { keepZero: true };

/** string */
export function str(proto: number, description: string, extra?: Extra & { enum?: readonly string[] }): Field {
  return { type: 'string', proto, description, ...extra };
}
/** base64 bytes */
export function bytes(proto: number, description: string): Field {
  return { type: 'string', format: 'byte', proto, description };
}
/** int32 */
export function i32(proto: number, description: string, extra?: Extra): Field {
  return { type: 'integer', format: 'int32', proto, description, ...extra };
}
/** int64 */
export function i64(proto: number, description: string, extra?: Extra): Field {
  return { type: 'integer', format: 'int64', proto, description, ...extra };
}
/** bool */
export function bool(proto: number, description: string, extra?: Extra): Field {
  return { type: 'boolean', proto, description, ...extra };
}
/** []string (atomic) */
export function strs(proto: number, description: string, extra?: Partial<ArrayField>): Field {
  return { type: 'array', items: { type: 'string' }, proto, description, ...extra };
}
/** map[string]string */
export function strMap(proto: number, description: string): MapField {
  return { type: 'map', values: { type: 'string' }, proto, description };
}
/** map[string]resource.Quantity (a ResourceList) */
export function qtyMap(proto: number, description: string): MapField {
  return { type: 'map', values: { type: 'quantity' }, proto, description, goType: 'v1.ResourceList' };
}
/** Reference to a named definition. */
export function ref(proto: number, name: string, description: string, extra?: Extra): RefField {
  return { type: 'ref', ref: name, proto, description, ...extra };
}
/** List of a named definition; `mergeKey` makes it a strategic-merge list. */
export function refs(
  proto: number,
  name: string,
  description: string,
  merge?: { key: string; strategy?: string; listType?: 'map' | 'atomic'; mapKeys?: readonly string[] },
): ArrayField {
  const f: ArrayField = { type: 'array', items: { type: 'ref', ref: name }, proto, description };
  if (merge) {
    f.mergeKey = merge.key;
    f.patchStrategy = merge.strategy ?? 'merge';
    if (merge.listType) f.listType = merge.listType;
    if (merge.mapKeys) f.listMapKeys = merge.mapKeys;
  }
  return f;
}
/** meta/v1 Time */
export function time(proto: number, description: string): Field {
  return { type: 'time', proto, description };
}
/** meta/v1 MicroTime */
export function microTime(proto: number, description: string): Field {
  return { type: 'time', micro: true, proto, description };
}
/** resource.Quantity */
export function qty(proto: number, description: string): Field {
  return { type: 'quantity', proto, description };
}
/** intstr.IntOrString */
export function intOrString(proto: number, description: string): Field {
  return { type: 'intOrString', proto, description };
}
/** `metadata` of a top-level kind. */
export function objectMeta(): RefField {
  return ref(1, META + 'ObjectMeta', "Standard object metadata: name, namespace, labels, annotations, owners and bookkeeping.");
}
/** `apiVersion` and `kind` of a top-level kind (not on the protobuf wire: TypeMeta travels in runtime.Unknown). */
export function typeMeta(): Record<string, Field> {
  return {
    apiVersion: { type: 'string', description: 'Versioned schema of this representation of the object, e.g. `v1` or `apps/v1`.' },
    kind: { type: 'string', description: 'The REST resource type this object represents, in CamelCase, e.g. `Pod`.' },
  };
}
/** The GVK list for a kind. */
export function gvk(group: string, version: string, kind: string): GroupVersionKind[] {
  return [{ group, version, kind }];
}
/** A `conditions` list merged by `type`. */
export function conditions(proto: number, name: string, description: string): ArrayField {
  return refs(proto, name, description, { key: 'type', listType: 'map', mapKeys: ['type'] });
}
