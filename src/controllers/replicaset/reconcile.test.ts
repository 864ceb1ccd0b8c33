import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../api/types.js';
import { NOW, pod, rs } from '../testing/builders.js';
import {
  availabilityRecheckSeconds, calculateStatus, getPodsToDelete, isPodActive, isPodAvailable, planReplicas, slowStartBatches, statusChanged,
} from './reconcile.js';

test('slowStartBatches: doubling batches, last trimmed', () => {
  const cases: [number, number[]][] = [[0, []], [1, [1]], [3, [1, 2]], [7, [1, 2, 4]], [10, [1, 2, 4, 3]], [49, [1, 2, 4, 8, 16, 18]]];
  for (const [n, want] of cases) assert.deepEqual(slowStartBatches(n), want, `count ${n}`);
});

test('planReplicas: create the missing, delete the surplus, nothing when equal', () => {
  const cases: { name: string; replicas: number; pods: Pod[]; create: number; remove: string[] }[] = [
    { name: 'scale up from 0', replicas: 3, pods: [], create: 3, remove: [] },
    { name: 'one missing', replicas: 3, pods: [pod('a', { node: 'n' }), pod('b', { node: 'n' })], create: 1, remove: [] },
    { name: 'equal', replicas: 1, pods: [pod('a', { node: 'n' })], create: 0, remove: [] },
    { name: 'scale down deletes the pending one first', replicas: 1, pods: [pod('run', { node: 'n', readySince: 50 }), pod('pend', { node: 'n', phase: 'Pending' })], create: 0, remove: ['pend'] },
    { name: 'burst cap', replicas: 900, pods: [], create: 500, remove: [] },
  ];
  for (const c of cases) {
    const plan = planReplicas(rs('web-1', { replicas: c.replicas }), c.pods);
    assert.equal(plan.create, c.create, c.name);
    assert.deepEqual(plan.remove.map((p) => p.metadata.name), c.remove, c.name);
  }
});

test('getPodsToDelete: least useful pods first', () => {
  const cases: { name: string; pods: Pod[]; n: number; want: string[] }[] = [
    { name: 'unassigned before assigned', pods: [pod('assigned', { node: 'n', readySince: 10 }), pod('unassigned', { phase: 'Pending' })], n: 1, want: ['unassigned'] },
    { name: 'pending before running', pods: [pod('running', { node: 'n', readySince: 10 }), pod('pending', { node: 'n', phase: 'Pending' })], n: 1, want: ['pending'] },
    { name: 'not ready before ready', pods: [pod('ready', { node: 'n', readySince: 10 }), pod('notready', { node: 'n' })], n: 1, want: ['notready'] },
    { name: 'ready more recently first', pods: [pod('old', { node: 'n', readySince: 500 }), pod('new', { node: 'n', readySince: 5 })], n: 1, want: ['new'] },
    { name: 'more restarts first', pods: [pod('calm', { node: 'n', readySince: 10, restarts: 0 }), pod('flaky', { node: 'n', readySince: 10, restarts: 4 })], n: 1, want: ['flaky'] },
    { name: 'newer first', pods: [pod('older', { node: 'n', readySince: 10, createdAgo: 900 }), pod('newer', { node: 'n', readySince: 10, createdAgo: 20 })], n: 1, want: ['newer'] },
    { name: 'crowded node first', pods: [pod('alone', { node: 'a', readySince: 10 }), pod('crowd1', { node: 'b', readySince: 10, createdAgo: 50 }), pod('crowd2', { node: 'b', readySince: 10, createdAgo: 60 })], n: 1, want: ['crowd1'] },
  ];
  for (const c of cases) assert.deepEqual(getPodsToDelete(c.pods, c.pods, c.n).map((p) => p.metadata.name), c.want, c.name);
});

test('isPodActive and isPodAvailable', () => {
  assert.equal(isPodActive(pod('a')), true);
  assert.equal(isPodActive(pod('a', { phase: 'Succeeded' })), false);
  assert.equal(isPodActive(pod('a', { deleting: true })), false);
  assert.equal(isPodAvailable(pod('a', { readySince: 5 }), 0, NOW), true);
  assert.equal(isPodAvailable(pod('a', { readySince: 5 }), 10, NOW), false);
  assert.equal(isPodAvailable(pod('a', { readySince: 15 }), 10, NOW), true);
  assert.equal(isPodAvailable(pod('a'), 0, NOW), false);
});

test('calculateStatus counts replicas, fully labelled, ready and available', () => {
  const set = rs('web-1', { replicas: 3, minReady: 10 });
  const pods = [pod('a', { readySince: 60 }), pod('b', { readySince: 2 }), pod('c', { labels: { app: 'web', x: 'y' } }), pod('d', { labels: { other: '1' } })];
  const s = calculateStatus(set, pods, undefined, NOW);
  assert.deepEqual(s, { replicas: 4, fullyLabeledReplicas: 3, readyReplicas: 2, availableReplicas: 1, observedGeneration: 1 });
  assert.equal(statusChanged(set, s), true);
  assert.equal(availabilityRecheckSeconds({ ...set, spec: { ...set.spec, replicas: 2 } }, s), 10);
});

test('calculateStatus sets ReplicaFailure on errors and clears it after', () => {
  const set = rs('web-1', { replicas: 2 });
  const failed = calculateStatus(set, [], new Error('quota'), NOW);
  assert.equal(failed.conditions?.[0]?.type, 'ReplicaFailure');
  assert.equal(failed.conditions?.[0]?.reason, 'FailedCreate');
  assert.equal(failed.conditions?.[0]?.message, 'quota');
  const cleared = calculateStatus({ ...set, status: failed }, [], undefined, NOW);
  assert.equal(cleared.conditions, undefined);
  assert.deepEqual(calculateStatus(rs('z', { replicas: 0 }), [], undefined, NOW), { replicas: 0, observedGeneration: 1 });
});
