/**
 * The Store contract suite: one set of node:test cases every backend (memory,
 * sqlite, etcd) must pass, as Hono runs one suite against all its routers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  StoreCompactedError,
  StoreConflictError,
  StoreKeyExistsError,
  StoreKeyNotFoundError,
  type Store,
  type StoreEvent,
} from './store.js';

/** A fresh, empty store plus the hooks the suite needs around it. */
export interface StoreHarness {
  /** An empty store (revision 1). After `reopen`, this is the reopened store. */
  store: Store;
  /** Closes the current store and removes everything it created (files, dirs). */
  cleanup(): Promise<void>;
  /** Compacts history at or below `revision` (etcd Compact semantics). */
  compact(revision: number): Promise<void>;
  /**
   * Durable backends only: closes `store`, opens the same data again, sets and
   * returns the new `store`. Required when the suite runs with `durable: true`.
   */
  reopen?(): Promise<Store>;
}

/** What the backend under test promises beyond the common contract. */
export interface StoreContractOptions {
  /** Acknowledged writes survive close + reopen; the harness must provide `reopen`. */
  durable?: boolean;
}

/**
 * Registers `describe(`Store contract: ${name}`)` covering revisions, CRUD, errors,
 * conditional writes, list + continuation, watch replay/live/filter/abort,
 * compaction, close and (when `opts.durable`) durability across reopen. Each case gets its own harness.
 */
export function runStoreContract(
  name: string,
  makeStore: () => Promise<StoreHarness>,
  opts: StoreContractOptions = {},
): void {
  const run = (fn: (h: StoreHarness) => Promise<void>) => async () => {
    const h = await makeStore();
    try {
      await fn(h);
    } finally {
      await h.cleanup();
    }
  };

  describe(`Store contract: ${name}`, () => {
    describe('revisions and CRUD', () => registerCrud(run));
    describe('list', () => registerList(run));
    describe('watch', () => registerWatch(run));
    describe('compaction', () => registerCompaction(run));
    describe('close', () => registerClose(run));
    if (opts.durable) describe('durability', () => registerDurability(run));
  });
}

type Runner = (fn: (h: StoreHarness) => Promise<void>) => () => Promise<void>;

function registerCrud(run: Runner): void {
  it('starts at revision 1 and adds exactly 1 per write across all keys', run(async ({ store }) => {
    assert.equal(await store.currentRevision(), 1);
    assert.equal((await store.create('/a', '1')).modRevision, 2);
    assert.equal((await store.create('/b', '1')).modRevision, 3);
    assert.equal((await store.update('/a', '2')).modRevision, 4);
    assert.equal((await store.delete('/b')).revision, 5);
    assert.equal(await store.currentRevision(), 5);
  }));

  it('creates and gets a key; get of a missing key is undefined', run(async ({ store }) => {
    const value = JSON.stringify({ kind: 'Pod', name: 'wéb-☃-𝄞', data: 'x'.repeat(100_000) });
    const kv = await store.create('/registry/pods/default/web', value);
    assert.deepEqual(kv, { key: '/registry/pods/default/web', value, createRevision: 2, modRevision: 2 });
    assert.deepEqual(await store.get('/registry/pods/default/web'), kv);
    assert.equal(await store.get('/registry/pods/default/nope'), undefined);
  }));

  it('rejects create of an existing key without bumping the revision', run(async ({ store }) => {
    await store.create('/k', 'v1');
    await assert.rejects(store.create('/k', 'v2'), (e) => e instanceof StoreKeyExistsError && e.key === '/k');
    assert.equal(await store.currentRevision(), 2);
    assert.equal((await store.get('/k'))?.value, 'v1');
  }));

  it('updates preserving createRevision; update of a missing key is KeyNotFound', run(async ({ store }) => {
    await store.create('/k', 'v1');
    await store.create('/other', 'x');
    const kv = await store.update('/k', 'v2');
    assert.deepEqual(kv, { key: '/k', value: 'v2', createRevision: 2, modRevision: 4 });
    const kv2 = await store.update('/k', 'v3');
    assert.equal(kv2.createRevision, 2);
    assert.equal(kv2.modRevision, 5);
    assert.deepEqual(await store.get('/k'), kv2);
    await assert.rejects(store.update('/missing', 'v'), (e) => e instanceof StoreKeyNotFoundError && e.key === '/missing');
    await assert.rejects(store.update('/missing', 'v', 2), StoreKeyNotFoundError);
    assert.equal(await store.currentRevision(), 5);
  }));

  it('deletes returning the last value and the delete revision; recreate starts fresh', run(async ({ store }) => {
    await store.create('/k', 'v1');
    const last = await store.update('/k', 'v2');
    const del = await store.delete('/k');
    assert.deepEqual(del, { kv: last, revision: 4 });
    assert.equal(await store.get('/k'), undefined);
    await assert.rejects(store.delete('/k'), (e) => e instanceof StoreKeyNotFoundError && e.key === '/k');
    await assert.rejects(store.update('/k', 'x'), StoreKeyNotFoundError);
    const again = await store.create('/k', 'v3');
    assert.deepEqual(again, { key: '/k', value: 'v3', createRevision: 5, modRevision: 5 });
    assert.equal(await store.currentRevision(), 5);
  }));

  it('conditional update: stale revision conflicts, current revision succeeds', run(async ({ store }) => {
    const v1 = await store.create('/k', 'v1');
    const v2 = await store.update('/k', 'v2', v1.modRevision);
    await assert.rejects(
      store.update('/k', 'v3', v1.modRevision),
      (e) => e instanceof StoreConflictError && e.key === '/k' && e.actualRevision === v2.modRevision,
    );
    assert.equal((await store.get('/k'))?.value, 'v2');
    assert.equal(await store.currentRevision(), v2.modRevision);
    const v3 = await store.update('/k', 'v3', v2.modRevision);
    assert.equal(v3.value, 'v3');
  }));

  it('conditional delete: stale revision conflicts, current revision succeeds', run(async ({ store }) => {
    const v1 = await store.create('/k', 'v1');
    const v2 = await store.update('/k', 'v2');
    await assert.rejects(store.delete('/k', v1.modRevision), StoreConflictError);
    assert.deepEqual(await store.get('/k'), v2);
    const del = await store.delete('/k', v2.modRevision);
    assert.deepEqual(del, { kv: v2, revision: v2.modRevision + 1 });
    assert.equal(await store.get('/k'), undefined);
  }));

  it('serialises concurrent conditional updates: exactly one wins', run(async ({ store }) => {
    const v1 = await store.create('/k', '0');
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => store.update('/k', String(i + 1), v1.modRevision)),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof StoreConflictError);
    assert.equal(await store.currentRevision(), v1.modRevision + 1);
  }));
}

function registerList(run: Runner): void {
  it('lists by prefix in key order with the current revision, isolating prefixes', run(async ({ store }) => {
    for (const k of ['/registry/pods/ns/b', '/registry/podsx/ns/a', '/registry/pods/ns/a',
      '/registry/pods', '/registry/pods/ns/B', '/registry/pods/other/z', '/registry/pods/ns/c']) {
      await store.create(k, `v:${k}`);
    }
    await store.delete('/registry/pods/ns/c');
    const res = await store.list('/registry/pods/');
    assert.deepEqual(res.items.map((kv) => kv.key),
      ['/registry/pods/ns/B', '/registry/pods/ns/a', '/registry/pods/ns/b', '/registry/pods/other/z']);
    assert.equal(res.items[1]?.value, 'v:/registry/pods/ns/a');
    assert.equal(res.revision, await store.currentRevision());
    assert.equal(res.continueKey, undefined);
    assert.deepEqual((await store.list('/registry/podsx/')).items.map((kv) => kv.key), ['/registry/podsx/ns/a']);
    assert.deepEqual((await store.list('/registry/nothing/')).items, []);
    assert.equal((await store.list('')).items.length, 6);
  }));

  it('returns items with their createRevision and modRevision', run(async ({ store }) => {
    await store.create('/p/a', '1');
    await store.create('/p/b', '1');
    await store.update('/p/a', '2');
    const { items } = await store.list('/p/');
    assert.deepEqual(items, [
      { key: '/p/a', value: '2', createRevision: 2, modRevision: 4 },
      { key: '/p/b', value: '1', createRevision: 3, modRevision: 3 },
    ]);
  }));

  it('pages with limit + startAfter and continueKey until done', run(async ({ store }) => {
    const keys = Array.from({ length: 7 }, (_, i) => `/p/k${i}`);
    for (const k of [...keys].reverse()) await store.create(k, k);
    await store.create('/q/k', 'other');
    const seen: string[] = [];
    let startAfter: string | undefined;
    for (let page = 0; page < 10; page++) {
      const res = await store.list('/p/', startAfter === undefined ? { limit: 3 } : { limit: 3, startAfter });
      assert.ok(res.items.length <= 3);
      seen.push(...res.items.map((kv) => kv.key));
      if (res.continueKey === undefined) break;
      assert.equal(res.continueKey, res.items[res.items.length - 1]?.key);
      startAfter = res.continueKey;
    }
    assert.deepEqual(seen, keys);
    const exact = await store.list('/p/', { limit: 7 });
    assert.equal(exact.items.length, 7);
    assert.equal(exact.continueKey, undefined);
    const tail = await store.list('/p/', { startAfter: '/p/k5' });
    assert.deepEqual(tail.items.map((kv) => kv.key), ['/p/k6']);
  }));
}

/** Pulls events from a watch with a per-event timeout. */
class Pull {
  private readonly it: AsyncIterator<StoreEvent>;
  constructor(iterable: AsyncIterable<StoreEvent>) {
    this.it = iterable[Symbol.asyncIterator]();
  }

  async next(timeoutMs = 3000): Promise<IteratorResult<StoreEvent>> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no watch event within ${timeoutMs}ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.it.next(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async take(n: number): Promise<StoreEvent[]> {
    const out: StoreEvent[] = [];
    while (out.length < n) {
      const r = await this.next();
      assert.ok(!r.done, `watch ended after ${out.length} of ${n} events`);
      out.push(r.value);
    }
    return out;
  }

  /** Asserts nothing arrives within `ms`. */
  async none(ms = 100): Promise<void> {
    await assert.rejects(this.next(ms), /no watch event/);
  }
}

const brief = (ev: StoreEvent): string => `${ev.revision} ${ev.type}${ev.created ? '+' : ''} ${ev.key}`;

function registerWatch(run: Runner): void {
  it('replays history after a revision, then delivers live events in order', run(async ({ store }) => {
    const ac = new AbortController();
    await store.create('/w/a', '1'); // 2
    await store.create('/w/b', '1'); // 3
    await store.update('/w/a', '2'); // 4
    const w = new Pull(store.watch('/w/', 2, ac.signal));
    assert.deepEqual((await w.take(2)).map(brief), ['3 put+ /w/b', '4 put /w/a']);
    await store.delete('/w/b'); // 5
    await store.create('/w/c', '1'); // 6
    assert.deepEqual((await w.take(2)).map(brief), ['5 delete /w/b', '6 put+ /w/c']);
    await w.none();
    ac.abort();
  }));

  it('filters by prefix (no /w/x events on a /w/ watch, no /wx/ ones either)', run(async ({ store }) => {
    const ac = new AbortController();
    const w = new Pull(store.watch('/w/', 1, ac.signal));
    await store.create('/wx/a', '1');
    await store.create('/w/a', '1');
    await store.create('/v/a', '1');
    await store.create('/w/b', '1');
    assert.deepEqual((await w.take(2)).map(brief), ['3 put+ /w/a', '5 put+ /w/b']);
    await w.none();
    ac.abort();
  }));

  it('carries kv, prevKv and created as etcd does', run(async ({ store }) => {
    const ac = new AbortController();
    const w = new Pull(store.watch('/k', 1, ac.signal));
    const c = await store.create('/k', 'v1');
    const u = await store.update('/k', 'v2');
    const d = await store.delete('/k');
    const [ec, eu, ed] = await w.take(3);
    assert.deepEqual(ec, { type: 'put', created: true, key: '/k', kv: c, revision: 2 });
    assert.deepEqual(eu, { type: 'put', created: false, key: '/k', kv: u, prevKv: c, revision: 3 });
    assert.equal(ed?.type, 'delete');
    assert.equal(ed?.created, false);
    assert.equal(ed?.revision, d.revision);
    assert.equal(ed?.kv.value, 'v2');
    assert.equal(ed?.kv.createRevision, 2);
    assert.equal(ed?.kv.modRevision, d.revision, 'delete kv.modRevision is the delete revision');
    assert.deepEqual(ed?.prevKv, u);
    ac.abort();
  }));

  it('replayed events equal the live events they recorded', run(async ({ store }) => {
    const ac = new AbortController();
    const live = new Pull(store.watch('/', 1, ac.signal));
    await store.create('/a', '1');
    await store.update('/a', '2');
    await store.delete('/a');
    await store.create('/a', '3');
    const got = await live.take(4);
    const replay = await new Pull(store.watch('/', 1, ac.signal)).take(4);
    assert.deepEqual(replay, got);
    ac.abort();
  }));

  it('serves several concurrent watchers from different revisions', run(async ({ store }) => {
    const ac = new AbortController();
    await store.create('/w/a', '1'); // 2
    const ws = [1, 2, 2].map((from) => new Pull(store.watch('/w/', from, ac.signal)));
    await store.update('/w/a', '2'); // 3
    await store.create('/w/b', '1'); // 4
    assert.deepEqual((await ws[0]!.take(3)).map((e) => e.revision), [2, 3, 4]);
    assert.deepEqual((await ws[1]!.take(2)).map((e) => e.revision), [3, 4]);
    assert.deepEqual((await ws[2]!.take(2)).map((e) => e.revision), [3, 4]);
    ac.abort();
  }));

  it('hands off from replay to live without losing or duplicating events', run(async ({ store }) => {
    const ac = new AbortController();
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 50; i++) writes.push(store.create(`/r/${i}`, String(i)));
    const w = new Pull(store.watch('/r/', 1, ac.signal));
    const first = w.next();
    for (let i = 50; i < 100; i++) writes.push(store.create(`/r/${i}`, String(i)));
    await Promise.all(writes);
    const r = await first;
    assert.ok(!r.done);
    const events = [r.value, ...(await w.take(99))];
    assert.deepEqual(events.map((e) => e.revision), Array.from({ length: 100 }, (_, i) => i + 2));
    await w.none();
    ac.abort();
  }));

  it('only delivers revisions after a future afterRevision', run(async ({ store }) => {
    const ac = new AbortController();
    const w = new Pull(store.watch('/', 3, ac.signal));
    await store.create('/a', '1'); // 2
    await store.create('/b', '1'); // 3
    await store.create('/c', '1'); // 4
    assert.deepEqual((await w.take(1)).map(brief), ['4 put+ /c']);
    ac.abort();
  }));

  it('stops when the signal aborts (pending and later reads end)', run(async ({ store }) => {
    const ac = new AbortController();
    const w = new Pull(store.watch('/', 1, ac.signal));
    await store.create('/a', '1');
    await w.take(1);
    const pending = w.next();
    ac.abort();
    assert.equal((await pending).done, true);
    await store.create('/b', '1');
    assert.equal((await w.next()).done, true);
    const already = new Pull(store.watch('/', 1, ac.signal));
    assert.equal((await already.next()).done, true);
  }));
}

function registerCompaction(run: Runner): void {
  it('watch from a compacted revision throws StoreCompactedError; newer ones work', run(async (h) => {
    const { store } = h;
    await store.create('/k', '1'); // 2
    await store.update('/k', '2'); // 3
    await store.create('/j', '1'); // 4
    await store.update('/k', '3'); // 5
    await h.compact(4);
    const ac = new AbortController();
    await assert.rejects(new Pull(store.watch('/', 2, ac.signal)).next(), (e) => e instanceof StoreCompactedError);
    const w = new Pull(store.watch('/', 4, ac.signal));
    assert.deepEqual((await w.take(1)).map(brief), ['5 put /k']);
    assert.deepEqual(await store.get('/j'), { key: '/j', value: '1', createRevision: 4, modRevision: 4 });
    assert.deepEqual(await store.get('/k'), { key: '/k', value: '3', createRevision: 2, modRevision: 5 });
    assert.equal(await store.currentRevision(), 5);
    ac.abort();
  }));

  it('keeps current values and the revision when compacting everything', run(async (h) => {
    const { store } = h;
    await store.create('/a', '1');
    await store.update('/a', '2');
    await store.create('/b', '1');
    await store.delete('/b'); // 5
    await h.compact(5);
    assert.equal(await store.currentRevision(), 5);
    assert.deepEqual((await store.list('/')).items.map((kv) => `${kv.key}=${kv.value}`), ['/a=2']);
    assert.equal((await store.create('/b', 'again')).modRevision, 6);
  }));
}

function registerDurability(run: Runner): void {
  it('survives close and reopen: data, revision counter and history', run(async (h) => {
    assert.ok(h.reopen, 'a durable backend must provide reopen');
    await h.store.create('/a', '1');
    await h.store.update('/a', '2');
    await h.store.create('/b', '1');
    await h.store.delete('/b'); // 5
    const store = await h.reopen();
    assert.equal(await store.currentRevision(), 5);
    assert.deepEqual(await store.get('/a'), { key: '/a', value: '2', createRevision: 2, modRevision: 3 });
    assert.equal(await store.get('/b'), undefined);
    const ac = new AbortController();
    assert.deepEqual((await new Pull(store.watch('/', 1, ac.signal)).take(4)).map(brief),
      ['2 put+ /a', '3 put /a', '4 put+ /b', '5 delete /b']);
    assert.equal((await store.create('/c', '1')).modRevision, 6);
    ac.abort();
  }));
}

function registerClose(run: Runner): void {
  it('close ends active watches, is idempotent, and later calls reject', run(async ({ store }) => {
    const ac = new AbortController();
    const w = new Pull(store.watch('/', 1, ac.signal));
    await store.create('/a', '1');
    await w.take(1);
    const pending = w.next();
    await store.close();
    assert.equal((await pending).done, true);
    await store.close();
    await assert.rejects(store.get('/a'));
    await assert.rejects(store.create('/b', '1'));
    ac.abort();
  }));
}
