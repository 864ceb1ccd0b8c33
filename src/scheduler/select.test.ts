import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod } from '../api/types.js';
import { fitErrorMessage, selectNode } from './select.js';
import { Code } from './framework.js';
import { podRequests } from './resources.js';
import { tolerates } from './plugins/basic.js';

function node(name: string, o: { cpu?: string; memory?: string; pods?: string; ready?: boolean; labels?: Record<string, string>; taints?: Node['spec']['taints']; unschedulable?: boolean } = {}): Node {
  return {
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) } },
    spec: { taints: o.taints, unschedulable: o.unschedulable },
    status: {
      allocatable: { cpu: o.cpu ?? '2', memory: o.memory ?? '4Gi', pods: o.pods ?? '110' },
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
    },
  };
}

function pod(name: string, o: { cpu?: string; memory?: string; nodeName?: string; nodeSelector?: Record<string, string>; tolerations?: Pod['spec']['tolerations']; affinity?: unknown; owner?: string; phase?: string } = {}): Pod {
  const requests: Record<string, string> = {};
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { app: 'x' }, ...(o.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: o.owner, controller: true }] } : {}) },
    spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests } }], nodeName: o.nodeName, nodeSelector: o.nodeSelector, tolerations: o.tolerations, ...(o.affinity ? { affinity: o.affinity } : {}) },
    status: { phase: (o.phase ?? 'Pending') as 'Pending' },
  };
}

describe('selectNode', () => {
  const cases: { name: string; pod: Pod; nodes: Node[]; pods?: Pod[]; want?: string; message?: string }[] = [
    { name: 'fits the only node', pod: pod('a', { cpu: '500m' }), nodes: [node('n1')], want: 'n1' },
    { name: '32 CPUs on a 2-CPU node: the seed 002 message', pod: pod('a', { cpu: '32' }), nodes: [node('n1')],
      message: '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.' },
    { name: 'memory and cpu both short', pod: pod('a', { cpu: '3', memory: '5Gi' }), nodes: [node('n1')],
      message: '0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.' },
    { name: 'requests of running pods count', pod: pod('a', { cpu: '1500m' }), nodes: [node('n1'), node('n2')], pods: [pod('b', { cpu: '1', nodeName: 'n1', phase: 'Running' })], want: 'n2' },
    { name: 'finished pods do not count', pod: pod('a', { cpu: '1500m' }), nodes: [node('n1')], pods: [pod('b', { cpu: '1', nodeName: 'n1', phase: 'Succeeded' })], want: 'n1' },
    { name: 'too many pods', pod: pod('a'), nodes: [node('n1', { pods: '1' })], pods: [pod('b', { nodeName: 'n1', phase: 'Running' })],
      message: '0/1 nodes are available: 1 Too many pods. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.' },
    { name: 'untolerated taint and insufficient cpu, counted and sorted', pod: pod('a', { cpu: '3' }),
      nodes: [node('cp', { cpu: '8', taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }), node('w1'), node('w2')],
      message: '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.' },
    { name: 'tolerated taint', pod: pod('a', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] }),
      nodes: [node('g', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] })], want: 'g' },
    { name: 'not ready node', pod: pod('a'), nodes: [node('n1', { ready: false })],
      message: '0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.' },
    { name: 'cordoned node', pod: pod('a'), nodes: [node('n1', { unschedulable: true }), node('n2')], want: 'n2' },
    { name: 'cordoned only node', pod: pod('a'), nodes: [node('n1', { unschedulable: true })],
      message: '0/1 nodes are available: 1 node(s) were unschedulable. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.' },
    { name: 'nodeSelector', pod: pod('a', { nodeSelector: { disk: 'ssd' } }), nodes: [node('n1'), node('n2', { labels: { disk: 'ssd' } })], want: 'n2' },
    { name: 'nodeSelector unmatched', pod: pod('a', { nodeSelector: { disk: 'ssd' } }), nodes: [node('n1')],
      message: "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling." },
    { name: 'required node affinity NotIn', pod: pod('a', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'NotIn', values: ['n1'] }] }] } } } }),
      nodes: [node('n1'), node('n2')], want: 'n2' },
    { name: 'preferred node affinity', pod: pod('a', { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] } }] } } }),
      nodes: [node('n1', { labels: { zone: 'a' } }), node('n2', { labels: { zone: 'b' } })], want: 'n2' },
    { name: 'spec.nodeName pins the node', pod: pod('a', { nodeName: 'n2' }), nodes: [node('n1'), node('n2')], want: 'n2' },
    { name: 'replicas spread across nodes', pod: pod('a', { owner: 'rs1' }), nodes: [node('n1'), node('n2')],
      pods: [pod('b', { owner: 'rs1', nodeName: 'n1', phase: 'Running' })], want: 'n2' },
    { name: 'no nodes', pod: pod('a'), nodes: [], message: 'no nodes available to schedule pods' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = selectNode(c.pod, c.nodes, c.pods ?? []);
      if (c.want) assert.equal(r.node, c.want, r.message);
      if (c.message) {
        assert.equal(r.node, undefined);
        assert.equal(r.message, c.message);
      }
    });
  }
});

describe('podRequests', () => {
  it('takes the larger of app containers and the biggest init container', () => {
    const p = pod('a', { cpu: '200m', memory: '64Mi' });
    p.spec.initContainers = [{ name: 'i', image: 'x', resources: { requests: { cpu: '1', memory: '10Mi' } } }];
    const r = podRequests(p);
    assert.equal(r.milliCPU, 1000n);
    assert.equal(r.memory, 64n * 1024n * 1024n);
  });
});

describe('tolerates', () => {
  const cases: [string, Parameters<typeof tolerates>[0], Parameters<typeof tolerates>[1], boolean][] = [
    ['Exists with key', { key: 'k', operator: 'Exists' }, { key: 'k', value: 'v', effect: 'NoSchedule' }, true],
    ['Equal value', { key: 'k', operator: 'Equal', value: 'v' }, { key: 'k', value: 'v', effect: 'NoSchedule' }, true],
    ['Equal wrong value', { key: 'k', operator: 'Equal', value: 'w' }, { key: 'k', value: 'v', effect: 'NoSchedule' }, false],
    ['effect mismatch', { key: 'k', operator: 'Exists', effect: 'NoExecute' }, { key: 'k', effect: 'NoSchedule' }, false],
    ['empty key Exists tolerates all', { operator: 'Exists' }, { key: 'any', effect: 'NoExecute' }, true],
  ];
  for (const [name, t, taint, want] of cases) it(name, () => assert.equal(tolerates(t, taint), want));
});

describe('fitErrorMessage', () => {
  it('counts each reason once per node', () => {
    const m = fitErrorMessage(2, [{ code: Code.Unschedulable, reasons: ['Insufficient cpu', 'Insufficient memory'] }, { code: Code.Unschedulable, reasons: ['Insufficient cpu'] }]);
    assert.equal(m, '0/2 nodes are available: 1 Insufficient memory, 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.');
  });
});
