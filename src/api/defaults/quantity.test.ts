import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuantity, compareQuantityStrings, addQuantity, milliValue, unitValue, compareQuantity } from './quantity.js';

test('parseQuantity parses every suffix kind exactly', () => {
  const cases: [string, bigint, bigint][] = [
    ['500m', 1n, 2n],
    ['2', 2n, 1n],
    ['64Mi', 67108864n, 1n],
    ['256M', 256000000n, 1n],
    ['1e3', 1000n, 1n],
    ['1E-3', 1n, 1000n],
    ['0.5', 1n, 2n],
    ['.5', 1n, 2n],
    ['1.', 1n, 1n],
    ['1Ki', 1024n, 1n],
    ['100n', 1n, 10000000n],
    ['-2k', -2000n, 1n],
    ['+3', 3n, 1n],
    ['0', 0n, 1n],
  ];
  for (const [s, num, den] of cases) assert.deepEqual(parseQuantity(s), { num, den }, s);
});

test('parseQuantity rejects malformed quantities', () => {
  for (const s of ['', 'abc', '1Qi', '1 ', ' 1', '1.2.3', 'm', '1e', '1Mii', '--1']) {
    assert.equal(parseQuantity(s), undefined, s);
  }
});

test('compareQuantityStrings compares exactly across suffixes', () => {
  const cases: [string, string, number][] = [
    ['500m', '0.5', 0], ['1', '1000m', 0], ['1Gi', '1G', 1], ['1k', '1000', 0],
    ['256M', '256Mi', -1], ['1e3', '1k', 0], ['100m', '0.1', 0], ['1m', '0', 1],
  ];
  for (const [a, b, want] of cases) assert.equal(compareQuantityStrings(a, b), want, `${a} vs ${b}`);
  assert.throws(() => compareQuantityStrings('x', '1'));
});

test('addQuantity, milliValue and unitValue', () => {
  const sum = addQuantity(parseQuantity('500m')!, parseQuantity('1.5')!);
  assert.equal(compareQuantity(sum, parseQuantity('2')!), 0);
  assert.equal(milliValue(parseQuantity('500m')!), 500n);
  assert.equal(milliValue(parseQuantity('0.0001')!), 1n);
  assert.equal(unitValue(parseQuantity('64Mi')!), 67108864n);
  assert.equal(unitValue(parseQuantity('1500m')!), 2n);
});
