/**
 * Public surface of the schema layer: the registry, strict decoding checks and the
 * schema language types. See types.ts for the language.
 */
import type { GroupVersionKind } from './types.js';
import { schemaForKind } from './registry.js';
import { decodeError, findTypeError, findUnknownFields, strictDecodingError, unknownFieldWarnings } from './strict.js';

export * from './types.js';
export { definitions, getDefinition, jsonProperties, reachableDefinitions, schemaForKind, shortName } from './registry.js';
export type { NamedDefinition } from './registry.js';
export { decodeError, findTypeError, findUnknownFields, goTypeOf, strictDecodingError, unknownFieldWarnings } from './strict.js';

/** The `fieldValidation` query parameter values. */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/**
 * Checks a decoded JSON request body the way the apiserver's decoder does.
 *
 * - A type error throws 400 BadRequest `<Kind> in version "<v>" cannot be handled as a <Kind>: json: cannot unmarshal ...`
 *   whatever `validation` is.
 * - Unknown fields: `Strict` throws {@link strictDecodingError}; `Warn` returns them as
 *   warning texts (`unknown field "spec.foo"`) for `Warning: 299` headers; `Ignore` returns none.
 *   Upstream, an absent `fieldValidation` parameter means `Warn`.
 *
 * Kinds without a schema pass unchecked (returns no warnings).
 * @throws StatusError (400 BadRequest)
 */
export function checkRequestBody(gvk: GroupVersionKind, obj: unknown, validation: FieldValidation): { warnings: string[] } {
  const named = schemaForKind(gvk.group, gvk.version, gvk.kind);
  if (!named) return { warnings: [] };
  const typeErr = findTypeError(named.name, obj);
  if (typeErr) throw decodeError(gvk.kind, gvk.version, typeErr);
  if (validation === 'Ignore') return { warnings: [] };
  const unknown = findUnknownFields(named.name, obj);
  if (unknown.length === 0) return { warnings: [] };
  if (validation === 'Strict') throw strictDecodingError(gvk.kind, gvk.version, unknown);
  return { warnings: unknownFieldWarnings(unknown) };
}
