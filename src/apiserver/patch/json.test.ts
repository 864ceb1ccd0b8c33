import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.js';
import { applyJsonPatch, parsePointer } from './json.js';
import { applyMergePatch } from './merge.js';

const doc = () => ({ metadata: { name: 'web', labels: { app: 'web', 'a/b': 'x' } }, spec: { containers: [{ name: 'a', image: '1' }, { name: 'b', image: '1' }] } });

test('applyJsonPatch operations', () => {
  const cases: { name: string; ops: unknown[]; want: unknown }[] = [
    { name: 'replace', ops: [{ op: 'replace', path: '/spec/containers/0/image', value: '2' }], want: { ...doc(), spec: { containers: [{ name: 'a', image: '2' }, { name: 'b', image: '1' }] } } },
    { name: 'add member', ops: [{ op: 'add', path: '/metadata/labels/tier', value: 'x' }], want: { ...doc(), metadata: { name: 'web', labels: { app: 'web', 'a/b': 'x', tier: 'x' } } } },
    { name: 'add to end', ops: [{ op: 'add', path: '/spec/containers/-', value: { name: 'c' } }], want: { ...doc(), spec: { containers: [...doc().spec.containers, { name: 'c' }] } } },
    { name: 'insert', ops: [{ op: 'add', path: '/spec/containers/0', value: { name: 'z' } }], want: { ...doc(), spec: { containers: [{ name: 'z' }, ...doc().spec.containers] } } },
    { name: 'remove escaped', ops: [{ op: 'remove', path: '/metadata/labels/a~1b' }], want: { ...doc(), metadata: { name: 'web', labels: { app: 'web' } } } },
    { name: 'remove array element', ops: [{ op: 'remove', path: '/spec/containers/0' }], want: { ...doc(), spec: { containers: [{ name: 'b', image: '1' }] } } },
    { name: 'move', ops: [{ op: 'move', from: '/metadata/labels/app', path: '/metadata/labels/application' }], want: { ...doc(), metadata: { name: 'web', labels: { 'a/b': 'x', application: 'web' } } } },
    { name: 'copy', ops: [{ op: 'copy', from: '/metadata/name', path: '/metadata/labels/n' }], want: { ...doc(), metadata: { name: 'web', labels: { app: 'web', 'a/b': 'x', n: 'web' } } } },
    { name: 'test ok', ops: [{ op: 'test', path: '/metadata/name', value: 'web' }], want: doc() },
    { name: 'replace root', ops: [{ op: 'replace', path: '', value: { a: 1 } }], want: { a: 1 } },
  ];
  for (const c of cases) {
    const d = doc();
    assert.deepEqual(applyJsonPatch(d, c.ops), c.want, c.name);
    assert.deepEqual(d, doc(), `${c.name}: not mutated`);
  }
});

test('applyJsonPatch errors are 400 and atomic', () => {
  const cases: [unknown, string | RegExp][] = [
    [[{ op: 'test', path: '/metadata/name', value: 'x' }], 'testing value /metadata/name failed: test failed'],
    [[{ op: 'remove', path: '/metadata/nope' }], 'Unable to remove nonexistent key: nope: missing value'],
    [[{ op: 'replace', path: '/metadata/nope', value: 1 }], /replace operation does not apply: doc is missing path/],
    [[{ op: 'add', path: '/nope/x', value: 1 }], /add operation does not apply: doc is missing path: "\/nope\/x"/],
    [[{ op: 'add', path: '/spec/containers/9', value: 1 }], /invalid index referenced/],
    [[{ op: 'frob', path: '/a' }], 'Unexpected kind: frob'],
    [{ op: 'add' }, /cannot unmarshal object/],
    [[{ op: 'move', from: '/x', path: '/y' }], /move operation does not apply/],
  ];
  for (const [ops, want] of cases) {
    assert.throws(() => applyJsonPatch(doc(), ops), (e: unknown) => e instanceof StatusError && e.code === 400 && (typeof want === 'string' ? e.message === want : want.test(e.message)), String(want));
  }
});

test('parsePointer', () => {
  assert.deepEqual(parsePointer(''), []);
  assert.deepEqual(parsePointer('/a~1b/c~0d/0'), ['a/b', 'c~d', '0']);
  assert.throws(() => parsePointer('a'));
});

test('applyMergePatch (RFC 7386 examples)', () => {
  const cases: [unknown, unknown, unknown][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [t, p, want] of cases) assert.deepEqual(applyMergePatch(t, p), want, JSON.stringify([t, p]));
  const spec = { spec: { replicas: 1, template: {} } };
  assert.deepEqual(applyMergePatch(spec, { spec: { replicas: 3 } }), { spec: { replicas: 3, template: {} } });
  assert.deepEqual(spec, { spec: { replicas: 1, template: {} } });
});
