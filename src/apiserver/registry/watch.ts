/**
 * Watch over a registry collection with the apiserver's semantics:
 * resourceVersion "" or "0" first yields ADDED for every current match
 * (Kubernetes' synthetic initial events), then changes after that; any other
 * resourceVersion yields only changes after it. Selector transitions become
 * ADDED/DELETED as on Kubernetes. A compacted resourceVersion yields one ERROR
 * event carrying a 410 Expired Status.
 */
import { badRequest, expired } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { StoreCompactedError, type Store } from '../../storage/store.js';
import type { ListParams, RegistryStore, RegistryWatchEvent } from './store.js';

/** Streams events of `reg`'s collection in `namespace` (all when undefined) until `signal` aborts. */
export async function* watchRegistry(
  reg: RegistryStore,
  store: Store,
  namespace: string | undefined,
  params: ListParams,
  signal: AbortSignal,
): AsyncGenerator<RegistryWatchEvent> {
  const filter = reg.filter(params);
  let from: number;
  if (!params.resourceVersion || params.resourceVersion === '0') {
    const list = await reg.list(namespace, { labelSelector: params.labelSelector, fieldSelector: params.fieldSelector });
    for (const o of list.items) yield { type: 'ADDED', object: o };
    from = Number(list.metadata.resourceVersion);
  } else {
    from = Number(params.resourceVersion);
    if (!Number.isFinite(from) || from < 0) throw badRequest(`invalid resource version: ${params.resourceVersion}`);
  }
  try {
    for await (const ev of store.watch(reg.prefix(namespace), from, signal)) {
      const cur = reg.decode(ev.kv);
      const prev = ev.prevKv ? reg.decode(ev.prevKv) : undefined;
      reg.stampType(cur);
      if (prev) reg.stampType(prev);
      if (ev.type === 'delete') {
        cur.metadata.resourceVersion = String(ev.revision);
        if (filter(cur)) yield { type: 'DELETED', object: cur };
        continue;
      }
      const now = filter(cur);
      const before = prev ? filter(prev) : false;
      if (ev.created || !prev) { if (now) yield { type: 'ADDED', object: cur }; }
      else if (now && before) yield { type: 'MODIFIED', object: cur };
      else if (now && !before) yield { type: 'ADDED', object: cur };
      else if (!now && before) yield { type: 'DELETED', object: cur };
    }
  } catch (e) {
    if (e instanceof StoreCompactedError) {
      yield { type: 'ERROR', object: expired(`too old resource version: ${from} (${e.compacted})`).status as unknown as KubeObject };
      return;
    }
    if (signal.aborted) return;
    throw e;
  }
}
