import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerStatus, Pod } from '../types.js';
import { printPod } from './pods.js';

const NOW = Date.parse('2024-01-01T01:00:00Z');
const CREATED = '2024-01-01T00:55:00Z';

function cs(name: string, state: ContainerStatus['state'], extra: Partial<ContainerStatus> = {}): ContainerStatus {
  return { name, state, lastState: {}, ready: false, restartCount: 0, image: 'x', imageID: '', ...extra };
}
const running = { running: { startedAt: CREATED } };

function pod(p: { containers?: string[]; init?: { name: string; restartPolicy?: 'Always' }[]; status?: Pod['status']; deleting?: boolean; nodeName?: string }): Pod {
  return {
    metadata: { name: 'web', namespace: 'default', creationTimestamp: CREATED, ...(p.deleting ? { deletionTimestamp: CREATED } : {}) },
    spec: {
      containers: (p.containers ?? ['c']).map((name) => ({ name, image: 'x' })),
      ...(p.init ? { initContainers: p.init.map((i) => ({ image: 'x', ...i })) } : {}),
      ...(p.nodeName ? { nodeName: p.nodeName } : {}),
    },
    status: p.status,
  };
}

test('printPod READY / STATUS / RESTARTS', () => {
  const cases: { name: string; pod: Pod; ready: string; status: string; restarts: string }[] = [
    { name: 'new pending pod', pod: pod({ status: { phase: 'Pending' } }), ready: '0/1', status: 'Pending', restarts: '0' },
    { name: 'no status', pod: pod({}), ready: '0/1', status: '', restarts: '0' },
    { name: 'container creating', pod: pod({ status: { phase: 'Pending', containerStatuses: [cs('c', { waiting: { reason: 'ContainerCreating' } })] } }), ready: '0/1', status: 'ContainerCreating', restarts: '0' },
    { name: 'running ready', pod: pod({ status: { phase: 'Running', containerStatuses: [cs('c', running, { ready: true })] } }), ready: '1/1', status: 'Running', restarts: '0' },
    { name: 'running not ready', pod: pod({ status: { phase: 'Running', containerStatuses: [cs('c', running)] } }), ready: '0/1', status: 'Running', restarts: '0' },
    { name: 'completed', pod: pod({ status: { phase: 'Succeeded', containerStatuses: [cs('c', { terminated: { exitCode: 0, reason: 'Completed' } })] } }), ready: '0/1', status: 'Completed', restarts: '0' },
    { name: 'error', pod: pod({ status: { phase: 'Failed', containerStatuses: [cs('c', { terminated: { exitCode: 1, reason: 'Error' } })] } }), ready: '0/1', status: 'Error', restarts: '0' },
    { name: 'exit code without reason', pod: pod({ status: { phase: 'Failed', containerStatuses: [cs('c', { terminated: { exitCode: 2 } })] } }), ready: '0/1', status: 'ExitCode:2', restarts: '0' },
    { name: 'signal without reason', pod: pod({ status: { phase: 'Failed', containerStatuses: [cs('c', { terminated: { exitCode: 137, signal: 9 } })] } }), ready: '0/1', status: 'Signal:9', restarts: '0' },
    {
      name: 'crashloop with last restart', ready: '0/1', status: 'CrashLoopBackOff', restarts: '3 (2m ago)',
      pod: pod({ status: { phase: 'Running', containerStatuses: [cs('c', { waiting: { reason: 'CrashLoopBackOff' } }, { restartCount: 3, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', finishedAt: '2024-01-01T00:58:00Z' } } })] } }),
    },
    { name: 'oom killed', pod: pod({ status: { phase: 'Running', containerStatuses: [cs('c', { terminated: { exitCode: 137, reason: 'OOMKilled' } }, { restartCount: 1 })] } }), ready: '0/1', status: 'OOMKilled', restarts: '1' },
    { name: 'image pull', pod: pod({ status: { phase: 'Pending', containerStatuses: [cs('c', { waiting: { reason: 'ErrImagePull' } })] } }), ready: '0/1', status: 'ErrImagePull', restarts: '0' },
    { name: 'image backoff', pod: pod({ status: { phase: 'Pending', containerStatuses: [cs('c', { waiting: { reason: 'ImagePullBackOff' } })] } }), ready: '0/1', status: 'ImagePullBackOff', restarts: '0' },
    { name: 'terminating', pod: pod({ deleting: true, status: { phase: 'Running', containerStatuses: [cs('c', running, { ready: true })] } }), ready: '1/1', status: 'Terminating', restarts: '0' },
    { name: 'deleted but succeeded', pod: pod({ deleting: true, status: { phase: 'Succeeded', containerStatuses: [cs('c', { terminated: { exitCode: 0, reason: 'Completed' } })] } }), ready: '0/1', status: 'Completed', restarts: '0' },
    { name: 'node lost', pod: pod({ deleting: true, status: { phase: 'Running', reason: 'NodeLost' } }), ready: '0/1', status: 'Unknown', restarts: '0' },
    {
      name: 'two containers, one completed one running and ready', ready: '1/2', status: 'Running', restarts: '0',
      pod: pod({ containers: ['a', 'b'], status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [cs('a', { terminated: { exitCode: 0, reason: 'Completed' } }), cs('b', running, { ready: true })] } }),
    },
    {
      name: 'completed + running but pod not ready', ready: '1/2', status: 'NotReady', restarts: '0',
      pod: pod({ containers: ['a', 'b'], status: { phase: 'Running', containerStatuses: [cs('a', { terminated: { exitCode: 0, reason: 'Completed' } }), cs('b', running, { ready: true })] } }),
    },
    {
      name: 'init 1/2 running', ready: '0/1', status: 'Init:1/2', restarts: '0',
      pod: pod({ init: [{ name: 'i1' }, { name: 'i2' }], status: { phase: 'Pending', initContainerStatuses: [cs('i1', { terminated: { exitCode: 0, reason: 'Completed' } }), cs('i2', running)], containerStatuses: [cs('c', { waiting: { reason: 'PodInitializing' } })] } }),
    },
    {
      name: 'init 0/2 waiting PodInitializing', ready: '0/1', status: 'Init:0/2', restarts: '0',
      pod: pod({ init: [{ name: 'i1' }, { name: 'i2' }], status: { phase: 'Pending', initContainerStatuses: [cs('i1', { waiting: { reason: 'PodInitializing' } }), cs('i2', { waiting: {} })] } }),
    },
    {
      name: 'init error', ready: '0/1', status: 'Init:Error', restarts: '2',
      pod: pod({ init: [{ name: 'i1' }], status: { phase: 'Pending', initContainerStatuses: [cs('i1', { terminated: { exitCode: 1, reason: 'Error' } }, { restartCount: 2 })] } }),
    },
    {
      name: 'init crashloop', ready: '0/1', status: 'Init:CrashLoopBackOff', restarts: '0',
      pod: pod({ init: [{ name: 'i1' }], status: { phase: 'Pending', initContainerStatuses: [cs('i1', { waiting: { reason: 'CrashLoopBackOff' } })] } }),
    },
    {
      name: 'init exit code', ready: '0/1', status: 'Init:ExitCode:3', restarts: '0',
      pod: pod({ init: [{ name: 'i1' }], status: { phase: 'Pending', initContainerStatuses: [cs('i1', { terminated: { exitCode: 3 } })] } }),
    },
    {
      name: 'pod initializing after init', ready: '0/1', status: 'PodInitializing', restarts: '0',
      pod: pod({ init: [{ name: 'i1' }], status: { phase: 'Pending', initContainerStatuses: [cs('i1', { terminated: { exitCode: 0, reason: 'Completed' } })], containerStatuses: [cs('c', { waiting: { reason: 'PodInitializing' } })] } }),
    },
    {
      name: 'sidecar counts in READY and total', ready: '2/2', status: 'Running', restarts: '1',
      pod: pod({ init: [{ name: 'side', restartPolicy: 'Always' }], status: { phase: 'Running', conditions: [{ type: 'Initialized', status: 'True' }], initContainerStatuses: [cs('side', running, { started: true, ready: true, restartCount: 1 })], containerStatuses: [cs('c', running, { ready: true })] } }),
    },
    {
      name: 'scheduling gated', ready: '0/1', status: 'SchedulingGated', restarts: '0',
      pod: pod({ status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] } }),
    },
  ];
  for (const c of cases) {
    const cells = printPod(c.pod, NOW).cells;
    assert.deepEqual(cells.slice(0, 5), ['web', c.ready, c.status, c.restarts, '5m'], c.name);
  }
});

test('printPod wide cells and row conditions', () => {
  const p = pod({ nodeName: 'demo-worker', status: { phase: 'Succeeded', podIPs: [{ ip: '10.244.1.8' }], containerStatuses: [cs('c', { terminated: { exitCode: 0, reason: 'Completed' } })] } });
  const row = printPod(p, NOW);
  assert.deepEqual(row.cells.slice(5), ['10.244.1.8', 'demo-worker', '<none>', '<none>']);
  assert.deepEqual(row.conditions, [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
  const none = printPod(pod({}), NOW);
  assert.deepEqual(none.cells.slice(5), ['<none>', '<none>', '<none>', '<none>']);
  assert.equal(none.conditions, undefined);
  const gated = pod({ status: { conditions: [{ type: 'my-gate', status: 'True' }] } });
  gated.spec.readinessGates = [{ conditionType: 'my-gate' }, { conditionType: 'other' }];
  assert.equal(printPod(gated, NOW).cells[8], '1/2');
});
