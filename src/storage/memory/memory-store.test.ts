import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runStoreContract } from '../contract.js';
import { MemoryStore, openMemoryStore } from './memory-store.js';
import { compareKeys, prefixEnd } from '../watch-hub.js';

runStoreContract('memory', async () => {
  const store = openMemoryStore();
  return {
    store,
    cleanup: () => store.close(),
    compact: async (revision) => {
      await store.compact(revision);
    },
  };
});

describe('MemoryStore specifics', () => {
  it('compact is capped at the current revision and never goes backwards', async () => {
    const store = new MemoryStore();
    await store.create('/a', '1');
    assert.equal(await store.compact(100), 2);
    assert.equal(await store.compact(1), 2);
    await store.close();
  });
});

describe('prefixEnd', () => {
  const cases: [string, string | undefined][] = [
    ['', undefined],
    ['/registry/pods/', '/registry/pods0'],
    ['a', 'b'],
    ['a\u{10FFFF}', 'b'],
    ['\u{10FFFF}', undefined],
    ['x\uD7FF', 'x\uE000'],
  ];
  for (const [input, want] of cases) {
    it(`${JSON.stringify(input)} -> ${JSON.stringify(want)}`, () => assert.equal(prefixEnd(input), want));
  }
});

describe('compareKeys (UTF-8 byte order)', () => {
  const cases: [string, string, number][] = [
    ['a', 'b', -1],
    ['b', 'a', 1],
    ['a', 'a', 0],
    ['a', 'ab', -1],
    ['B', 'a', -1],
    ['\uFFFF', '\u{10000}', -1], // UTF-16 order would say the opposite
    ['\u{10000}', '\uE000', 1],
  ];
  for (const [a, b, sign] of cases) {
    it(`${JSON.stringify(a)} vs ${JSON.stringify(b)}`, () => {
      assert.equal(Math.sign(compareKeys(a, b)), sign);
      assert.equal(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))), sign);
    });
  }
});
