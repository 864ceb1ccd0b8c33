import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateName, newUID, NAME_SUFFIX_ALPHABET } from './names.js';

test('generateName appends 5 characters from the Kubernetes alphabet', () => {
  const cases: { base: string; expectPrefix: string }[] = [
    { base: 'web-', expectPrefix: 'web-' },
    { base: '', expectPrefix: '' },
    { base: 'a'.repeat(70), expectPrefix: 'a'.repeat(58) },
    { base: 'b'.repeat(58), expectPrefix: 'b'.repeat(58) },
  ];
  for (const c of cases) {
    const n = generateName(c.base);
    assert.equal(n.length, c.expectPrefix.length + 5);
    assert.ok(n.startsWith(c.expectPrefix));
    for (const ch of n.slice(c.expectPrefix.length)) assert.ok(NAME_SUFFIX_ALPHABET.includes(ch), ch);
  }
});

test('generateName uses the injected random source', () => {
  assert.equal(generateName('x-', () => 0), 'x-bbbbb');
  assert.equal(generateName('x-', (n) => n - 1), 'x-99999');
});

test('newUID is a v4 uuid and unique', () => {
  const a = newUID();
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(a, newUID());
});
