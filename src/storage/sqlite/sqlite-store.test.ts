import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { runStoreContract, type StoreHarness } from '../contract.js';
import { StoreCompactedError } from '../store.js';
import { openSqliteStore, type SqliteStore } from './sqlite-store.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempDb(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'peapod-sqlite-'));
  dirs.push(dir);
  return join(dir, 'sub', 'state.db');
}

interface SqliteHarness extends StoreHarness {
  store: SqliteStore;
  reopen(): Promise<SqliteStore>;
}

async function harness(): Promise<SqliteHarness> {
  const path = await tempDb();
  const h: SqliteHarness = {
    store: await openSqliteStore(path),
    cleanup: async () => {
      await h.store.close();
      await rm(join(path, '..', '..'), { recursive: true, force: true });
    },
    compact: async (revision: number) => {
      h.store.compact(revision);
    },
    reopen: async () => {
      await h.store.close();
      h.store = await openSqliteStore(path);
      return h.store;
    },
  };
  return h;
}

runStoreContract('sqlite', harness, { durable: true });

describe('SqliteStore specifics', () => {
  it('reopen keeps data and the revision counter, even after compacting a trailing delete', async () => {
    const h = await harness();
    try {
      await h.store.create('/a', '1');
      await h.store.create('/b', '1');
      await h.store.delete('/b'); // 4
      h.store.compact(4);
      const store = await h.reopen();
      assert.equal(await store.currentRevision(), 4);
      assert.equal(store.compactedRevision(), 4);
      assert.equal((await store.get('/a'))?.value, '1');
      assert.equal((await store.create('/c', '1')).modRevision, 5);
      const ac = new AbortController();
      await assert.rejects(store.watch('/', 3, ac.signal)[Symbol.asyncIterator]().next(), StoreCompactedError);
    } finally {
      await h.cleanup();
    }
  });

  it('compaction keeps the latest value of every live key and drops the rest', async () => {
    const path = await tempDb();
    let store = await openSqliteStore(path, { retainRevisions: 10, retainMs: 0, compactIntervalMs: 0 });
    for (let i = 0; i < 20; i++) await store.create(`/k/${i}`, `v0-${i}`);
    for (let round = 1; round <= 5; round++) {
      for (let i = 0; i < 20; i++) await store.update(`/k/${i}`, `v${round}-${i}`);
    }
    for (let i = 10; i < 20; i++) await store.delete(`/k/${i}`);
    await store.create('/k/5x', 'new');
    const head = await store.currentRevision(); // 1 + 120 + 10 + 1 = 132
    assert.equal(head, 132);
    // The policy target is head - retainRevisions (age is no limit with retainMs 0).
    assert.equal(store.compact(), head - 10);
    store.compact(head);
    await store.close();
    const db = new Database(path, { readonly: true });
    const rows = db.prepare('SELECT name, deleted FROM log ORDER BY name').all() as { name: string; deleted: number }[];
    db.close();
    assert.equal(rows.length, 11, 'one row per live key');
    assert.ok(rows.every((r) => r.deleted === 0));
    store = await openSqliteStore(path);
    const { items, revision } = await store.list('/k/');
    assert.equal(revision, head);
    assert.equal(items.length, 11);
    assert.equal(items.find((kv) => kv.key === '/k/3')?.value, 'v5-3');
    assert.equal(items.find((kv) => kv.key === '/k/5x')?.value, 'new');
    await store.close();
  });

  it('incremental compactions drop rows superseded after an earlier compaction', async () => {
    const path = await tempDb();
    const store = await openSqliteStore(path, { compactIntervalMs: 0 });
    await store.create('/a', '1'); // 2
    store.compact(2); // row 2 is the latest for /a and stays
    await store.update('/a', '2'); // 3
    await store.update('/a', '3'); // 4
    store.compact(4);
    await store.close();
    const db = new Database(path, { readonly: true });
    const ids = db.prepare('SELECT id FROM log').pluck().all();
    db.close();
    assert.deepEqual(ids, [4]);
  });

  it('refuses a second open of the same file while the first holds it', async () => {
    const path = await tempDb();
    const store = await openSqliteStore(path);
    await store.create('/a', '1');
    await assert.rejects(openSqliteStore(path), /in use/);
    await store.close();
    const again = await openSqliteStore(path);
    assert.equal(await again.currentRevision(), 2);
    await again.close();
  });

  it('writes 1,000 keys', async () => {
    const h = await harness();
    try {
      const start = performance.now();
      for (let i = 0; i < 1000; i++) {
        await h.store.create(`/registry/pods/default/pod-${i}`, JSON.stringify({ metadata: { name: `pod-${i}` } }));
      }
      const ms = performance.now() - start;
      console.log(`sqlite: 1,000 sequential creates took ${ms.toFixed(0)} ms (${(ms / 1000).toFixed(2)} ms/write)`);
      const { items, revision } = await h.store.list('/registry/pods/');
      assert.equal(items.length, 1000);
      assert.equal(revision, 1001);
    } finally {
      await h.cleanup();
    }
  });
});
