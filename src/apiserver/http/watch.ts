/**
 * Watch responses: a chunked stream of `{"type":...,"object":...}` lines.
 * With the Table Accept header each object is a one-row Table, column
 * definitions only in the first event (as the apiserver's watchEmbeddedEncoder).
 * The stream ends after `timeoutSeconds` (default: a random 30–60 minutes).
 */
import type { KubeObject } from '../../api/types.js';
import type { ResourceRequest } from './handlers.js';
import { wantsTable } from './respond.js';
import { tableFor } from './table.js';

/** Serves a watch on the request's collection until timeout or client disconnect. */
export async function serveWatch(r: ResourceRequest): Promise<void> {
  const url = r.url;
  const timeoutParam = url.searchParams.get('timeoutSeconds');
  const timeoutMs = timeoutParam ? Number(timeoutParam) * 1000 : (1800 + Math.random() * 1800) * 1000;
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  timer.unref?.();
  r.res.on('close', () => ac.abort());
  const params = {
    labelSelector: url.searchParams.get('labelSelector') ?? undefined,
    fieldSelector: url.searchParams.get('fieldSelector') ?? undefined,
    resourceVersion: url.searchParams.get('resourceVersion') ?? undefined,
  };
  // Validate selectors before committing to a 200.
  r.registry.filter(params);
  const table = wantsTable(r.req.headers.accept);
  const includeObject = url.searchParams.get('includeObject') ?? undefined;
  r.res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  r.res.flushHeaders();
  let first = true;
  try {
    for await (const ev of r.registry.watch(r.namespace, params, ac.signal)) {
      let object: unknown = ev.object;
      if (table && ev.type !== 'ERROR' && ev.type !== 'BOOKMARK') {
        object = tableFor(r.registry.strategy.info, [ev.object as KubeObject], {
          includeObject, resourceVersion: ev.object.metadata?.resourceVersion, noHeaders: !first, now: new Date(),
        });
        first = false;
      }
      if (!r.res.write(JSON.stringify({ type: ev.type, object }) + '\n')) {
        await new Promise((res) => r.res.once('drain', res));
      }
      if (ev.type === 'ERROR') break;
    }
  } finally {
    clearTimeout(timer);
    ac.abort();
    if (!r.res.writableEnded) r.res.end();
  }
}
