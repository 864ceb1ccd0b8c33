import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString } from '../errors.js';
import type { Pod } from '../types.js';
import { defaultPod } from '../defaults/pod.js';
import { validatePodUpdate, POD_UPDATE_FORBIDDEN_PREFIX } from './podupdate.js';
import { validateNamespace, validateNode, validateEvent, validateLease } from './others.js';

function base(): Pod {
  return defaultPod({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'duplicate-containers', namespace: 'default', uid: 'u1', creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: { containers: [{ name: 'one', image: 'gcr.io/kuar-demo/kuard-amd64:1' }, { name: 'two', image: 'gcr.io/kuar-demo/kuard-amd64:1' }] },
  });
}

test('the exact Forbidden prefix from kubectl-wire section 10', () => {
  assert.equal(POD_UPDATE_FORBIDDEN_PREFIX,
    'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)');
});

test('validatePodUpdate: allowed and forbidden changes', () => {
  const cases: { name: string; mut: (p: Pod) => void; want: string[] | RegExp }[] = [
    { name: 'no change', mut: () => {}, want: [] },
    { name: 'image change', mut: (p) => { p.spec.containers[0]!.image = 'nginx:2'; }, want: [] },
    { name: 'labels change', mut: (p) => { p.metadata.labels = { a: 'b' }; }, want: [] },
    { name: 'activeDeadline set', mut: (p) => { p.spec.activeDeadlineSeconds = 100; }, want: [] },
    { name: 'toleration added', mut: (p) => { p.spec.tolerations!.push({ key: 'x', operator: 'Exists' }); }, want: [] },
    { name: 'tolerationSeconds changed', mut: (p) => { p.spec.tolerations![0]!.tolerationSeconds = 10; }, want: [] },
    {
      name: 'toleration removed', mut: (p) => { p.spec.tolerations!.pop(); },
      want: ['spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds'],
    },
    { name: 'container added', mut: (p) => { p.spec.containers.push({ ...p.spec.containers[0]!, name: 'three' }); }, want: ['spec.containers: Forbidden: pod updates may not add or remove containers'] },
    { name: 'container removed', mut: (p) => { p.spec.containers.pop(); }, want: ['spec.containers: Forbidden: pod updates may not add or remove containers'] },
    { name: 'empty image', mut: (p) => { p.spec.containers[0]!.image = ''; }, want: ['spec.containers[0].image: Required value', 'spec.containers[0].image: Required value'] },
    { name: 'name immutable', mut: (p) => { p.metadata.name = 'other'; }, want: ['metadata.name: Invalid value: "other": field is immutable'] },
    { name: 'args change', mut: (p) => { p.spec.containers[1]!.args = ['--address', ':8081']; }, want: /^spec: Forbidden: pod updates may not change fields other than `spec\.containers\[\*\]\.image`/ },
    { name: 'grace period change', mut: (p) => { p.spec.terminationGracePeriodSeconds = 5; }, want: /^spec: Forbidden: pod updates may not change fields/ },
    {
      name: 'deadline raised', mut: (p) => { p.spec.activeDeadlineSeconds = 10; },
      want: [],
    },
  ];
  for (const c of cases) {
    const n = structuredClone(base());
    c.mut(n);
    const got = validatePodUpdate(n, base()).map(fieldErrorString);
    if (c.want instanceof RegExp) {
      assert.equal(got.length, 1, c.name);
      assert.match(got[0]!, c.want, c.name);
    } else assert.deepEqual(got, c.want, c.name);
  }
});

test('activeDeadlineSeconds may only go down', () => {
  const old = base();
  old.spec.activeDeadlineSeconds = 10;
  const n = structuredClone(old);
  n.spec.activeDeadlineSeconds = 20;
  assert.deepEqual(validatePodUpdate(n, old).map(fieldErrorString), ['spec.activeDeadlineSeconds: Invalid value: 20: must be less than or equal to previous value']);
  delete n.spec.activeDeadlineSeconds;
  assert.deepEqual(validatePodUpdate(n, old).map(fieldErrorString), ['spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value']);
});

test('the spec diff shows the changed field cmp.Diff style', () => {
  const n = base();
  n.spec.containers[1]!.args = ['--address', ':8081'];
  const errs = validatePodUpdate(n, base());
  const detail = errs[0]?.detail ?? '';
  const diff = detail.slice(POD_UPDATE_FORBIDDEN_PREFIX.length + 1);
  assert.equal(diff, [
    '  core.PodSpec{',
    '  \tContainers: []core.Container{',
    '  \t\t... // 1 identical element',
    '  \t\t{',
    '- \t\t\tArgs: nil,',
    '+ \t\t\tArgs: []string{"--address", ":8081"},',
    '  \t\t\t... // 2 identical fields',
    '  \t\t\tName: "two",',
    '  \t\t\t... // 3 identical fields',
    '  \t\t},',
    '  \t},',
    '  \t... // 11 identical fields',
    '  }',
    '',
  ].join('\n'));
});

test('validateNamespace / validateNode / validateEvent / validateLease', () => {
  const s = (e: { field: string }[]) => e.map((x) => fieldErrorString(x as never));
  assert.deepEqual(s(validateNamespace({ metadata: { name: 'dev' } })), []);
  assert.deepEqual(s(validateNamespace({ metadata: { name: 'a.b' } })), ['metadata.name: Invalid value: "a.b": must not contain dots']);
  assert.deepEqual(s(validateNamespace({ metadata: { name: 'dev', namespace: 'x' } })), ['metadata.namespace: Forbidden: not allowed on this type']);
  assert.deepEqual(s(validateNode({ metadata: { name: 'node-1.local' }, spec: { taints: [{ key: 'k', effect: 'Sometimes' as never }] } })),
    ['spec.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"']);
  assert.deepEqual(s(validateEvent({ metadata: { name: 'web.1', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'web', namespace: 'other' } })),
    ['involvedObject.namespace: Invalid value: "other": does not match event.namespace']);
  assert.deepEqual(s(validateEvent({ metadata: { name: 'web.1', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' } })), []);
  assert.deepEqual(s(validateLease({ metadata: { name: 'node1', namespace: 'kube-node-lease' }, spec: { leaseDurationSeconds: 0 } })),
    ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']);
});
