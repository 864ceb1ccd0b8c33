import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { openStore, sqlitePathFromUrl } from './open.js';
import { MemoryStore } from './memory/memory-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

describe('openStore', () => {
  it('opens memory://', async () => {
    const store = await openStore('memory://');
    assert.ok(store instanceof MemoryStore);
    assert.equal(await store.currentRevision(), 1);
    await store.close();
  });

  it('opens sqlite:///abs/path.db, creating the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'peapod-open-'));
    try {
      const path = join(dir, 'x', 'state.db');
      const store = await openStore(`sqlite://${path}`);
      assert.ok(store instanceof SqliteStore);
      await store.create('/a', '1');
      await store.close();
      assert.ok((await stat(path)).size > 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  const paths: [string, string][] = [
    ['sqlite:///var/lib/peapod/state.db', '/var/lib/peapod/state.db'],
    ['sqlite://state.db', resolve('state.db')],
    ['sqlite://data/state.db?_journal=WAL', resolve('data/state.db')],
  ];
  for (const [url, want] of paths) {
    it(`maps ${url} to ${want}`, () => assert.equal(sqlitePathFromUrl(url), want));
  }

  it('rejects sqlite:// without a path', () => {
    assert.throws(() => sqlitePathFromUrl('sqlite://'), /no database file/);
  });

  for (const url of ['etcd://127.0.0.1:2379', 'postgres://x', 'state.db', '']) {
    it(`rejects ${JSON.stringify(url)} naming the URL and the schemes`, async () => {
      await assert.rejects(openStore(url), (e: unknown) => {
        assert.ok(e instanceof Error);
        assert.ok(e.message.includes(JSON.stringify(url)), e.message);
        assert.match(e.message, /sqlite:\/\/, memory:\/\//);
        return true;
      });
    });
  }
});
