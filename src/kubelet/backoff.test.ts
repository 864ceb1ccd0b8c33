import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from './backoff.js';
import { formatGoDurationMs, formatGoDurationNs } from './duration.js';

test('Backoff: 10s doubling to 5m cap', () => {
  const b = new Backoff(10_000, 300_000);
  const windows: number[] = [];
  let t = 0;
  for (let i = 0; i < 8; i++) {
    windows.push(b.next('k', t, t));
    t += 1000;
  }
  assert.deepEqual(windows, [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
});

test('Backoff: resets after running stable for twice the max (10 min)', () => {
  const b = new Backoff(10_000, 300_000);
  b.next('k', 0, 0);
  b.next('k', 1, 1);
  assert.equal(b.get('k'), 20_000);
  assert.equal(b.next('k', 600_002, 600_002), 10_000);
});

test('Backoff: isInBackOffSince is relative to the event time', () => {
  const b = new Backoff(10_000, 300_000);
  b.next('k', 1000, 1000);
  const cases: [number, number, boolean][] = [[1000, 5000, true], [1000, 10_999, true], [1000, 11_000, false], [50_000, 55_000, true]];
  for (const [ev, now, want] of cases) assert.equal(b.isInBackOffSince('k', ev, now), want, `event ${ev} now ${now}`);
  assert.equal(b.isInBackOffSince('other', 0, 1), false);
});

test('formatGoDuration matches Go', () => {
  const cases: [number, string][] = [[0, '0s'], [10_000, '10s'], [80_000, '1m20s'], [300_000, '5m0s'], [930.767834, '930.767834ms'], [1661, '1.661s'], [3_600_000, '1h0m0s'], [0.0015, '1.5µs']];
  for (const [ms, want] of cases) assert.equal(formatGoDurationMs(ms), want);
  assert.equal(formatGoDurationNs(999n), '999ns');
});

test('Backoff: a container that ran 10 minutes cleanly starts over at 10s (CrashLoopBackOff reset)', () => {
  const b = new Backoff(10_000, 300_000);
  const key = 'p_default_uid_c';
  let t = 0;
  for (const want of [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]) {
    assert.equal(b.next(key, t, t), want);
    t += 1000;
  }
  // The last restart was at t-1000; the container then ran 9 minutes before failing: still backing off at the cap.
  assert.equal(b.next(key, t + 9 * 60_000, t + 9 * 60_000), 300_000);
  const last = t + 9 * 60_000;
  // This time it ran just over 10 minutes (2 × the 5 min cap) before exiting: the window resets.
  const exitAt = last + 10 * 60_000 + 1;
  assert.equal(b.isInBackOffSince(key, exitAt, exitAt + 1), false);
  assert.equal(b.next(key, exitAt, exitAt), 10_000);
});
