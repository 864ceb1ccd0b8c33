/**
 * pods/NAME/eviction (policy/v1 Eviction), what `kubectl drain` posts for every pod it
 * removes (pkg/registry/core/pod/storage/eviction.go). peapod has no PodDisruptionBudgets,
 * so every eviction is allowed: it becomes a graceful delete of the pod with the
 * Eviction's `deleteOptions`, answered `201` with a `Success` Status as Kubernetes does.
 */
import { badRequest, methodNotSupported } from '../../api/errors.js';
import type { DeleteOptions } from '../../api/types.js';
import { groupResource } from '../resources.js';
import { decodeObject, readBody } from './body.js';
import type { ResourceRequest } from './handlers.js';
import { writeJson } from './respond.js';

/** The fields of a policy/v1 (or v1beta1) Eviction peapod reads. */
interface Eviction {
  metadata?: { name?: string; namespace?: string };
  deleteOptions?: DeleteOptions | null;
}

/**
 * Serves `POST .../pods/NAME/eviction`.
 * @throws StatusError 405 for other methods, 400 when the body names another pod or is not an
 *   object, 404 (`pods "x" not found`) when the pod does not exist, and whatever the delete raises
 *   (409 on a failed uid precondition).
 */
export async function handleEviction(r: ResourceRequest): Promise<void> {
  const info = r.registry.strategy.info;
  if (r.req.method !== 'POST') throw methodNotSupported(groupResource(info), (r.req.method ?? 'GET').toLowerCase());
  const buf = await readBody(r.req);
  const raw: unknown = buf.length ? decodeObject(buf, r.req.headers['content-type'], 'Eviction') : {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw badRequest('Eviction: the body must be an object');
  const eviction = raw as Eviction;
  const named = eviction.metadata?.name;
  if (named && named !== r.name) throw badRequest(`name in URL does not match name in Eviction object`);
  const opts: DeleteOptions = { ...(eviction.deleteOptions ?? {}) };
  const dryRun = r.url.searchParams.getAll('dryRun').includes('All') || (opts.dryRun ?? []).includes('All');
  await r.registry.delete(r.namespace, r.name!, opts, r.ctx, dryRun);
  writeJson(r.res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}
