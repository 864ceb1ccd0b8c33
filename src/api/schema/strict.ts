/**
 * Decode-time checks of JSON request bodies against the schemas, mirroring the
 * apiserver's JSON decoder (sigs.k8s.io/json over encoding/json):
 *
 * - unknown fields, reported as `strict decoding error: unknown field "spec.foo"` under
 *   `fieldValidation=Strict` (or as warnings under `Warn`);
 * - type errors, reported whatever the field validation, worded like Go's
 *   `json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32`.
 */
import { badRequest, StatusError } from '../errors.js';
import { jsonProperties, shortName } from './registry.js';
import type { Field } from './types.js';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Paths of fields in `obj` that the definition `kindSchemaName` (and what it references)
 * does not declare, in document order: `metadata.foo`, `spec.containers[0].bar`.
 * Free-form objects and map values are not checked. Values of the wrong JSON type are
 * not descended into (type errors are {@link findTypeError}'s job).
 */
export function findUnknownFields(kindSchemaName: string, obj: unknown): string[] {
  const out: string[] = [];
  walkUnknown(kindSchemaName, obj, '', out);
  return out;
}

function walkUnknown(defName: string, value: unknown, path: string, out: string[]): void {
  if (!isObject(value)) return;
  const props = jsonProperties(defName);
  for (const [k, v] of Object.entries(value)) {
    const p = path ? `${path}.${k}` : k;
    const f = props[k];
    if (!f) out.push(p);
    else walkFieldUnknown(f, v, p, out);
  }
}

function walkFieldUnknown(f: Field, v: unknown, path: string, out: string[]): void {
  if (f.type === 'ref') walkUnknown(f.ref, v, path, out);
  else if (f.type === 'array' && Array.isArray(v)) v.forEach((e, i) => walkFieldUnknown(f.items, e, `${path}[${i}]`, out));
  else if (f.type === 'object' && f.properties && isObject(v)) {
    for (const [k, sub] of Object.entries(v)) {
      const p = `${path}.${k}`;
      const sf = f.properties[k];
      if (!sf) out.push(p);
      else walkFieldUnknown(sf, sub, p, out);
    }
  }
}

/** The Go type name a field decodes into, as Go's JSON errors print it. */
export function goTypeOf(f: Field): string {
  if (f.goType) return f.goType;
  switch (f.type) {
    case 'string': return f.format === 'byte' ? '[]uint8' : 'string';
    case 'integer': return f.format;
    case 'number': return 'float64';
    case 'boolean': return 'bool';
    case 'array': return `[]${goTypeOf(f.items)}`;
    case 'map': return `map[string]${goTypeOf(f.values)}`;
    case 'object': return 'map[string]interface {}';
    case 'ref': return goRefName(f.ref);
    case 'quantity': return 'resource.Quantity';
    case 'intOrString': return 'intstr.IntOrString';
    case 'time': return f.micro ? 'v1.MicroTime' : 'v1.Time';
  }
}

function goRefName(name: string): string {
  const parts = name.split('.');
  return `${parts[parts.length - 2] ?? ''}.${parts[parts.length - 1] ?? ''}`;
}

/** Go's name for the JSON value kind, with the literal for numbers when the target is numeric. */
function jsonKind(v: unknown, withNumber: boolean): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return withNumber ? `number ${String(v)}` : 'number';
  if (typeof v === 'boolean') return 'bool';
  return Array.isArray(v) ? 'array' : 'object';
}

/** A decode failure that aborts decoding at once (custom unmarshalers: Quantity, Time, IntOrString). */
class AbortDecode extends Error {}

const QUANTITY_RE = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const QUANTITY_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const RFC3339_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const B64_RE = /^[A-Za-z0-9+/]$/;

interface TypeWalk {
  saved?: string;
}

/**
 * The first JSON decoding type error in `obj` for definition `kindSchemaName`, worded like
 * Go's encoding/json (or the Quantity/Time/IntOrString/base64 unmarshalers), or undefined.
 * Mirrors Go: a plain type mismatch is remembered and decoding goes on; a custom
 * unmarshaler failure aborts at once and wins.
 */
export function findTypeError(kindSchemaName: string, obj: unknown): string | undefined {
  const st: TypeWalk = {};
  if (!isObject(obj)) {
    if (obj === null) return undefined;
    return `json: cannot unmarshal ${jsonKind(obj, false)} into Go value of type ${goRefName(kindSchemaName)}`;
  }
  try {
    walkTypesDef(kindSchemaName, obj, [], st);
  } catch (e) {
    if (e instanceof AbortDecode) return e.message;
    throw e;
  }
  return st.saved;
}

function walkTypesDef(defName: string, obj: Record<string, unknown>, stack: string[], st: TypeWalk): void {
  const props = jsonProperties(defName);
  const struct = shortName(defName);
  for (const [k, v] of Object.entries(obj)) {
    const f = props[k];
    if (f) checkValue(f, v, { struct, field: [...stack, k] }, st);
  }
}

interface Ctx {
  struct: string;
  field: string[];
}

function mismatch(f: Field, v: unknown, ctx: Ctx, st: TypeWalk, numeric = false): void {
  st.saved ??= `json: cannot unmarshal ${jsonKind(v, numeric)} into Go struct field ${ctx.struct}.${ctx.field.join('.')} of type ${goTypeOf(f)}`;
}

function checkValue(f: Field, v: unknown, ctx: Ctx, st: TypeWalk): void {
  if (v === null) return;
  switch (f.type) {
    case 'string':
      if (typeof v !== 'string') return mismatch(f, v, ctx, st);
      if (f.format === 'byte') checkBase64(v);
      return;
    case 'integer': return checkInteger(f, v, ctx, st);
    case 'number': if (typeof v !== 'number') mismatch(f, v, ctx, st); return;
    case 'boolean': if (typeof v !== 'boolean') mismatch(f, v, ctx, st); return;
    case 'array':
      if (!Array.isArray(v)) return mismatch(f, v, ctx, st);
      for (const e of v) checkValue(f.items, e, ctx, st);
      return;
    case 'map':
      if (!isObject(v)) return mismatch(f, v, ctx, st);
      for (const e of Object.values(v)) checkValue(f.values, e, ctx, st);
      return;
    case 'object':
      if (!isObject(v)) return mismatch(f, v, ctx, st);
      if (f.properties) {
        for (const [k, sub] of Object.entries(v)) {
          const sf = f.properties[k];
          if (sf) checkValue(sf, sub, { struct: ctx.struct, field: [...ctx.field, k] }, st);
        }
      }
      return;
    case 'ref':
      if (!isObject(v)) return mismatch(f, v, ctx, st);
      return walkTypesDef(f.ref, v, ctx.field, st);
    case 'quantity': return checkQuantity(v);
    case 'intOrString': return checkIntOrString(v);
    case 'time': return checkTime(v, f.micro === true);
  }
}

function checkInteger(f: Field & { type: 'integer' }, v: unknown, ctx: Ctx, st: TypeWalk): void {
  if (typeof v !== 'number') return mismatch(f, v, ctx, st);
  const limit = f.format === 'int32' ? 2 ** 31 : 2 ** 63;
  if (!Number.isInteger(v) || v < -limit || v >= limit) mismatch(f, v, ctx, st, true);
}

function checkQuantity(v: unknown): void {
  const s = typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '';
  if (!QUANTITY_RE.test(s)) throw new AbortDecode(QUANTITY_ERROR);
}

function checkIntOrString(v: unknown): void {
  if (typeof v === 'string') return;
  if (typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31) return;
  throw new AbortDecode(`json: cannot unmarshal ${jsonKind(v, true)} into Go value of type int32`);
}

function checkTime(v: unknown, micro: boolean): void {
  if (typeof v !== 'string') throw new AbortDecode(`json: cannot unmarshal ${jsonKind(v, false)} into Go value of type string`);
  if (v === '' || RFC3339_RE.test(v)) return;
  const layout = micro ? '2006-01-02T15:04:05.000000Z07:00' : '2006-01-02T15:04:05Z07:00';
  throw new AbortDecode(`parsing time ${JSON.stringify(v)} as "${layout}": cannot parse ${JSON.stringify(v)} as "2006"`);
}

function checkBase64(s: string): void {
  let end = s.length;
  while (end > 0 && s[end - 1] === '=' && s.length - end < 2) end--;
  for (let i = 0; i < end; i++) {
    if (!B64_RE.test(s[i] ?? '')) throw new AbortDecode(`illegal base64 data at input byte ${i}`);
  }
  if (s.length % 4 !== 0) throw new AbortDecode(`illegal base64 data at input byte ${s.length - (s.length % 4)}`);
}

/** `Pod in version "v1" cannot be handled as a Pod: <why>` — the decoder's BadRequest wording. */
export function decodeError(kind: string, version: string, why: string): StatusError {
  return badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: ${why}`);
}

/**
 * 400 BadRequest for unknown fields under `fieldValidation=Strict`:
 * `Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo", unknown field "spec.bar"`.
 * `version` is the bare version (`v1`), also for named groups.
 */
export function strictDecodingError(kind: string, version: string, paths: readonly string[]): StatusError {
  return decodeError(kind, version, `strict decoding error: ${unknownFieldWarnings(paths).join(', ')}`);
}

/** `unknown field "spec.foo"` for each path: the texts used in errors and in `Warning` headers (`fieldValidation=Warn`). */
export function unknownFieldWarnings(paths: readonly string[]): string[] {
  return paths.map((p) => `unknown field ${JSON.stringify(p)}`);
}
