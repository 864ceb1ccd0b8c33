import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ago, deployment, NOW, rs } from '../testing/builders.js';
import { applyPausedCondition, calculateStatus, getCondition, newCondition, rolloutStatus, setCondition, statusEqual, stuckRequeueMs } from './status.js';
import type { DeploymentStatus } from './util.js';

test('calculateStatus sums the sets and sets Available', () => {
  const d = deployment(5);
  const s = calculateStatus([rs('old', { replicas: 3 }), rs('new', { replicas: 2, available: 1 })], rs('new', { replicas: 2, available: 1 }), d, NOW);
  assert.equal(s.replicas, 5);
  assert.equal(s.updatedReplicas, 2);
  assert.equal(s.availableReplicas, 4);
  assert.equal(s.unavailableReplicas, 1);
  assert.equal(getCondition(s, 'Available')?.status, 'True');
  const low = calculateStatus([rs('new', { replicas: 5, available: 2 })], undefined, d, NOW);
  assert.equal(getCondition(low, 'Available')?.reason, 'MinimumReplicasUnavailable');
  assert.equal(low.updatedReplicas, undefined, 'zero counts are omitted');
});

test('rolloutStatus: Progressing reasons', () => {
  const cases: { name: string; prev: DeploymentStatus; sets: ReturnType<typeof rs>[]; deadline?: number; want: [string, string] | undefined }[] = [
    { name: 'complete', prev: {}, sets: [rs('new', { replicas: 5 })], want: ['True', 'NewReplicaSetAvailable'] },
    { name: 'progress', prev: { replicas: 5, updatedReplicas: 1 }, sets: [rs('old', { replicas: 3 }), rs('new', { replicas: 2, available: 0 })], want: ['True', 'ReplicaSetUpdated'] },
    { name: 'timed out', prev: { replicas: 5, updatedReplicas: 2, readyReplicas: 3, availableReplicas: 3, conditions: [{ ...newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'x', NOW), lastUpdateTime: ago(700) }] },
      sets: [rs('old', { replicas: 3 }), rs('new', { replicas: 2, available: 0, actual: 2 })], want: ['False', 'ProgressDeadlineExceeded'] },
    { name: 'no deadline: no Progressing', prev: {}, sets: [rs('new', { replicas: 5 })], deadline: 2147483647, want: undefined },
  ];
  for (const c of cases) {
    const d = deployment(5);
    d.status = c.prev;
    if (c.deadline) d.spec.progressDeadlineSeconds = c.deadline;
    const newRS = c.sets[c.sets.length - 1];
    const s = rolloutStatus(c.sets, newRS, d, NOW);
    const p = getCondition(s, 'Progressing');
    assert.deepEqual(p ? [p.status, p.reason] : undefined, c.want, c.name);
  }
});

test('setCondition keeps lastTransitionTime when status holds, ignores same reason', () => {
  const s: DeploymentStatus = {};
  setCondition(s, { ...newCondition('Progressing', 'True', 'A', 'm', NOW), lastTransitionTime: 'T0' });
  setCondition(s, newCondition('Progressing', 'True', 'B', 'm', NOW));
  assert.equal(s.conditions?.[0]?.lastTransitionTime, 'T0');
  assert.equal(s.conditions?.[0]?.reason, 'B');
  setCondition(s, { ...newCondition('Progressing', 'True', 'B', 'other', NOW) });
  assert.equal(s.conditions?.[0]?.message, 'm');
  assert.equal(statusEqual(s, structuredClone(s)), true);
});

test('paused and resumed conditions; stuck deployments are re-checked at the deadline', () => {
  const d = deployment(2);
  d.spec.paused = true;
  const s: DeploymentStatus = {};
  assert.equal(applyPausedCondition(d, s, NOW), true);
  assert.equal(getCondition(s, 'Progressing')?.reason, 'DeploymentPaused');
  assert.equal(applyPausedCondition(d, s, NOW), false);
  d.spec.paused = false;
  assert.equal(applyPausedCondition(d, s, NOW), true);
  assert.equal(getCondition(s, 'Progressing')?.reason, 'DeploymentResumed');
  const stuck = deployment(2);
  stuck.status = { conditions: [{ ...newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'x', NOW), lastUpdateTime: ago(100) }] };
  assert.equal(stuckRequeueMs(stuck, { replicas: 2, updatedReplicas: 1 }, NOW), 501_000);
});
