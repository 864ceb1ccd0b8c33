/**
 * The `scale` subresource (autoscaling/v1 Scale) of deployments and replicasets,
 * as pkg/registry/apps/deployment/storage ScaleREST: GET builds a Scale from the
 * object, PUT and PATCH (merge, JSON, strategic) change only `spec.replicas`.
 * A Scale carrying a resourceVersion is a precondition (409 Conflict when stale).
 */
import { badRequest, conflict, CONFLICT_MODIFIED, invalid, methodNotSupported, type FieldError } from '../../api/errors.js';
import { labelSelectorFromLabelSelector } from '../../api/selectors/labels.js';
import type { KubeObject } from '../../api/types.js';
import { groupResource } from '../resources.js';
import { decodeObject, mediaType, parseJson, readBody } from './body.js';
import type { ResourceRequest } from './handlers.js';
import { applyPatch } from './patch.js';
import { writeJson } from './respond.js';

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});

/** The autoscaling/v1 Scale of a scalable object: spec.replicas, status.replicas and the selector string. */
export function scaleOf(obj: KubeObject): KubeObject {
  const spec = asObj(obj.spec);
  const status = asObj(obj.status);
  let selector = '';
  try {
    selector = labelSelectorFromLabelSelector(spec.selector).toString();
  } catch {
    selector = '';
  }
  const m = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: typeof spec.replicas === 'number' ? spec.replicas : 0 },
    status: { replicas: typeof status.replicas === 'number' ? status.replicas : 0, ...(selector ? { selector } : {}) },
  };
}

function validateScale(scale: KubeObject): FieldError[] {
  const r = asObj(scale.spec).replicas;
  if (r === undefined || r === null) return [];
  if (typeof r !== 'number' || !Number.isInteger(r)) return [{ type: 'Invalid', field: 'spec.replicas', value: r, detail: 'must be an integer' }];
  return r < 0 ? [{ type: 'Invalid', field: 'spec.replicas', value: r, detail: 'must be greater than or equal to 0' }] : [];
}

/** Serves GET/PUT/PATCH on `<resource>/NAME/scale`. */
export async function handleScale(r: ResourceRequest): Promise<void> {
  const method = r.req.method ?? 'GET';
  const info = r.registry.strategy.info;
  const name = r.name!;
  if (method === 'GET') return writeJson(r.res, 200, scaleOf(await r.registry.get(r.namespace, name)));
  if (method !== 'PUT' && method !== 'PATCH') throw methodNotSupported(groupResource(info), method.toLowerCase());
  const buf = await readBody(r.req);
  const ct = mediaType(r.req.headers['content-type']);
  const body: unknown = method === 'PUT' ? decodeObject(buf, r.req.headers['content-type'], 'Scale') : parseJson(buf, 'Scale');
  const dryRun = r.url.searchParams.getAll('dryRun').includes('All');
  const { object } = await r.registry.update(r.namespace, name, (old) => {
    const current = scaleOf(old);
    const next = method === 'PUT' ? (body as KubeObject) : applyPatch(ct, current, body, 'Scale');
    if (typeof next !== 'object' || next === null) throw badRequest('the body must be a Scale object');
    next.metadata ??= {};
    const errs = validateScale(next);
    if (errs.length) throw invalid('Scale', 'autoscaling', name, errs);
    const rv = next.metadata.resourceVersion;
    if (rv && rv !== old.metadata.resourceVersion) throw conflict(groupResource(info), name, CONFLICT_MODIFIED);
    const spec = asObj(old.spec);
    const replicas = asObj(next.spec).replicas;
    spec.replicas = typeof replicas === 'number' ? replicas : 0;
    old.spec = spec;
    return old;
  }, r.ctx, { dryRun });
  writeJson(r.res, 200, scaleOf(object));
}
