import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/types.js';
import { adoptPatch, decideClaims, getControllerOf, newControllerRef, releasePatch } from './controller-ref.js';
import { ControllerExpectations } from './expectations.js';
import { FakeClock } from '../machinery/clock.js';

const owner: KubeObject = { metadata: { name: 'rs', namespace: 'default', uid: 'owner' } };
const obj = (name: string, labels: Record<string, string>, ctrl?: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  metadata: { name, namespace: 'default', uid: `uid-${name}`, labels, ...(ctrl ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: ctrl, uid: ctrl, controller: true }] } : {}), ...extra },
});
const matches = (o: KubeObject) => o.metadata.labels?.app === 'web';

test('decideClaims: own, adopt, release, ignore', () => {
  const cases: { name: string; owner: KubeObject; objs: KubeObject[]; owned: string[]; adopt: string[]; release: string[] }[] = [
    { name: 'ours and matching', owner, objs: [obj('a', { app: 'web' }, 'owner')], owned: ['a'], adopt: [], release: [] },
    { name: 'ours, not matching: release', owner, objs: [obj('a', { app: 'x' }, 'owner')], owned: [], adopt: [], release: ['a'] },
    { name: 'orphan matching: adopt', owner, objs: [obj('a', { app: 'web' })], owned: [], adopt: ['a'], release: [] },
    { name: 'orphan being deleted: ignore', owner, objs: [obj('a', { app: 'web' }, undefined, { deletionTimestamp: 'x' })], owned: [], adopt: [], release: [] },
    { name: 'someone else\'s: ignore', owner, objs: [obj('a', { app: 'web' }, 'other')], owned: [], adopt: [], release: [] },
    { name: 'owner deleting: no adopt, no release', owner: { metadata: { ...owner.metadata, deletionTimestamp: 'x' } }, objs: [obj('a', { app: 'web' }), obj('b', { app: 'x' }, 'owner')], owned: [], adopt: [], release: [] },
    { name: 'other namespace: ignore', owner, objs: [{ metadata: { ...obj('a', { app: 'web' }).metadata, namespace: 'other' } }], owned: [], adopt: [], release: [] },
  ];
  for (const c of cases) {
    const d = decideClaims(c.owner, c.objs, matches);
    const names = (l: KubeObject[]) => l.map((o) => o.metadata.name);
    assert.deepEqual([names(d.owned), names(d.adopt), names(d.release)], [c.owned, c.adopt, c.release], c.name);
  }
});

test('controller refs and patches', () => {
  const ref = newControllerRef(owner, 'apps/v1', 'ReplicaSet');
  assert.deepEqual(ref, { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'owner', controller: true, blockOwnerDeletion: true });
  assert.equal(getControllerOf(obj('a', {}, 'owner'))?.uid, 'owner');
  assert.equal(getControllerOf(obj('a', {})), undefined);
  assert.deepEqual(adoptPatch(obj('a', {}), ref), { metadata: { ownerReferences: [ref], uid: 'uid-a' } });
  assert.deepEqual(releasePatch(obj('a', {}), 'owner'), { metadata: { ownerReferences: [{ $patch: 'delete', uid: 'owner' }], uid: 'uid-a' } });
});

test('expectations: satisfied after observing, deletions counted once per uid, expire after 5 minutes', () => {
  const clock = new FakeClock();
  const e = new ControllerExpectations(clock);
  assert.equal(e.satisfied('k'), true);
  e.expectCreations('k', 2);
  assert.equal(e.satisfied('k'), false);
  e.creationObserved('k');
  assert.equal(e.satisfied('k'), false);
  e.creationObserved('k');
  assert.equal(e.satisfied('k'), true);
  e.expectDeletions('k', ['u1', 'u2']);
  e.deletionObserved('k', 'u1');
  e.deletionObserved('k', 'u1');
  assert.equal(e.satisfied('k'), false);
  clock.step(5 * 60 * 1000 + 1);
  assert.equal(e.satisfied('k'), true);
});
