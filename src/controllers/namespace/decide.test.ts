import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Namespace } from '../../api/types.js';
import { estimateSeconds, finalizedSpec, needsFinalizing, toDelete } from './decide.js';

const ns = (deleting: boolean, finalizers: string[]): Namespace => ({
  metadata: { name: 'x', ...(deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) }, spec: { finalizers },
});

test('needsFinalizing and finalizedSpec', () => {
  const cases: [Namespace | undefined, boolean][] = [[undefined, false], [ns(false, ['kubernetes']), false], [ns(true, ['kubernetes']), true], [ns(true, []), false]];
  for (const [n, want] of cases) assert.equal(needsFinalizing(n), want);
  assert.deepEqual(finalizedSpec(ns(true, ['kubernetes', 'other'])), ['other']);
});

test('toDelete skips objects already being deleted; estimate waits for grace periods (1..5 s)', () => {
  const now = new Date('2024-01-01T00:00:00Z');
  const a = { metadata: { name: 'a' } };
  const b = { metadata: { name: 'b', deletionTimestamp: '2024-01-01T00:00:03Z' } };
  const c = { metadata: { name: 'c', deletionTimestamp: '2024-01-01T00:01:00Z' } };
  assert.deepEqual(toDelete([a, b]), [a]);
  assert.equal(estimateSeconds([a], now), 1);
  assert.equal(estimateSeconds([a, b], now), 3);
  assert.equal(estimateSeconds([c], now), 5);
});
