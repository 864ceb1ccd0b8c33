import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../types.js';
import { compileFilter } from './adapter.js';

const objs: KubeObject[] = [
  { metadata: { name: 'a', labels: { app: 'web' } }, spec: { nodeName: 'n1' }, status: { phase: 'Running' } },
  { metadata: { name: 'b', labels: { app: 'db' } }, spec: { nodeName: 'n2' }, status: { phase: 'Pending' } },
  { metadata: { name: 'c' }, spec: {}, status: { phase: 'Running' } },
];

test('compileFilter combines label and field selectors', () => {
  const cases: [string | undefined, string | undefined, string[]][] = [
    [undefined, undefined, ['a', 'b', 'c']],
    ['app=web', undefined, ['a']],
    ['app', 'status.phase=Running', ['a']],
    [undefined, 'status.phase!=Running', ['b']],
    ['!app', undefined, ['c']],
    [undefined, 'metadata.name=b', ['b']],
  ];
  for (const [l, f, want] of cases) {
    const pred = compileFilter('pods', l, f);
    assert.deepEqual(objs.filter(pred).map((o) => o.metadata.name), want, `${l} ${f}`);
  }
});

test('compileFilter rejects bad selectors up front and honours extraFields', () => {
  assert.throws(() => compileFilter('pods', 'a b', undefined), /expected: in, notin/);
  assert.throws(() => compileFilter('pods', undefined, 'spec.foo=1'), /field label not supported: spec.foo/);
  const pred = compileFilter('widgets', undefined, 'spec.color=red', (o) => ({ 'spec.color': String((o.spec as { color?: string } | undefined)?.color ?? '') }));
  assert.equal(pred({ metadata: { name: 'w' }, spec: { color: 'red' } }), true);
  assert.equal(pred({ metadata: { name: 'w' }, spec: { color: 'blue' } }), false);
});
