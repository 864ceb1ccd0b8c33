import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from './backoff.js';
import { computePodActions, type PodActions } from './pod-actions.js';
import type { Pod } from '../api/types.js';
import type { PodRuntimeStatus } from './runtime-state.js';
import { instance, makePod, runtimeOf, sandbox } from './testing/builders.js';

const NOW = 1_000_000;
const c = { name: 'c', image: 'busybox' };

interface Case {
  name: string;
  pod: Pod;
  rs: (p: Pod) => PodRuntimeStatus;
  backoff?: (b: Backoff) => void;
  want: Partial<PodActions>;
}

const exited = (code: number, rc = 0, finished = NOW - 1000) => instance(c, { state: 'exited', exitCode: code, restartCount: rc, finishedAtMs: finished });

const cases: Case[] = [
  { name: 'new pod: create sandbox, start all', pod: makePod('p'), rs: (p) => runtimeOf(p, [], []),
    want: { killPod: false, createSandbox: true, attempt: 0, containersToStart: [0] } },
  { name: 'running pod: nothing to do', pod: makePod('p'), rs: (p) => runtimeOf(p, [sandbox()], [instance(c)]),
    want: { killPod: false, createSandbox: false, sandboxId: 'sb1', containersToStart: [], containersToKill: [] } },
  { name: 'sandbox not ready: kill and recreate with attempt+1', pod: makePod('p'), rs: (p) => runtimeOf(p, [sandbox({ ready: false, ip: '' })], [exited(137)]),
    want: { killPod: true, createSandbox: true, attempt: 1, containersToStart: [0] } },
  { name: 'Never policy, sandbox gone after run: do not recreate', pod: makePod('p', { restartPolicy: 'Never' }), rs: (p) => runtimeOf(p, [sandbox({ ready: false, ip: '' })], [exited(0)]),
    want: { createSandbox: false, containersToStart: [] } },
  { name: 'exited non-zero, Always, no backoff: restart', pod: makePod('p'), rs: (p) => runtimeOf(p, [sandbox()], [exited(1)]),
    want: { containersToStart: [0], backOff: [] } },
  { name: 'exited non-zero in backoff: CrashLoopBackOff', pod: makePod('p'), rs: (p) => runtimeOf(p, [sandbox()], [exited(1, 1)]),
    backoff: (b) => b.next('p_default_uid-p_c', NOW - 20_000, NOW - 20_000),
    want: { containersToStart: [], backOff: [{ name: 'c', message: 'back-off 10s restarting failed container=c pod=p_default(uid-p)', retryAfterMs: 9000 }] } },
  { name: 'doubling shows in the message', pod: makePod('p'), rs: (p) => runtimeOf(p, [sandbox()], [exited(1, 3)]),
    backoff: (b) => { b.next('p_default_uid-p_c', NOW - 5000, NOW - 5000); b.next('p_default_uid-p_c', NOW - 4000, NOW - 4000); b.next('p_default_uid-p_c', NOW - 3000, NOW - 3000); },
    want: { containersToStart: [], backOff: [{ name: 'c', message: 'back-off 40s restarting failed container=c pod=p_default(uid-p)', retryAfterMs: 39_000 }] } },
  { name: 'OnFailure exit 0: done, kill pod sandbox', pod: makePod('p', { restartPolicy: 'OnFailure' }), rs: (p) => runtimeOf(p, [sandbox()], [exited(0)]),
    want: { killPod: true, containersToStart: [] } },
  { name: 'OnFailure exit 1: restart', pod: makePod('p', { restartPolicy: 'OnFailure' }), rs: (p) => runtimeOf(p, [sandbox()], [exited(1)]),
    want: { killPod: false, containersToStart: [0] } },
  { name: 'Never exit 1: done, kill pod sandbox', pod: makePod('p', { restartPolicy: 'Never' }), rs: (p) => runtimeOf(p, [sandbox()], [exited(1)]),
    want: { killPod: true, containersToStart: [] } },
  { name: 'spec changed: kill and restart', pod: makePod('p', { containers: [{ name: 'c', image: 'busybox:1.36' }] }), rs: (p) => runtimeOf(p, [sandbox()], [instance(c)]),
    want: { containersToStart: [0], containersToKill: [{ containerId: 'c-0', name: 'c', message: 'Container c definition changed, will be restarted' }] } },
  { name: 'terminating: kill pod, start nothing', pod: makePod('p', {}, { deletionTimestamp: '2024-01-01T00:00:00Z' }), rs: (p) => runtimeOf(p, [sandbox()], [instance(c)]),
    want: { killPod: true, createSandbox: false, containersToStart: [] } },
  { name: 'created-but-not-started container: kill then start', pod: makePod('p'), rs: (p) => runtimeOf(p, [sandbox()], [instance(c, { state: 'created' })]),
    want: { containersToStart: [0], containersToKill: [{ containerId: 'c-0', name: 'c', message: 'Stopping container c' }] } },
  { name: 'two containers, one running one new', pod: makePod('p', { containers: [c, { name: 'd', image: 'busybox' }] }), rs: (p) => runtimeOf(p, [sandbox()], [instance(c)]),
    want: { containersToStart: [1] } },
  { name: 'init containers: first one starts in a new sandbox', pod: makePod('p', { initContainers: [{ name: 'i1', image: 'busybox' }, { name: 'i2', image: 'busybox' }] }), rs: (p) => runtimeOf(p, [], []),
    want: { createSandbox: true, nextInitContainerToStart: 0, containersToStart: [] } },
  { name: 'init containers: second after first succeeded', pod: makePod('p', { initContainers: [{ name: 'i1', image: 'busybox' }, { name: 'i2', image: 'busybox' }] }),
    rs: (p) => runtimeOf(p, [sandbox()], [instance({ name: 'i1', image: 'busybox' }, { state: 'exited', exitCode: 0 })]),
    want: { createSandbox: false, nextInitContainerToStart: 1, containersToStart: [] } },
  { name: 'init containers done: app containers start', pod: makePod('p', { initContainers: [{ name: 'i1', image: 'busybox' }] }),
    rs: (p) => runtimeOf(p, [sandbox()], [instance({ name: 'i1', image: 'busybox' }, { state: 'exited', exitCode: 0 })]),
    want: { nextInitContainerToStart: undefined, containersToStart: [0] } },
  { name: 'init container failed with Never: kill pod', pod: makePod('p', { restartPolicy: 'Never', initContainers: [{ name: 'i1', image: 'busybox' }] }),
    rs: (p) => runtimeOf(p, [sandbox()], [instance({ name: 'i1', image: 'busybox' }, { state: 'exited', exitCode: 1 })]),
    want: { killPod: true, containersToStart: [] } },
];

for (const tc of cases) {
  test(`computePodActions: ${tc.name}`, () => {
    const b = new Backoff();
    tc.backoff?.(b);
    const got = computePodActions(tc.pod, tc.rs(tc.pod), b, NOW);
    for (const [k, v] of Object.entries(tc.want)) assert.deepEqual(got[k as keyof PodActions], v, `field ${k}`);
  });
}
