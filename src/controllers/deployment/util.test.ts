import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deployment, rs } from '../testing/builders.js';
import { newReplicaSetAnnotations } from './annotations.js';
import {
  computeHash, equalIgnoreHash, findNewReplicaSet, findOldReplicaSets, isScalingEvent, maxRevision, maxSurge, maxUnavailable, newReplicaSetTemplate,
  resolveFenceposts, scaledValue,
} from './util.js';

test('computeHash: deterministic, key-order independent, changes with template and collisionCount', () => {
  const t1 = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'a' }] } };
  const t1b = { spec: { containers: [{ image: 'a', name: 'c' }] }, metadata: { labels: { app: 'web' } } };
  const h = computeHash(t1);
  assert.match(h, /^[bcdf4-9]{1,10}$/);
  assert.equal(computeHash(t1b), h);
  assert.notEqual(computeHash({ ...t1, spec: { containers: [{ name: 'c', image: 'b' }] } }), h);
  assert.notEqual(computeHash(t1, 1), h);
});

test('scaledValue and fenceposts (25% defaults, round surge up, unavailable down)', () => {
  const cases: [number | string, number, boolean, number][] = [[3, 10, true, 3], ['25%', 5, true, 2], ['25%', 5, false, 1], ['100%', 3, false, 3], ['0%', 7, true, 0]];
  for (const [v, total, up, want] of cases) assert.equal(scaledValue(v, total, up), want, `${v} of ${total}`);
  assert.deepEqual(resolveFenceposts(deployment(5)), { maxSurge: 2, maxUnavailable: 1 });
  assert.deepEqual(resolveFenceposts(deployment(1)), { maxSurge: 1, maxUnavailable: 0 });
  assert.deepEqual(resolveFenceposts(deployment(3, 0, 0)), { maxSurge: 0, maxUnavailable: 1 });
  assert.equal(maxUnavailable(deployment(2, 0, 5)), 2);
  const recreate = deployment(4);
  recreate.spec.strategy = { type: 'Recreate' };
  assert.equal(maxUnavailable(recreate), 0);
  assert.equal(maxSurge(recreate), 0);
});

test('new and old ReplicaSets by template, ignoring the hash label', () => {
  const d = deployment(3, '25%', '25%', 'v2');
  const oldRS = rs('web-a', { image: 'v1', revision: 1 });
  const newRS = rs('web-b', { image: 'v2', revision: 2 });
  newRS.spec.template = newReplicaSetTemplate(d, 'hash');
  assert.equal(equalIgnoreHash(newRS.spec.template, d.spec.template), true);
  assert.equal(findNewReplicaSet(d, [oldRS, newRS])?.metadata.name, 'web-b');
  assert.deepEqual(findOldReplicaSets(d, [oldRS, newRS]).map((x) => x.metadata.name), ['web-a']);
  assert.equal(findNewReplicaSet(deployment(3, '25%', '25%', 'v3'), [oldRS, newRS]), undefined);
  assert.equal(maxRevision([oldRS, newRS]), 2);
});

test('isScalingEvent compares desired-replicas annotations of active sets', () => {
  const d = deployment(5);
  assert.equal(isScalingEvent(d, [rs('a', { replicas: 3, annotations: { 'deployment.kubernetes.io/desired-replicas': '3' } })]), true);
  assert.equal(isScalingEvent(d, [rs('a', { replicas: 5, annotations: { 'deployment.kubernetes.io/desired-replicas': '5' } })]), false);
  assert.equal(isScalingEvent(d, [rs('a', { replicas: 0, annotations: { 'deployment.kubernetes.io/desired-replicas': '3' } })]), false);
});

test('newReplicaSetAnnotations: copy, raise revision with history, replica annotations on create', () => {
  const d = deployment(4);
  d.metadata.annotations = { 'kubernetes.io/change-cause': 'why', 'deployment.kubernetes.io/revision': '9', 'kubectl.kubernetes.io/last-applied-configuration': '{}' };
  const created = newReplicaSetAnnotations(d, rs('n', { annotations: {} }), 3, false);
  assert.deepEqual(created.annotations, {
    'kubernetes.io/change-cause': 'why', 'deployment.kubernetes.io/revision': '3',
    'deployment.kubernetes.io/desired-replicas': '4', 'deployment.kubernetes.io/max-replicas': '5',
  });
  const rolledBack = newReplicaSetAnnotations(d, rs('o', { revision: 1, annotations: { 'kubernetes.io/change-cause': 'why' } }), 3, true);
  assert.equal(rolledBack.annotations['deployment.kubernetes.io/revision'], '3');
  assert.equal(rolledBack.annotations['deployment.kubernetes.io/revision-history'], '1');
  assert.equal(newReplicaSetAnnotations(d, rs('o', { revision: 5, annotations: { 'kubernetes.io/change-cause': 'why' } }), 3, true).changed, false);
});

test('equalIgnoreHash is semantic: null, {} and [] equal absent (as kubectl rollout undo sends them)', () => {
  const stored = { metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } }, spec: { containers: [{ name: 'c', image: 'a' }] } };
  const fromUndo = { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'a', resources: {} }], volumes: [] } };
  assert.equal(equalIgnoreHash(stored, fromUndo), true);
  assert.equal(computeHash(fromUndo), computeHash({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'a' }] } }));
  assert.equal(equalIgnoreHash(stored, { ...fromUndo, spec: { containers: [{ name: 'c', image: 'b' }] } }), false);
});
