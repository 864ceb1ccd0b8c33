import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CoreEvent, KubeObject, Node } from '../types.js';
import { buildTable, columnsFor, rowFor } from './table.js';

const NOW = Date.parse('2024-01-10T00:00:00Z');
const T = (ago: number) => new Date(NOW - ago * 1000).toISOString();

test('columnsFor: names, priorities and the name format', () => {
  const cases: [string, string[], string[]][] = [
    ['pods', ['Name', 'Ready', 'Status', 'Restarts', 'Age'], ['IP', 'Node', 'Nominated Node', 'Readiness Gates']],
    ['nodes', ['Name', 'Status', 'Roles', 'Age', 'Version'], ['Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime']],
    ['namespaces', ['Name', 'Status', 'Age'], []],
    ['events', ['Last Seen', 'Type', 'Reason', 'Object', 'Message'], ['Subobject', 'Source', 'First Seen', 'Count', 'Name']],
    ['leases', ['Name', 'Holder', 'Age'], []],
    ['deployments', ['Name', 'Ready', 'Up-to-date', 'Available', 'Age'], ['Containers', 'Images', 'Selector']],
    ['replicasets', ['Name', 'Desired', 'Current', 'Ready', 'Age'], ['Containers', 'Images', 'Selector']],
    ['configmaps', ['Name', 'Data', 'Age'], []],
    ['secrets', ['Name', 'Type', 'Data', 'Age'], []],
    ['services', ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age'], ['Selector']],
    ['widgets', ['Name', 'Age'], []],
  ];
  for (const [res, normal, wide] of cases) {
    const cols = columnsFor(res);
    assert.deepEqual(cols.filter((c) => c.priority === 0).map((c) => c.name), normal, res);
    assert.deepEqual(cols.filter((c) => c.priority === 1).map((c) => c.name), wide, res);
    assert.equal(cols.filter((c) => c.format === 'name').length, 1, res);
    assert.equal(cols.find((c) => c.format === 'name')?.name, 'Name');
  }
});

test('node rows', () => {
  const node = (over: Partial<Node> & { labels?: Record<string, string> }): Node => ({
    metadata: { name: 'n1', creationTimestamp: T(3 * 86400 + 7200), labels: over.labels },
    spec: over.spec ?? {},
    status: over.status ?? {
      conditions: [{ type: 'Ready', status: 'True' }],
      addresses: [{ type: 'InternalIP', address: '172.18.0.3' }, { type: 'Hostname', address: 'n1' }],
      nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Debian GNU/Linux 12', kernelVersion: '6.1.0', containerRuntimeVersion: 'containerd://1.6.20' } as never,
    },
  });
  assert.deepEqual(rowFor('nodes', node({ labels: { 'node-role.kubernetes.io/control-plane': '' } }), NOW).cells,
    ['n1', 'Ready', 'control-plane', '3d2h', 'v1.32.0', '172.18.0.3', '<none>', 'Debian GNU/Linux 12', '6.1.0', 'containerd://1.6.20']);
  assert.deepEqual(rowFor('nodes', node({ spec: { unschedulable: true } }), NOW).cells.slice(1, 3), ['Ready,SchedulingDisabled', '<none>']);
  assert.equal(rowFor('nodes', node({ status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } }), NOW).cells[1], 'NotReady');
  assert.equal(rowFor('nodes', node({ status: {} }), NOW).cells[1], 'Unknown');
  assert.equal(rowFor('nodes', node({ labels: { 'kubernetes.io/role': 'worker', 'node-role.kubernetes.io/infra': '' } }), NOW).cells[2], 'infra,worker');
});

test('event rows', () => {
  const ev: CoreEvent = {
    metadata: { name: 'web.17a', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', fieldPath: 'spec.containers{web}' },
    reason: 'Scheduled', message: 'Successfully assigned default/web to n1 ', type: 'Normal',
    source: { component: 'default-scheduler' }, firstTimestamp: T(600), lastTimestamp: T(30), count: 6,
  };
  assert.deepEqual(rowFor('events', ev, NOW).cells,
    ['30s', 'Normal', 'Scheduled', 'pod/web', 'spec.containers{web}', 'default-scheduler', 'Successfully assigned default/web to n1', '10m', 6, 'web.17a']);
  const newStyle: CoreEvent = { metadata: { name: 'e' }, involvedObject: { kind: 'Node', name: '' }, eventTime: T(5), reportingComponent: 'kubelet', reportingInstance: 'n1', firstTimestamp: null, lastTimestamp: null };
  assert.deepEqual(rowFor('events', newStyle, NOW).cells, ['5s', '', '', 'node', '', 'kubelet, n1', '', '5s', 1, 'e']);
});

test('other kinds', () => {
  const meta = (name: string) => ({ name, namespace: 'default', creationTimestamp: T(90) });
  const cases: [string, KubeObject, unknown[]][] = [
    ['namespaces', { metadata: { name: 'dev', creationTimestamp: T(90) }, status: { phase: 'Active' } }, ['dev', 'Active', '90s']],
    ['leases', { metadata: meta('n1'), spec: { holderIdentity: 'n1' } }, ['n1', 'n1', '90s']],
    ['configmaps', { metadata: meta('cm'), data: { a: '1', b: '2' }, binaryData: { c: '' } }, ['cm', 3, '90s']],
    ['secrets', { metadata: meta('s'), type: 'Opaque', data: { a: 'eA==' } }, ['s', 'Opaque', 1, '90s']],
    ['deployments', {
      metadata: meta('webd'),
      spec: { replicas: 3, selector: { matchLabels: { app: 'webd' } }, template: { spec: { containers: [{ name: 'nginx', image: 'nginx' }, { name: 'side', image: 'busybox' }] } } },
      status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    }, ['webd', '2/3', 3, 2, '90s', 'nginx,side', 'nginx,busybox', 'app=webd']],
    ['replicasets', {
      metadata: meta('webd-5d4'),
      spec: { replicas: 2, selector: { matchLabels: { app: 'webd', 'pod-template-hash': '5d4' } }, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1' }] } } },
      status: { replicas: 2 },
    }, ['webd-5d4', 2, 2, 0, '90s', 'nginx', 'nginx:1', 'app=webd,pod-template-hash=5d4']],
    ['services', { metadata: meta('web'), spec: { type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }], selector: { app: 'web' } } },
      ['web', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP,53/UDP', '90s', 'app=web']],
    ['services', { metadata: meta('np'), spec: { type: 'NodePort', clusterIPs: ['10.96.0.11'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] } },
      ['np', 'NodePort', '10.96.0.11', '<none>', '80:30080/TCP', '90s', '<none>']],
    ['services', { metadata: meta('lb'), spec: { type: 'LoadBalancer', clusterIPs: ['10.96.0.12'], ports: [] } }, ['lb', 'LoadBalancer', '10.96.0.12', '<pending>', '<none>', '90s', '<none>']],
    ['widgets', { metadata: { name: 'w' } }, ['w', '<unknown>']],
  ];
  for (const [res, obj, want] of cases) assert.deepEqual(rowFor(res, obj, NOW).cells, want, `${res}/${obj.metadata.name}`);
});

test('buildTable shape and includeObject', () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', uid: 'u', resourceVersion: '5', creationTimestamp: T(300), labels: { app: 'web' } }, spec: { containers: [{ name: 'c' }] }, status: { phase: 'Running' } };
  const t = buildTable('pods', [pod], { resourceVersion: '107', continue: 'tok', now: NOW });
  assert.equal(t.kind, 'Table');
  assert.equal(t.apiVersion, 'meta.k8s.io/v1');
  assert.deepEqual(t.metadata, { resourceVersion: '107', continue: 'tok' });
  assert.equal(t.columnDefinitions.length, 9);
  assert.deepEqual(t.rows[0]?.cells, ['web', '0/1', 'Running', '0', '5m', '<none>', '<none>', '<none>', '<none>']);
  assert.deepEqual(t.rows[0]?.object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: pod.metadata });
  assert.equal(buildTable('pods', [pod], { includeObject: 'Object', now: NOW }).rows[0]?.object, pod);
  assert.equal('object' in (buildTable('pods', [pod], { includeObject: 'None', now: NOW }).rows[0] ?? {}), false);
  const nh = buildTable('pods', [pod], { noHeaders: true, resourceVersion: '9', now: NOW });
  assert.deepEqual(nh.columnDefinitions, []);
  assert.deepEqual(nh.metadata, { resourceVersion: '9' });
  assert.deepEqual(buildTable('pods', [], { now: NOW }).rows, []);
  assert.deepEqual(buildTable('pods', [pod], { now: new Date(NOW) }).rows[0]?.cells[4], '5m');
});
