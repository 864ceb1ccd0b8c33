import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, translateTimestampSince } from './duration.js';

const S = 1000, M = 60 * S, H = 60 * M, D = 24 * H;

test('humanDuration matches apimachinery duration.HumanDuration', () => {
  const cases: [number, string][] = [
    [-3 * S, '<invalid>'], [-1500, '0s'], [0, '0s'], [999, '0s'], [10 * S, '10s'], [119 * S, '119s'],
    [2 * M, '2m'], [5 * M + 2 * S, '5m2s'], [9 * M + 59 * S, '9m59s'], [10 * M + 30 * S, '10m'], [179 * M, '179m'],
    [3 * H, '3h'], [3 * H + 4 * M, '3h4m'], [7 * H + 59 * M, '7h59m'], [8 * H + 30 * M, '8h'], [47 * H, '47h'],
    [2 * D, '2d'], [2 * D + 3 * H, '2d3h'], [7 * D + 23 * H, '7d23h'], [8 * D + 5 * H, '8d'], [729 * D, '729d'],
    [730 * D, '2y'], [3 * 365 * D + 20 * D, '3y20d'], [8 * 365 * D + 100 * D, '8y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, String(ms));
});

test('translateTimestampSince', () => {
  const now = Date.parse('2024-01-01T00:10:00Z');
  assert.equal(translateTimestampSince('2024-01-01T00:05:00Z', now), '5m');
  assert.equal(translateTimestampSince(undefined, now), '<unknown>');
  assert.equal(translateTimestampSince(null, now), '<unknown>');
});
