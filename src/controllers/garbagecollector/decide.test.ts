import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { blockingDependents, decideDependent, decideOwnerBeingDeleted, ownerStateOf, type GCAction, type OwnerState } from './decide.js';

const ref = (uid: string, block = true) => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: uid, uid, controller: true, blockOwnerDeletion: block });
const obj = (name: string, owners: ReturnType<typeof ref>[] = [], meta: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  metadata: { name, namespace: 'default', uid: name, ownerReferences: owners, ...meta },
});

test('decideDependent by owner states', () => {
  const cases: { name: string; o: KubeObject; states: [string, OwnerState][]; deps?: boolean; want: GCAction }[] = [
    { name: 'no owners', o: obj('p'), states: [], want: { type: 'none' } },
    { name: 'owner present', o: obj('p', [ref('a')]), states: [['a', 'present']], want: { type: 'none' } },
    { name: 'owner gone: background delete', o: obj('p', [ref('a')]), states: [['a', 'absent']], want: { type: 'delete', propagationPolicy: 'Background' } },
    { name: 'one owner gone, one present: drop the dangling ref', o: obj('p', [ref('a'), ref('b')]), states: [['a', 'absent'], ['b', 'present']], want: { type: 'removeOwnerRefs', uids: ['a'] } },
    { name: 'owner deleting in foreground, dependent has dependents', o: obj('rs', [ref('d')]), states: [['d', 'waitingForDependents']], deps: true, want: { type: 'delete', propagationPolicy: 'Foreground' } },
    { name: 'owner deleting in foreground, leaf', o: obj('p', [ref('d')]), states: [['d', 'waitingForDependents']], want: { type: 'delete', propagationPolicy: 'Background' } },
    { name: 'already being deleted', o: obj('p', [ref('a')], { deletionTimestamp: 'x' }), states: [['a', 'absent']], want: { type: 'none' } },
    { name: 'own orphan finalizer decides the policy', o: obj('p', [ref('a')], { finalizers: ['orphan'] }), states: [['a', 'absent']], want: { type: 'delete', propagationPolicy: 'Orphan' } },
  ];
  for (const c of cases) assert.deepEqual(decideDependent(c.o, new Map(c.states), c.deps ?? false), c.want, c.name);
});

test('decideOwnerBeingDeleted: orphan and foreground', () => {
  const deleting = (finalizers: string[]) => obj('owner', [], { deletionTimestamp: 'x', finalizers });
  const dep = obj('p', [ref('owner')]);
  const soft = obj('q', [ref('owner', false)]);
  assert.deepEqual(decideOwnerBeingDeleted(deleting(['orphan']), [dep]), { type: 'orphanDependents', dependents: [dep] });
  assert.deepEqual(decideOwnerBeingDeleted(deleting(['orphan']), []), { type: 'removeFinalizer', finalizer: 'orphan' });
  assert.deepEqual(decideOwnerBeingDeleted(deleting(['foregroundDeletion']), [dep]), { type: 'attemptToDeleteDependents', dependents: [dep] });
  assert.deepEqual(decideOwnerBeingDeleted(deleting(['foregroundDeletion']), [soft]), { type: 'removeFinalizer', finalizer: 'foregroundDeletion' });
  assert.deepEqual(decideOwnerBeingDeleted(deleting(['foregroundDeletion']), [obj('p', [ref('owner')], { deletionTimestamp: 'y' })]), { type: 'none' });
  assert.deepEqual(decideOwnerBeingDeleted(obj('owner'), [dep]), { type: 'none' });
  assert.deepEqual(blockingDependents(obj('owner'), [dep, soft]), [dep]);
});

test('ownerStateOf: uid mismatch counts as absent', () => {
  assert.equal(ownerStateOf(undefined, ref('a')), 'absent');
  assert.equal(ownerStateOf(obj('b'), ref('a')), 'absent');
  assert.equal(ownerStateOf(obj('a'), ref('a')), 'present');
  assert.equal(ownerStateOf(obj('a', [], { deletionTimestamp: 'x', finalizers: ['foregroundDeletion'] }), ref('a')), 'waitingForDependents');
});
