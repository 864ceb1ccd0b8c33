import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deployment, pod, rs } from '../testing/builders.js';
import {
  findActiveOrLatest, newRSNewReplicas, oldPodsRunning, proportionalScale, reconcileNewReplicaSet, reconcileOldReplicaSets, replicaSetsToCleanUp,
} from './rolling.js';
import type { ReplicaSet } from '../replicaset/reconcile.js';

const sizes = (ops: { rs: ReplicaSet; replicas: number }[]) => Object.fromEntries(ops.map((o) => [o.rs.metadata.name, o.replicas]));

test('reconcileNewReplicaSet: grow within maxSurge, shrink to desired, stay', () => {
  const cases: { name: string; d: ReturnType<typeof deployment>; old: number; cur: number; want: number | undefined }[] = [
    { name: '5 replicas, surge 2: 0 -> 2 while old has 5', d: deployment(5), old: 5, cur: 0, want: 2 },
    { name: 'at max total: stay', d: deployment(5), old: 5, cur: 2, want: undefined },
    { name: 'old gone: grow to desired', d: deployment(5), old: 0, cur: 3, want: 5 },
    { name: 'too big (manual scale): back to desired', d: deployment(3), old: 0, cur: 5, want: 3 },
    { name: 'equal: stay', d: deployment(3), old: 0, cur: 3, want: undefined },
  ];
  for (const c of cases) {
    const n = rs('new', { replicas: c.cur, createdAgo: 1 });
    assert.equal(reconcileNewReplicaSet(c.d, [rs('old', { replicas: c.old }), n], n), c.want, c.name);
  }
  const recreate = deployment(4);
  recreate.spec.strategy = { type: 'Recreate' };
  assert.equal(newRSNewReplicas(recreate, [], rs('new', { replicas: 0 })), 4);
});

test('reconcileOldReplicaSets never goes below replicas - maxUnavailable available', () => {
  const cases: { name: string; d: ReturnType<typeof deployment>; old: ReplicaSet[]; newRS: ReplicaSet; want: Record<string, number> }[] = [
    { name: 'new not available yet: only 1 (maxUnavailable) old goes', d: deployment(5),
      old: [rs('old', { replicas: 5, createdAgo: 300 })], newRS: rs('new', { replicas: 2, available: 0, createdAgo: 1 }), want: { old: 4 } },
    { name: 'two new available: scale old down by 3', d: deployment(5),
      old: [rs('old', { replicas: 5, createdAgo: 300 })], newRS: rs('new', { replicas: 2, available: 2, createdAgo: 1 }), want: { old: 2 } },
    { name: 'unhealthy old pods go first, oldest set first', d: deployment(4, 1, 0),
      old: [rs('o1', { replicas: 2, available: 1, createdAgo: 500 }), rs('o2', { replicas: 2, available: 2, createdAgo: 300 })], newRS: rs('new', { replicas: 1, available: 1, createdAgo: 1 }), want: { o1: 1 } },
    { name: 'nothing to spare', d: deployment(4, 1, 0),
      old: [rs('old', { replicas: 4, createdAgo: 300 })], newRS: rs('new', { replicas: 1, available: 0, createdAgo: 1 }), want: {} },
  ];
  for (const c of cases) {
    const all = [...c.old, c.newRS];
    assert.deepEqual(sizes(reconcileOldReplicaSets(c.d, all, c.old, c.newRS)), c.want, c.name);
  }
});

test('a whole rolling update of 5 keeps availability >= 4 and total <= 7', () => {
  const d = deployment(5);
  let oldRS = rs('old', { replicas: 5, createdAgo: 300 });
  let newRS = rs('new', { replicas: 0, available: 0, createdAgo: 1 });
  for (let step = 0; step < 20 && !((newRS.spec.replicas ?? 0) === 5 && (oldRS.spec.replicas ?? 0) === 0); step++) {
    const next = reconcileNewReplicaSet(d, [oldRS, newRS], newRS);
    if (next !== undefined) newRS = rs('new', { replicas: next, available: newRS.status?.availableReplicas ?? 0, createdAgo: 1 });
    else {
      for (const op of reconcileOldReplicaSets(d, [oldRS, newRS], [oldRS], newRS)) oldRS = rs('old', { replicas: op.replicas, createdAgo: 300 });
    }
    assert.ok((oldRS.spec.replicas ?? 0) + (newRS.spec.replicas ?? 0) <= 7, `surge at step ${step}`);
    assert.ok((oldRS.status?.availableReplicas ?? 0) + (newRS.status?.availableReplicas ?? 0) >= 4, `availability at step ${step}`);
    newRS = rs('new', { replicas: newRS.spec.replicas, createdAgo: 1 });
  }
  assert.equal(newRS.spec.replicas, 5);
  assert.equal(oldRS.spec.replicas, 0);
});

test('proportionalScale: lone set takes all; saturated empties old; shares in proportion', () => {
  const d = deployment(10);
  assert.deepEqual(sizes(proportionalScale(d, rs('new', { replicas: 3 }), [rs('old', { replicas: 0 })])), { new: 10 });
  const sat = rs('new', { replicas: 10, annotations: { 'deployment.kubernetes.io/desired-replicas': '10' } });
  assert.deepEqual(sizes(proportionalScale(d, sat, [rs('old', { replicas: 2 })])), { old: 0 });
  const ann = { 'deployment.kubernetes.io/max-replicas': '6' };
  const out = sizes(proportionalScale(d, rs('new', { replicas: 3, annotations: ann, createdAgo: 1 }), [rs('old', { replicas: 3, annotations: ann, createdAgo: 100 })]));
  assert.equal((out.new ?? 0) + (out.old ?? 0), 13);
  assert.ok(out.new! >= out.old!, 'scale up favours the newer set on ties');
});

test('findActiveOrLatest, oldPodsRunning and cleanup by revisionHistoryLimit', () => {
  assert.equal(findActiveOrLatest(rs('n', { replicas: 0, createdAgo: 1 }), [rs('o', { replicas: 0, createdAgo: 9 })])?.metadata.name, 'n');
  assert.equal(findActiveOrLatest(rs('n', { replicas: 1 }), [rs('o', { replicas: 1 })]), undefined);
  const newRS = rs('n', { replicas: 2 });
  assert.equal(oldPodsRunning(newRS, [rs('o', { replicas: 0, actual: 0 })], new Map([['uid-o', [pod('x')]]])), true);
  assert.equal(oldPodsRunning(newRS, [rs('o', { replicas: 0, actual: 0 })], new Map([['uid-o', [pod('x', { phase: 'Succeeded' })]], ['uid-n', [pod('y')]]])), false);
  const d = deployment(1);
  d.spec.revisionHistoryLimit = 1;
  const olds = [rs('r1', { replicas: 0, actual: 0, revision: 1 }), rs('r2', { replicas: 0, actual: 0, revision: 2 }), rs('r3', { replicas: 0, actual: 0, revision: 3 })];
  assert.deepEqual(replicaSetsToCleanUp(d, olds, (x) => Number(x.metadata.annotations?.['deployment.kubernetes.io/revision'])).map((x) => x.metadata.name), ['r1', 'r2']);
});
