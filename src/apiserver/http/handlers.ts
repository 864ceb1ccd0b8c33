/**
 * The REST verbs over the generic registry: get, list, create, update, patch,
 * delete and watch, with dryRun, fieldValidation, Table output and status/binding
 * subresources (scale in ./scale.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, conflict, methodNotSupported, notFound, notFoundGeneric, StatusError } from '../../api/errors.js';
import type { Binding, DeleteOptions, KubeObject, Pod } from '../../api/types.js';
import { rfc3339 } from '../../machinery/clock.js';
import { applyPatch } from './patch.js';
import type { RegistryStore } from '../registry/store.js';
import type { RequestContext } from '../registry/strategy.js';
import { groupResource } from '../resources.js';
import { decodeObject, mediaType, parseJson, readBody } from './body.js';
import { checkFields, type FieldValidation } from './fields.js';
import { wantsTable, writeJson } from './respond.js';
import { tableFor } from './table.js';
import { serveWatch } from './watch.js';
import { handleScale } from './scale.js';
import { handleEviction } from './eviction.js';

/** A request resolved to a registry. */
export interface ResourceRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  registry: RegistryStore;
  namespace?: string;
  name?: string;
  subresource?: string;
  ctx: RequestContext;
}

function q(url: URL, key: string): string | undefined {
  const v = url.searchParams.get(key);
  return v === null ? undefined : v;
}

function isDryRun(url: URL): boolean {
  const v = url.searchParams.getAll('dryRun');
  if (v.some((x) => x !== 'All' && x !== '')) throw badRequest(`dryRun: Unsupported value: "${v.find((x) => x !== 'All')}": supported values: "All"`);
  return v.includes('All');
}

function fieldValidation(url: URL): FieldValidation {
  const v = q(url, 'fieldValidation');
  if (v === undefined || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation: Unsupported value: "${v}": supported values: "Ignore", "Strict", "Warn"`);
}

/** Dispatches one resource request by method and subresource. */
export async function handleResource(r: ResourceRequest): Promise<void> {
  const { req, registry } = r;
  const method = req.method ?? 'GET';
  const info = registry.strategy.info;
  if (r.subresource === 'scale' && r.name && info.subresources.some((s) => s.name === 'scale')) return handleScale(r);
  if (r.subresource === 'eviction' && r.name && info.resource === 'pods') return handleEviction(r);
  if (r.subresource && !['status', 'binding'].includes(r.subresource)) throw notFoundGeneric();
  if (r.subresource === 'binding') {
    if (method !== 'POST' || info.resource !== 'pods') throw methodNotSupported(groupResource(info), method.toLowerCase());
    return bind(r);
  }
  if (r.subresource === 'status' && !registry.strategy.hasStatus) throw notFoundGeneric();
  if (!r.name) {
    if (method === 'GET') {
      if (q(r.url, 'watch') === 'true' || q(r.url, 'watch') === '1') return serveWatch(r);
      return list(r);
    }
    if (method === 'POST') return create(r);
    if (method === 'DELETE') return deleteCollection(r);
    throw methodNotSupported(groupResource(info), method.toLowerCase());
  }
  switch (method) {
    case 'GET': return get(r);
    case 'PUT': return update(r);
    case 'PATCH': return patch(r);
    case 'DELETE': return del(r);
    case 'POST': throw methodNotSupported(groupResource(info), 'create');
    default: throw methodNotSupported(groupResource(info), method.toLowerCase());
  }
}

function respondObject(r: ResourceRequest, code: number, obj: KubeObject): void {
  const table = wantsTable(r.req.headers.accept);
  if (table) return writeJson(r.res, code, tableFor(r.registry.strategy.info, [obj], { includeObject: q(r.url, 'includeObject'), resourceVersion: obj.metadata.resourceVersion, now: r.ctx.now }));
  writeJson(r.res, code, obj);
}

async function get(r: ResourceRequest): Promise<void> {
  const obj = await r.registry.get(r.namespace, r.name!);
  respondObject(r, 200, obj);
}

async function list(r: ResourceRequest): Promise<void> {
  const limit = q(r.url, 'limit');
  const result = await r.registry.list(r.namespace, {
    labelSelector: q(r.url, 'labelSelector'),
    fieldSelector: q(r.url, 'fieldSelector'),
    limit: limit ? Number(limit) : undefined,
    continue: q(r.url, 'continue'),
  });
  const table = wantsTable(r.req.headers.accept);
  if (table) {
    const t = tableFor(r.registry.strategy.info, result.items, {
      includeObject: q(r.url, 'includeObject'),
      resourceVersion: result.metadata.resourceVersion,
      continue: result.metadata.continue,
      now: r.ctx.now,
    });
    return writeJson(r.res, 200, t);
  }
  writeJson(r.res, 200, result);
}

async function decodeBody(r: ResourceRequest): Promise<{ obj: KubeObject; warnings: string[] }> {
  const buf = await readBody(r.req);
  const kind = r.registry.strategy.info.kind;
  const raw = decodeObject(buf, r.req.headers['content-type'], kind);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw badRequest(`${kind} in version "${r.registry.strategy.info.version}" cannot be handled as a ${kind}: the body must be a JSON object`);
  }
  const obj = raw as KubeObject;
  if (typeof obj.metadata !== 'object' || obj.metadata === null) obj.metadata = {};
  const warnings = checkFields(r.registry.strategy.info, obj, fieldValidation(r.url));
  return { obj, warnings };
}

function setWarnings(res: ServerResponse, warnings: string[]): void {
  if (warnings.length) res.setHeader('Warning', warnings.map((w) => `299 - ${JSON.stringify(w)}`));
}

async function create(r: ResourceRequest): Promise<void> {
  const { obj, warnings } = await decodeBody(r);
  const created = await r.registry.create(r.namespace, obj, r.ctx, isDryRun(r.url));
  setWarnings(r.res, warnings);
  respondObject(r, 201, created);
}

async function update(r: ResourceRequest): Promise<void> {
  const { obj, warnings } = await decodeBody(r);
  const sub = r.subresource === 'status' ? 'status' : undefined;
  const { object, created } = await r.registry.update(r.namespace, r.name!, obj, r.ctx, { subresource: sub, dryRun: isDryRun(r.url) });
  setWarnings(r.res, warnings);
  respondObject(r, created ? 201 : 200, object);
}

async function patch(r: ResourceRequest): Promise<void> {
  const buf = await readBody(r.req);
  const ct = mediaType(r.req.headers['content-type']);
  const info = r.registry.strategy.info;
  const validation = fieldValidation(r.url);
  const sub = r.subresource === 'status' ? 'status' : undefined;
  const dryRun = isDryRun(r.url);
  let warnings: string[] = [];
  if (ct === 'application/apply-patch+yaml') {
    const applied = decodeObject(buf, ct, info.kind) as KubeObject;
    if (typeof applied !== 'object' || applied === null) throw badRequest('the body must be an object');
    applied.metadata = applied.metadata ?? {};
    warnings = checkFields(info, applied, validation);
    const existing = await r.registry.getOrUndefined(r.namespace, r.name!);
    if (!existing) {
      if (!applied.metadata.name) applied.metadata.name = r.name;
      const created = await r.registry.create(r.namespace, applied, r.ctx, dryRun);
      setWarnings(r.res, warnings);
      return respondObject(r, 201, created);
    }
  }
  const patchBody = ct === 'application/apply-patch+yaml' ? decodeObject(buf, ct, info.kind) : parseJson(buf, info.kind);
  const { object } = await r.registry.update(
    r.namespace,
    r.name!,
    (old) => {
      const next = applyPatch(ct, old, patchBody, info.kind);
      warnings = checkFields(info, next, validation);
      if (!sub && next.metadata) next.metadata.resourceVersion = old.metadata.resourceVersion;
      return next;
    },
    r.ctx,
    { subresource: sub, dryRun },
  );
  setWarnings(r.res, warnings);
  respondObject(r, 200, object);
}

async function readDeleteOptions(r: ResourceRequest): Promise<DeleteOptions> {
  const buf = await readBody(r.req);
  // Typed clients send DeleteOptions as protobuf, the others as JSON.
  const opts: DeleteOptions = buf.length ? (decodeObject(buf, r.req.headers['content-type'], 'DeleteOptions') as DeleteOptions) : {};
  const gp = q(r.url, 'gracePeriodSeconds');
  if (gp !== undefined) opts.gracePeriodSeconds = Number(gp);
  const pp = q(r.url, 'propagationPolicy');
  if (pp) opts.propagationPolicy = pp as DeleteOptions['propagationPolicy'];
  return opts;
}

async function del(r: ResourceRequest): Promise<void> {
  const opts = await readDeleteOptions(r);
  const dryRun = isDryRun(r.url) || (opts.dryRun ?? []).includes('All');
  const { object } = await r.registry.delete(r.namespace, r.name!, opts, r.ctx, dryRun);
  writeJson(r.res, 200, object);
}

async function deleteCollection(r: ResourceRequest): Promise<void> {
  const opts = await readDeleteOptions(r);
  const dryRun = isDryRun(r.url);
  const items = (await r.registry.list(r.namespace, { labelSelector: q(r.url, 'labelSelector'), fieldSelector: q(r.url, 'fieldSelector') })).items;
  for (const o of items) {
    try {
      await r.registry.delete(o.metadata.namespace, o.metadata.name!, opts, r.ctx, dryRun);
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404)) throw e;
    }
  }
  const listed = { ...(await r.registry.list(r.namespace, { labelSelector: q(r.url, 'labelSelector'), fieldSelector: q(r.url, 'fieldSelector') })) };
  writeJson(r.res, 200, listed);
}

/** pods/NAME/binding: assigns the pod to a node (the scheduler's write). */
async function bind(r: ResourceRequest): Promise<void> {
  const buf = await readBody(r.req);
  const binding = decodeObject(buf, r.req.headers['content-type'], 'Binding') as Binding;
  const nodeName = binding?.target?.name;
  if (!nodeName) throw badRequest('Binding "' + r.name + '" is invalid: target.name: Required value');
  const pods = { group: '', resource: 'pods' };
  await r.registry.update(r.namespace, r.name!, (old) => {
    const pod = old as Pod;
    if (pod.metadata.deletionTimestamp) throw conflict(pods, r.name!, 'pod is being deleted, cannot be assigned to a host');
    if (pod.spec.nodeName) throw conflict(pods, r.name!, `pod ${r.name} is already assigned to node "${pod.spec.nodeName}"`);
    if (binding.metadata?.uid && binding.metadata.uid !== pod.metadata.uid) throw conflict(pods, r.name!, 'uid mismatch');
    pod.spec.nodeName = nodeName;
    const status = (pod.status ??= {});
    const conds = (status.conditions ??= []).filter((c) => c.type !== 'PodScheduled');
    conds.unshift({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(r.ctx.now) });
    status.conditions = conds;
    return pod;
  }, r.ctx, { subresource: 'binding' }).catch((e: unknown) => {
    if (e instanceof StatusError && e.code === 404) throw notFound(pods, r.name!);
    throw e;
  });
  writeJson(r.res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}
