/**
 * OpenAPI v3 documents generated from peapod's own schemas, served at `/openapi/v3`
 * (index) and `/openapi/v3/<api/v1|apis/g/v>` (one document per group-version).
 *
 * kubectl needs them for three things (see shared/reference/kubectl-wire.md 4.1, 12):
 * - field validation: a PATCH operation carrying `x-kubernetes-group-version-kind` (an
 *   object) and a `fieldValidation` query parameter makes kubectl send
 *   `fieldValidation=Strict` instead of falling back to the protobuf `/openapi/v2`;
 * - `apply`: `x-kubernetes-patch-merge-key`/`-strategy` on merge lists drive its
 *   strategic merge patch;
 * - `explain`: descriptions, types and `$ref`s (wrapped in single-element `allOf`).
 */
import { createHash } from 'node:crypto';
import { definitionToOpenApi, primitiveSchemas, type Json, type JsonObject } from '../api/schema/openapi-schemas.js';
import { definitions, reachableDefinitions, schemaForKind } from '../api/schema/registry.js';
import type { GroupVersionKind } from '../api/schema/types.js';

export type { Json, JsonObject };

/** One resource of a group-version to describe. */
export interface OpenApiResource {
  /** Plural resource name, e.g. `pods`. */
  resource: string;
  /** Kind, e.g. `Pod`. */
  kind: string;
  namespaced: boolean;
  /** Subresources: `status`, `scale`, `binding`, `log`, `exec`, `attach`, `portforward`, `eviction`... */
  subresources?: string[];
}

/** Splits `apps/v1` into group `apps` and version `v1`; `v1` is the core group. */
export function parseGroupVersion(gv: string): { group: string; version: string } {
  const i = gv.indexOf('/');
  return i < 0 ? { group: '', version: gv } : { group: gv.slice(0, i), version: gv.slice(i + 1) };
}

/** `api/v1` for the core group, `apis/<group>/<version>` otherwise (the index keys). */
export function openApiPathKey(gv: string): string {
  const { group, version } = parseGroupVersion(gv);
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/**
 * The `/openapi/v3` index:
 * `{"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=H"},...}}`.
 * `hashFn(gv)` returns the document hash of each group-version (see {@link openApiHash}).
 */
export function openApiIndex(groupVersions: readonly string[], hashFn: (gv: string) => string): JsonObject {
  const paths: JsonObject = {};
  for (const gv of groupVersions) {
    const key = openApiPathKey(gv);
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hashFn(gv)}` };
  }
  return { paths };
}

/** The document hash Kubernetes uses: sha512 of the document's JSON, upper-case hex. Stable for equal documents. */
export function openApiHash(doc: Json): string {
  return createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
}

/** Kinds whose schemas a group-version document must carry: its resources' kinds plus subresource kinds. */
function rootKinds(gv: { group: string; version: string }, resources: readonly OpenApiResource[]): string[] {
  const roots: string[] = [];
  const add = (g: string, v: string, k: string): void => {
    const named = schemaForKind(g, v, k);
    if (named && !roots.includes(named.name)) roots.push(named.name);
  };
  for (const r of resources) {
    add(gv.group, gv.version, r.kind);
    if (r.subresources?.includes('scale')) add('autoscaling', 'v1', 'Scale');
    if (r.subresources?.includes('binding')) add('', 'v1', 'Binding');
  }
  return roots;
}

/**
 * The OpenAPI 3.0 document of one group-version (`v1`, `apps/v1`): `components.schemas`
 * for every definition reachable from the resources' kinds, and `paths` for each
 * resource (collection list/create, item get/put/patch/delete, subresources), every
 * operation tagged with its GVK and carrying `fieldValidation`/`fieldManager`/`dryRun` where upstream does.
 * Deterministic: equal inputs give byte-identical JSON, so {@link openApiHash} is stable.
 */
export function openApiDocument(groupVersion: string, resources: readonly OpenApiResource[]): JsonObject {
  const gv = parseGroupVersion(groupVersion);
  const schemas: JsonObject = {};
  const names = reachableDefinitions(rootKinds(gv, resources)).sort();
  for (const name of names) {
    const def = definitions[name];
    if (def) schemas[name] = definitionToOpenApi(def);
  }
  Object.assign(schemas, primitiveSchemas());
  const paths: JsonObject = {};
  for (const r of resources) Object.assign(paths, resourcePaths(gv, r));
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas },
  };
}

const STRING = { type: 'string' };
const q = (name: string, description: string, schema: JsonObject = STRING): JsonObject => ({
  name, in: 'query', description, schema, uniqueItems: true,
});
const P_PRETTY = q('pretty', 'Pretty-print the output.');
const P_DRY_RUN = q('dryRun', 'When present (`All`), the request is processed fully but nothing is persisted.');
const P_FIELD_MANAGER = q('fieldManager', 'Name of the actor making the change, recorded in managedFields.');
const P_FIELD_VALIDATION = q(
  'fieldValidation',
  'How to treat unknown or duplicate fields in the body: Ignore, Warn or Strict (reject with 400 BadRequest).',
);
const P_FORCE = q('force', 'Force an apply patch to take conflicting fields from other managers.', { type: 'boolean' });
const P_GRACE = q('gracePeriodSeconds', 'Seconds before the object is deleted; 0 deletes immediately.', { type: 'integer' });
const P_PROPAGATION = q('propagationPolicy', 'Orphan, Background or Foreground garbage collection of dependents.');
const LIST_PARAMS: JsonObject[] = [
  q('allowWatchBookmarks', 'Ask for BOOKMARK watch events.', { type: 'boolean' }),
  q('continue', 'Token from a previous chunked list.'),
  q('fieldSelector', 'Restrict the list by fields, e.g. `spec.nodeName=n1`.'),
  q('labelSelector', 'Restrict the list by labels, e.g. `app=web`.'),
  q('limit', 'Maximum number of items to return.', { type: 'integer' }),
  q('resourceVersion', 'Resource version constraint for the read.'),
  q('timeoutSeconds', 'Timeout for list/watch calls.', { type: 'integer' }),
  q('watch', 'Stream changes instead of listing.', { type: 'boolean' }),
];

const pathParam = (name: string, description: string): JsonObject => ({
  name, in: 'path', description, required: true, schema: STRING, uniqueItems: true,
});

/** `Core`, `Apps`, `CoordinationV1`... segments of upstream operation ids. */
function opIdGroup(gv: { group: string; version: string }): string {
  const g = gv.group ? gv.group.split('.')[0] ?? '' : 'core';
  const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
  return cap(g) + cap(gv.version);
}

function jsonBody(schema: JsonObject): JsonObject {
  return { content: { '*/*': { schema } }, required: true };
}

function patchBody(): JsonObject {
  const schema = { type: 'object', description: 'A patch document.' };
  const content: JsonObject = {};
  for (const t of [
    'application/apply-patch+yaml',
    'application/json-patch+json',
    'application/merge-patch+json',
    'application/strategic-merge-patch+json',
  ]) content[t] = { schema };
  return { content, required: true };
}

function responses(codes: number[], schema: JsonObject): JsonObject {
  const out: JsonObject = {};
  const text: Record<number, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted' };
  for (const c of codes) {
    out[String(c)] = {
      description: text[c] ?? 'OK',
      content: { 'application/json': { schema }, 'application/yaml': { schema }, 'application/vnd.kubernetes.protobuf': { schema } },
    };
  }
  out['401'] = { description: 'Unauthorized' };
  return out;
}

interface OpSpec {
  action: string;
  opId: string;
  description: string;
  gvk: GroupVersionKind | undefined;
  params: JsonObject[];
  body?: JsonObject;
  codes: number[];
  schema: JsonObject;
}

function operation(o: OpSpec): JsonObject {
  const op: JsonObject = {
    description: o.description,
    operationId: o.opId,
    parameters: o.params,
    responses: responses(o.codes, o.schema),
    'x-kubernetes-action': o.action,
  };
  if (o.body) op.requestBody = o.body;
  if (o.gvk) op['x-kubernetes-group-version-kind'] = { group: o.gvk.group, kind: o.gvk.kind, version: o.gvk.version };
  return op;
}

function kindSchemaRef(gvk: GroupVersionKind | undefined): JsonObject {
  const named = gvk ? schemaForKind(gvk.group, gvk.version, gvk.kind) : undefined;
  return named ? { $ref: `#/components/schemas/${named.name}` } : { type: 'object' };
}

/** Item operations for an object-shaped endpoint (the object itself or its status/scale). */
function itemOps(base: string, gvk: GroupVersionKind | undefined, what: string): JsonObject {
  const schema = kindSchemaRef(gvk);
  const write = [P_DRY_RUN, P_FIELD_MANAGER, P_FIELD_VALIDATION, P_PRETTY];
  return {
    get: operation({ action: 'get', opId: `read${base}`, description: `read the specified ${what}`, gvk, params: [P_PRETTY], codes: [200], schema }),
    put: operation({ action: 'put', opId: `replace${base}`, description: `replace the specified ${what}`, gvk, params: write, body: jsonBody(schema), codes: [200, 201], schema }),
    patch: operation({ action: 'patch', opId: `patch${base}`, description: `partially update the specified ${what}`, gvk, params: [...write, P_FORCE], body: patchBody(), codes: [200, 201], schema }),
  };
}

/**
 * The OpenAPI path items of one resource: the collection (list, create; plus the
 * all-namespaces list for namespaced resources), the item (get, put, patch, delete) and
 * its subresources, keyed by URL template (`/api/v1/namespaces/{namespace}/pods/{name}`).
 */
export function resourcePaths(gv: { group: string; version: string }, r: OpenApiResource): JsonObject {
  const prefix = gv.group ? `/apis/${gv.group}/${gv.version}` : `/api/${gv.version}`;
  const gvk: GroupVersionKind = { group: gv.group, version: gv.version, kind: r.kind };
  const ns = r.namespaced ? 'Namespaced' : '';
  const base = `${opIdGroup(gv)}${ns}${r.kind}`;
  const collection = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.resource}` : `${prefix}/${r.resource}`;
  const nsParams = r.namespaced ? [pathParam('namespace', 'object name and auth scope, such as for teams and projects')] : [];
  const nameParam = pathParam('name', `name of the ${r.kind}`);
  const schema = kindSchemaRef(gvk);
  const what = r.kind;
  const paths: JsonObject = {};
  paths[collection] = {
    get: operation({ action: 'list', opId: `list${base}`, description: `list or watch objects of kind ${what}`, gvk, params: [...LIST_PARAMS, P_PRETTY], codes: [200], schema: { type: 'object' } }),
    post: operation({ action: 'post', opId: `create${base}`, description: `create a ${what}`, gvk, params: [P_DRY_RUN, P_FIELD_MANAGER, P_FIELD_VALIDATION, P_PRETTY], body: jsonBody(schema), codes: [200, 201, 202], schema }),
    parameters: nsParams,
  };
  if (r.namespaced) {
    paths[`${prefix}/${r.resource}`] = {
      get: operation({ action: 'list', opId: `list${opIdGroup(gv)}${r.kind}ForAllNamespaces`, description: `list or watch objects of kind ${what}`, gvk, params: [...LIST_PARAMS, P_PRETTY], codes: [200], schema: { type: 'object' } }),
    };
  }
  paths[`${collection}/{name}`] = {
    ...itemOps(base, gvk, what),
    delete: operation({ action: 'delete', opId: `delete${base}`, description: `delete a ${what}`, gvk, params: [P_DRY_RUN, P_GRACE, P_PROPAGATION, P_PRETTY], codes: [200, 202], schema }),
    parameters: [nameParam, ...nsParams],
  };
  for (const sub of r.subresources ?? []) {
    const item = subresourceItem(sub, base, gvk, what);
    if (item) paths[`${collection}/{name}/${sub}`] = { ...item, parameters: [nameParam, ...nsParams] };
  }
  return paths;
}

function subresourceItem(sub: string, base: string, gvk: GroupVersionKind, what: string): JsonObject | undefined {
  const cap = sub.charAt(0).toUpperCase() + sub.slice(1);
  if (sub === 'status') return itemOps(`${base}Status`, gvk, `status of the ${what}`);
  if (sub === 'scale') return itemOps(`${base}Scale`, { group: 'autoscaling', version: 'v1', kind: 'Scale' }, `scale of the ${what}`);
  if (sub === 'binding' || sub === 'eviction') {
    const subGvk = sub === 'binding' ? { group: '', version: 'v1', kind: 'Binding' } : { group: 'policy', version: 'v1', kind: 'Eviction' };
    const schema = kindSchemaRef(subGvk);
    return {
      post: operation({ action: 'post', opId: `create${base}${cap}`, description: `create ${sub} of a ${what}`, gvk: subGvk, params: [P_DRY_RUN, P_FIELD_MANAGER, P_FIELD_VALIDATION, P_PRETTY], body: jsonBody(schema), codes: [200, 201, 202], schema }),
    };
  }
  const text = { type: 'string' };
  const get = operation({ action: sub === 'log' ? 'get' : 'connect', opId: `${sub === 'log' ? 'read' : 'connectGet'}${base}${cap}`, description: `${sub === 'log' ? 'read' : 'connect GET requests to'} ${sub} of ${what}`, gvk: undefined, params: [], codes: [200], schema: text });
  if (sub === 'log') return { get };
  return {
    get,
    post: operation({ action: 'connect', opId: `connectPost${base}${cap}`, description: `connect POST requests to ${sub} of ${what}`, gvk: undefined, params: [], codes: [200], schema: text }),
  };
}
