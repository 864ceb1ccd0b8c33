/**
 * Conversion of peapod schema definitions to OpenAPI v3 schema objects, in the shape
 * the real apiserver serves: struct references wrapped in single-element `allOf`,
 * strategic-merge extensions on merge lists, `x-kubernetes-group-version-kind` on kinds,
 * and the Quantity/IntOrString/Time wrapper schemas.
 */
import { definitions } from './registry.js';
import type { Definition, Field, GroupVersionKind } from './types.js';

/** JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A JSON object. */
export type JsonObject = { [key: string]: Json };

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.Time';
const MICRO_TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime';

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });

/** Converts one schema field to its OpenAPI v3 form. */
export function fieldToOpenApi(f: Field): JsonObject {
  const out: JsonObject = {};
  if (f.description) out.description = f.description;
  switch (f.type) {
    case 'string':
      out.type = 'string';
      if (f.format) out.format = f.format;
      if (f.enum) out.enum = [...f.enum];
      break;
    case 'integer': out.type = 'integer'; out.format = f.format; break;
    case 'number': out.type = 'number'; out.format = 'double'; break;
    case 'boolean': out.type = 'boolean'; break;
    case 'array': arrayToOpenApi(f, out); break;
    case 'map': out.type = 'object'; out.additionalProperties = valueSchema(f.values); break;
    case 'object':
      out.type = 'object';
      if (f.properties) out.properties = propertiesToOpenApi(f.properties);
      else out['x-kubernetes-preserve-unknown-fields'] = true;
      break;
    case 'ref': out.allOf = [ref(f.ref)]; break;
    case 'quantity': out.allOf = [ref(QUANTITY)]; break;
    case 'intOrString': out.allOf = [ref(INT_OR_STRING)]; break;
    case 'time': out.allOf = [ref(f.micro ? MICRO_TIME : TIME)]; break;
  }
  return out;
}

function arrayToOpenApi(f: Field & { type: 'array' }, out: JsonObject): void {
  out.type = 'array';
  out.items = valueSchema(f.items);
  if (f.mergeKey) out['x-kubernetes-patch-merge-key'] = f.mergeKey;
  if (f.patchStrategy) out['x-kubernetes-patch-strategy'] = f.patchStrategy;
  if (f.listType) out['x-kubernetes-list-type'] = f.listType;
  if (f.listMapKeys) out['x-kubernetes-list-map-keys'] = [...f.listMapKeys];
}

/** Schema of list items and map values: struct refs wrapped in `allOf` with `default: {}`, as upstream does. */
function valueSchema(f: Field): JsonObject {
  const s = fieldToOpenApi(f);
  if (f.type === 'ref') s.default = {};
  return s;
}

function propertiesToOpenApi(props: Record<string, Field>): JsonObject {
  const out: JsonObject = {};
  for (const [k, f] of Object.entries(props)) out[k] = fieldToOpenApi(f);
  return out;
}

/** Converts a named definition to an OpenAPI schema (embedded structs flattened in). */
export function definitionToOpenApi(def: Definition): JsonObject {
  let props: Record<string, Field> = {};
  for (const e of def.embeds ?? []) {
    const emb = definitions[e.ref];
    if (emb) props = { ...props, ...flatProps(emb) };
  }
  props = { ...props, ...def.properties };
  const out: JsonObject = { description: def.description, type: 'object', properties: propertiesToOpenApi(props) };
  if (def.required?.length) out.required = [...def.required];
  if (def.gvk) out['x-kubernetes-group-version-kind'] = def.gvk.map(gvkJson);
  return out;
}

function flatProps(def: Definition): Record<string, Field> {
  let props: Record<string, Field> = {};
  for (const e of def.embeds ?? []) {
    const emb = definitions[e.ref];
    if (emb) props = { ...props, ...flatProps(emb) };
  }
  return { ...props, ...def.properties };
}

function gvkJson(g: GroupVersionKind): JsonObject {
  return { group: g.group, kind: g.kind, version: g.version };
}

/** The primitive wrapper schemas (Quantity, IntOrString, Time, MicroTime). */
export function primitiveSchemas(): JsonObject {
  return {
    [QUANTITY]: {
      description: 'A fixed-point amount with a unit suffix: `100m` (millicores), `1Gi`, `500M`, `2`.',
      oneOf: [{ type: 'string' }, { type: 'number' }],
    },
    [INT_OR_STRING]: {
      description: 'Either an integer or a string (a port number or a port name, a count or a percentage).',
      format: 'int-or-string',
      oneOf: [{ type: 'integer' }, { type: 'string' }],
    },
    [TIME]: { description: 'A timestamp in RFC 3339 form with second precision, UTC.', type: 'string', format: 'date-time' },
    [MICRO_TIME]: { description: 'A timestamp in RFC 3339 form with microsecond precision, UTC.', type: 'string', format: 'date-time' },
  };
}

