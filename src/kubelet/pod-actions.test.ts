import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from './backoff.js';
import { computePodActions, type PodActions } from './pod-actions.js';
import type { Pod } from '../api/types.js';
import type { PodRuntimeStatus } from './runtime-state.js';
import type { ProbeResult } from './prober/state.js';
import { instance, makePod, runtimeOf, sandbox } from './testing/builders.js';

const NOW = 1_000_000;
const c = { name: 'c', image: 'busybox' };

interface Case {
  name: string;
  pod: Pod;
  rs: (p: Pod) => PodRuntimeStatus;
  backoff?: (b: Backoff) => void;
  /** `type/containerId` → result. */
  probes?: Record<string, ProbeResult>;
  want: Partial<PodActions>;
}

const i1 = { name: 'i1', image: 'busybox' };
const i2 = { name: 'i2', image: 'busybox' };
const side = { name: 'side', image: 'busybox', restartPolicy: 'Always' as const };
const sideProbed = { ...side, startupProbe: { exec: { command: ['true'] } } };
const sideLive = { ...side, livenessProbe: { exec: { command: ['true'] } } };
const live = { ...c, livenessProbe: { exec: { command: ['true'] } } };

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
    want: { createSandbox: true, initContainersToStart: [0], containersToStart: [] } },
  { name: 'init containers: second after first succeeded', pod: makePod('p', { initContainers: [{ name: 'i1', image: 'busybox' }, { name: 'i2', image: 'busybox' }] }),
    rs: (p) => runtimeOf(p, [sandbox()], [instance({ name: 'i1', image: 'busybox' }, { state: 'exited', exitCode: 0 })]),
    want: { createSandbox: false, initContainersToStart: [1], containersToStart: [] } },
  { name: 'init containers done: app containers start', pod: makePod('p', { initContainers: [{ name: 'i1', image: 'busybox' }] }),
    rs: (p) => runtimeOf(p, [sandbox()], [instance({ name: 'i1', image: 'busybox' }, { state: 'exited', exitCode: 0 })]),
    want: { initContainersToStart: [], containersToStart: [0] } },
  { name: 'init container failed with Never: kill pod', pod: makePod('p', { restartPolicy: 'Never', initContainers: [{ name: 'i1', image: 'busybox' }] }),
    rs: (p) => runtimeOf(p, [sandbox()], [instance({ name: 'i1', image: 'busybox' }, { state: 'exited', exitCode: 1 })]),
    want: { killPod: true, containersToStart: [] } },
  // --- init containers
  { name: 'init container running: wait', pod: makePod('p', { initContainers: [i1, i2] }), rs: (p) => runtimeOf(p, [sandbox()], [instance(i1)]),
    want: { initContainersToStart: [], containersToStart: [], killPod: false } },
  { name: 'init container failed, Always: restart it, not the next', pod: makePod('p', { initContainers: [i1, i2] }),
    rs: (p) => runtimeOf(p, [sandbox()], [instance(i1, { state: 'exited', exitCode: 1 })]),
    want: { initContainersToStart: [0], containersToStart: [], killPod: false } },
  { name: 'init container failed in back-off: Init:CrashLoopBackOff material', pod: makePod('p', { initContainers: [i1] }),
    rs: (p) => runtimeOf(p, [sandbox()], [instance(i1, { state: 'exited', exitCode: 1, restartCount: 1, finishedAtMs: NOW - 1000 })]),
    backoff: (b) => b.next('p_default_uid-p_i1', NOW - 1000, NOW - 1000),
    want: { initContainersToStart: [], backOff: [{ name: 'i1', message: 'back-off 10s restarting failed container=i1 pod=p_default(uid-p)', retryAfterMs: 9000 }] } },
  { name: 'initialized pod: regular init containers never re-run', pod: makePod('p', { initContainers: [i1] }),
    rs: (p) => runtimeOf(p, [sandbox()], [instance(c)]), want: { initContainersToStart: [], containersToStart: [] } },
  // --- sidecars
  { name: 'sidecar first: started alone', pod: makePod('p', { initContainers: [side, i2] }), rs: (p) => runtimeOf(p, [sandbox()], []),
    want: { initContainersToStart: [0], containersToStart: [] } },
  { name: 'sidecar running (no startup probe): next init starts', pod: makePod('p', { initContainers: [side, i2] }), rs: (p) => runtimeOf(p, [sandbox()], [instance(side)]),
    want: { initContainersToStart: [1], containersToStart: [] } },
  { name: 'sidecar running, startup probe unknown: wait', pod: makePod('p', { initContainers: [sideProbed] }), rs: (p) => runtimeOf(p, [sandbox()], [instance(sideProbed)]),
    want: { initContainersToStart: [], containersToStart: [] } },
  { name: 'sidecar running, startup probe passed: app starts', pod: makePod('p', { initContainers: [sideProbed] }), rs: (p) => runtimeOf(p, [sandbox()], [instance(sideProbed)]),
    probes: { 'startup/side-0': 'success' }, want: { initContainersToStart: [], containersToStart: [0] } },
  { name: 'sidecar exited after initialization: restarted beside the app', pod: makePod('p', { initContainers: [side] }),
    rs: (p) => runtimeOf(p, [sandbox()], [instance(c), instance(side, { state: 'exited', exitCode: 1 })]),
    want: { initContainersToStart: [0], containersToStart: [], killPod: false } },
  { name: 'app done with Never, sidecar running: kill the pod (sidecars do not keep it alive)', pod: makePod('p', { restartPolicy: 'Never', initContainers: [side] }),
    rs: (p) => runtimeOf(p, [sandbox()], [instance(c, { state: 'exited', exitCode: 0 }), instance(side)]),
    want: { killPod: true, initContainersToStart: [], containersToStart: [] } },
  { name: 'sidecar liveness failure: killed and restarted', pod: makePod('p', { initContainers: [sideLive] }),
    rs: (p) => runtimeOf(p, [sandbox()], [instance(c), instance(sideLive)]), probes: { 'liveness/side-0': 'failure' },
    want: { initContainersToStart: [0], containersToKill: [{ containerId: 'side-0', name: 'side', message: 'Init container side failed liveness probe' }] } },
  // --- probes on regular containers
  { name: 'liveness failure, Always: kill and restart', pod: makePod('p', { containers: [live] }), rs: (p) => runtimeOf(p, [sandbox()], [instance(live)]),
    probes: { 'liveness/c-0': 'failure' },
    want: { containersToStart: [0], containersToKill: [{ containerId: 'c-0', name: 'c', message: 'Container c failed liveness probe, will be restarted' }] } },
  { name: 'liveness failure, Never, last container: the whole pod is killed, nothing restarts', pod: makePod('p', { restartPolicy: 'Never', containers: [live] }),
    rs: (p) => runtimeOf(p, [sandbox()], [instance(live)]), probes: { 'liveness/c-0': 'failure' },
    want: { killPod: true, containersToStart: [] } },
  { name: 'liveness failure, Never, another container runs: kill only that one', pod: makePod('p', { restartPolicy: 'Never', containers: [live, i1] }),
    rs: (p) => runtimeOf(p, [sandbox()], [instance(live), instance(i1)]), probes: { 'liveness/c-0': 'failure' },
    want: { killPod: false, containersToStart: [], containersToKill: [{ containerId: 'c-0', name: 'c', message: 'Container c failed liveness probe' }] } },
  { name: 'liveness success: keep', pod: makePod('p', { containers: [live] }), rs: (p) => runtimeOf(p, [sandbox()], [instance(live)]),
    probes: { 'liveness/c-0': 'success' }, want: { containersToStart: [], containersToKill: [], killPod: false } },
  { name: 'startup failure: restart with its message', pod: makePod('p', { containers: [{ ...c, startupProbe: { exec: { command: ['true'] } } }] }),
    rs: (p) => runtimeOf(p, [sandbox()], [instance({ ...c, startupProbe: { exec: { command: ['true'] } } })]), probes: { 'startup/c-0': 'failure' },
    want: { containersToStart: [0], containersToKill: [{ containerId: 'c-0', name: 'c', message: 'Container c failed startup probe, will be restarted' }] } },
  // --- activeDeadlineSeconds
  { name: 'past activeDeadlineSeconds: kill, DeadlineExceeded', pod: { ...makePod('p', { activeDeadlineSeconds: 5 }), status: { startTime: new Date(NOW - 6000).toISOString() } },
    rs: (p) => runtimeOf(p, [sandbox()], [instance(c)]), want: { killPod: true, deadlineExceeded: true, containersToStart: [] } },
  { name: 'before activeDeadlineSeconds: nothing', pod: { ...makePod('p', { activeDeadlineSeconds: 5 }), status: { startTime: new Date(NOW - 4000).toISOString() } },
    rs: (p) => runtimeOf(p, [sandbox()], [instance(c)]), want: { killPod: false, deadlineExceeded: false } },
];

for (const tc of cases) {
  test(`computePodActions: ${tc.name}`, () => {
    const b = new Backoff();
    tc.backoff?.(b);
    const probes = tc.probes ?? {};
    const got = computePodActions(tc.pod, tc.rs(tc.pod), b, NOW, { get: (t, id) => probes[`${t}/${id}`] });
    for (const [k, v] of Object.entries(tc.want)) assert.deepEqual(got[k as keyof PodActions], v, `field ${k}`);
  });
}
