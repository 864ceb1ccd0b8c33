import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.js';
import { applyStrategicMergePatch } from './strategic.js';

const livePod = () => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'ap1', namespace: 'default', labels: { app: 'x' }, finalizers: ['a/b'] },
  spec: {
    containers: [
      { name: 'c', image: 'nginx:1', terminationMessagePath: '/dev/termination-log', ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'A', value: '1' }] },
      { name: 'side', image: 'busybox', args: ['sleep', '1'] },
    ],
    tolerations: [{ key: 'k', operator: 'Exists' }],
    volumes: [{ name: 'data', emptyDir: {} }],
  },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'True' }] },
});

test('kubectl apply three-way patch body (wire reference 4.2)', () => {
  const patch = JSON.parse('{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}\\n"}},"spec":{"$setElementOrder/containers":[{"name":"c"}],"containers":[{"image":"nginx:2","name":"c"}]}}');
  const out = applyStrategicMergePatch(livePod(), patch, 'Pod') as ReturnType<typeof livePod> & { metadata: { annotations: Record<string, string> } };
  assert.equal(out.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'], '{}\n');
  assert.equal(out.spec.containers.length, 2);
  assert.deepEqual(out.spec.containers[0], { ...livePod().spec.containers[0], image: 'nginx:2' });
  assert.equal(out.spec.containers[1]?.name, 'side');
  assert.equal('$setElementOrder/containers' in out.spec, false);
});

test('kubectl edit style patch does not drop other containers', () => {
  const patch = { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'side' }], containers: [{ name: 'side', args: ['--address', ':8081'] }] }, status: { phase: 'Running' } };
  const out = applyStrategicMergePatch(livePod(), patch, 'Pod') as ReturnType<typeof livePod>;
  assert.deepEqual(out.spec.containers.map((c) => c.name), ['c', 'side']);
  assert.deepEqual(out.spec.containers[1], { name: 'side', image: 'busybox', args: ['--address', ':8081'] });
  assert.deepEqual(out.spec.containers[0], livePod().spec.containers[0]);
});

test('strategic merge semantics table', () => {
  type Case = { name: string; kind?: string; orig?: unknown; patch: unknown; check: (o: Record<string, any>) => unknown; want: unknown };
  const cases: Case[] = [
    { name: 'null deletes a key', patch: { metadata: { labels: { app: null } } }, check: (o) => o.metadata.labels, want: {} },
    { name: 'maps merge', patch: { metadata: { labels: { b: '2' } } }, check: (o) => o.metadata.labels, want: { app: 'x', b: '2' } },
    { name: 'ports merge by containerPort', patch: { spec: { containers: [{ name: 'c', ports: [{ containerPort: 443 }, { containerPort: 80, name: 'http' }] }] } }, check: (o) => o.spec.containers[0].ports, want: [{ containerPort: 80, protocol: 'TCP', name: 'http' }, { containerPort: 443 }] },
    { name: 'env merge by name', patch: { spec: { containers: [{ name: 'c', env: [{ name: 'B', value: '2' }, { name: 'A', value: '9' }] }] } }, check: (o) => o.spec.containers[0].env, want: [{ name: 'A', value: '9' }, { name: 'B', value: '2' }] },
    { name: 'args replaced whole', patch: { spec: { containers: [{ name: 'side', args: ['x'] }] } }, check: (o) => o.spec.containers[1].args, want: ['x'] },
    { name: 'tolerations replaced whole', patch: { spec: { tolerations: [{ key: 'z', operator: 'Exists' }] } }, check: (o) => o.spec.tolerations, want: [{ key: 'z', operator: 'Exists' }] },
    { name: 'new container appended', patch: { spec: { containers: [{ name: 'new', image: 'x' }] } }, check: (o) => o.spec.containers.map((c: { name: string }) => c.name), want: ['c', 'side', 'new'] },
    { name: '$patch delete element', patch: { spec: { containers: [{ name: 'side', $patch: 'delete' }] } }, check: (o) => o.spec.containers.map((c: { name: string }) => c.name), want: ['c'] },
    { name: '$patch replace list', patch: { spec: { containers: [{ name: 'only', image: 'x' }, { $patch: 'replace' }] } }, check: (o) => o.spec.containers, want: [{ name: 'only', image: 'x' }] },
    { name: '$patch replace map', patch: { metadata: { labels: { $patch: 'replace', z: '1' } } }, check: (o) => o.metadata.labels, want: { z: '1' } },
    { name: '$patch delete map', patch: { status: { $patch: 'delete' } }, check: (o) => o.status, want: {} },
    { name: 'conditions merge by type', patch: { status: { conditions: [{ type: 'Ready', status: 'True' }] } }, check: (o) => o.status.conditions, want: [{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }] },
    { name: 'finalizers merge as a set', patch: { metadata: { finalizers: ['a/b', 'c/d'] } }, check: (o) => o.metadata.finalizers, want: ['a/b', 'c/d'] },
    { name: '$deleteFromPrimitiveList', patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['a/b'] } }, check: (o) => o.metadata.finalizers, want: [] },
    { name: 'volumes $retainKeys', patch: { spec: { volumes: [{ name: 'data', $retainKeys: ['name', 'hostPath'], hostPath: { path: '/x' } }] } }, check: (o) => o.spec.volumes, want: [{ name: 'data', hostPath: { path: '/x' } }] },
    {
      name: '$setElementOrder reorders and keeps server-only items in place',
      patch: { spec: { '$setElementOrder/containers': [{ name: 'side' }, { name: 'c' }], containers: [{ name: 'side', image: 'b2' }] } },
      check: (o) => o.spec.containers.map((c: { name: string }) => c.name), want: ['side', 'c'],
    },
    {
      name: 'ownerReferences merge by uid', orig: { metadata: { ownerReferences: [{ uid: '1', name: 'a' }] } },
      patch: { metadata: { ownerReferences: [{ uid: '2', name: 'b' }, { uid: '1', controller: true }] } },
      check: (o) => o.metadata.ownerReferences, want: [{ uid: '1', name: 'a', controller: true }, { uid: '2', name: 'b' }],
    },
    {
      name: 'Service ports merge by port', kind: 'Service', orig: { spec: { ports: [{ port: 80, targetPort: 8080 }] } },
      patch: { spec: { ports: [{ port: 80, name: 'http' }, { port: 443 }] } },
      check: (o) => o.spec.ports, want: [{ port: 80, targetPort: 8080, name: 'http' }, { port: 443 }],
    },
    {
      name: 'Deployment template containers merge', kind: 'Deployment', orig: { spec: { replicas: 1, template: { spec: { containers: [{ name: 'a', image: '1' }, { name: 'b', image: '1' }] } } } },
      patch: { spec: { template: { spec: { containers: [{ name: 'b', image: '2' }] } } } },
      check: (o) => o.spec.template.spec.containers, want: [{ name: 'a', image: '1' }, { name: 'b', image: '2' }],
    },
    {
      name: 'unknown kind lists replaced', kind: 'Widget', orig: { spec: { containers: [{ name: 'a' }, { name: 'b' }] } },
      patch: { spec: { containers: [{ name: 'b', image: '2' }] } },
      check: (o) => o.spec.containers, want: [{ name: 'b', image: '2' }],
    },
    { name: 'new nested key with directives', orig: { metadata: { name: 'x' } }, patch: { spec: { containers: [{ name: 'a', image: 'x' }], '$setElementOrder/containers': [{ name: 'a' }] } }, check: (o) => o.spec, want: { containers: [{ name: 'a', image: 'x' }] } },
  ];
  for (const c of cases) {
    const orig = c.orig ?? livePod();
    const before = JSON.stringify(orig);
    const out = applyStrategicMergePatch(orig, c.patch, c.kind ?? 'Pod');
    assert.deepEqual(c.check(out), c.want, c.name);
    assert.equal(JSON.stringify(orig), before, `${c.name}: original not mutated`);
  }
});

test('strategic merge errors are 400', () => {
  const cases: [unknown, RegExp][] = [
    [{ spec: { containers: [{ image: 'x' }] } }, /does not contain declared merge key: name/],
    [{ spec: { containers: [{ $patch: 'delete' }] } }, /does not contain declared merge key: name/],
    [{ spec: { containers: [{ $patch: 'merge' }] } }, /merging lists cannot yet be specified in the patch/],
    [{ metadata: { $patch: 'bogus' } }, /unknown patch type: bogus/],
    [{ spec: { volumes: [{ name: 'data', $retainKeys: ['name'], hostPath: {} }] } }, /invalid patch format for retainKeys/],
    [[1, 2], /must be a JSON object/],
  ];
  for (const [patch, re] of cases) {
    assert.throws(() => applyStrategicMergePatch(livePod(), patch, 'Pod'), (e: unknown) => e instanceof StatusError && e.code === 400 && re.test(e.message), String(re));
  }
});
