/**
 * Table-driven tests of status generation for init containers, sidecars, probes and
 * activeDeadlineSeconds, checked through to kubectl's READY and STATUS columns
 * (printPod) so the status the kubelet writes prints as Kubernetes prints it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container, Pod, PodStatus } from '../api/types.js';
import { printPod } from '../api/tables/pods.js';
import type { ProbeResult } from './prober/state.js';
import type { ContainerRuntimeState } from './runtime-state.js';
import { generatePodStatus, type StartFailure } from './status.js';
import { instance, makePod, runtimeOf, sandbox } from './testing/builders.js';

const NOW = new Date('2024-05-01T10:00:00Z');
const c: Container = { name: 'c', image: 'busybox' };
const i1: Container = { name: 'i1', image: 'busybox' };
const i2: Container = { name: 'i2', image: 'busybox' };
const side: Container = { name: 'side', image: 'busybox', restartPolicy: 'Always' };
const ready: Container = { ...c, readinessProbe: { exec: { command: ['true'] } } };
const startup: Container = { ...c, startupProbe: { exec: { command: ['true'] } } };
const exited = (spec: Container, exitCode: number, over: Partial<ContainerRuntimeState> = {}) => instance(spec, { state: 'exited', exitCode, finishedAtMs: NOW.getTime() - 5000, ...over });

interface Case {
  name: string;
  pod: Pod;
  containers: ContainerRuntimeState[];
  failures?: Record<string, StartFailure>;
  probes?: Record<string, ProbeResult>;
  phase: string;
  initialized: 'True' | 'False';
  ready: 'True' | 'False';
  /** kubectl's READY and STATUS cells. */
  columns: [string, string];
  check?: (s: PodStatus) => void;
}

const two = { initContainers: [i1, i2] };
const cases: Case[] = [
  { name: 'first init container running: Init:0/2', pod: makePod('p', two), containers: [instance(i1)], phase: 'Pending', initialized: 'False', ready: 'False', columns: ['0/1', 'Init:0/2'],
    check: (s) => {
      assert.equal(s.conditions?.find((x) => x.type === 'Initialized')?.message, 'containers with incomplete status: [i1 i2]');
      assert.equal(s.initContainerStatuses?.[1]?.state.waiting?.reason, 'PodInitializing');
      assert.equal(s.containerStatuses?.[0]?.state.waiting?.reason, 'PodInitializing');
    } },
  { name: 'second init container running: Init:1/2', pod: makePod('p', two), containers: [instance(i2), exited(i1, 0)], phase: 'Pending', initialized: 'False', ready: 'False', columns: ['0/1', 'Init:1/2'],
    check: (s) => assert.equal(s.initContainerStatuses?.[0]?.ready, true, 'a completed init container is ready') },
  { name: 'init done, app not created yet: PodInitializing', pod: makePod('p', two), containers: [exited(i2, 0), exited(i1, 0)], phase: 'Pending', initialized: 'True', ready: 'False', columns: ['0/1', 'PodInitializing'],
    check: (s) => assert.equal(s.containerStatuses?.[0]?.state.waiting?.reason, 'PodInitializing') },
  { name: 'init failed, restarting: Init:Error', pod: makePod('p', two), containers: [exited(i1, 1)], phase: 'Pending', initialized: 'False', ready: 'False', columns: ['0/1', 'Init:Error'] },
  { name: 'init failed in back-off: Init:CrashLoopBackOff', pod: makePod('p', two), containers: [exited(i1, 1, { restartCount: 2 })],
    failures: { i1: { reason: 'CrashLoopBackOff', message: 'back-off 20s restarting failed container=i1 pod=p_default(uid-p)' } },
    phase: 'Pending', initialized: 'False', ready: 'False', columns: ['0/1', 'Init:CrashLoopBackOff'],
    check: (s) => {
      const st = s.initContainerStatuses![0]!;
      assert.equal(st.lastState.terminated?.exitCode, 1);
      assert.equal(st.restartCount, 2);
    } },
  { name: 'init failed with Never: Failed, Init:Error', pod: makePod('p', { ...two, restartPolicy: 'Never' }), containers: [exited(i1, 1)], phase: 'Failed', initialized: 'False', ready: 'False', columns: ['0/1', 'Init:Error'] },
  { name: 'initialized and running', pod: makePod('p', two), containers: [instance(c), exited(i2, 0), exited(i1, 0)], phase: 'Running', initialized: 'True', ready: 'True', columns: ['1/1', 'Running'] },
  { name: 'sidecar running, app running: 2/2 Running', pod: makePod('p', { initContainers: [side] }), containers: [instance(c), instance(side)], phase: 'Running', initialized: 'True', ready: 'True', columns: ['2/2', 'Running'],
    check: (s) => assert.equal(s.initContainerStatuses?.[0]?.started, true) },
  { name: 'sidecar starting (no status yet): Init:0/1', pod: makePod('p', { initContainers: [side] }), containers: [], phase: 'Pending', initialized: 'False', ready: 'False', columns: ['0/2', 'Init:0/1'] },
  { name: 'sidecar crashed after init: pod stays Running, Initialized stays True (kubectl prints the sidecar reason)', pod: makePod('p', { initContainers: [side] }),
    containers: [instance(c), exited(side, 1, { restartCount: 1 })], failures: { side: { reason: 'CrashLoopBackOff', message: 'back-off' } },
    phase: 'Running', initialized: 'True', ready: 'False', columns: ['1/2', 'Init:CrashLoopBackOff'],
    check: (s) => assert.equal(s.conditions?.find((x) => x.type === 'Ready')?.message, 'containers with unready status: [side]') },
  { name: 'app done (Never) while sidecar still runs: Running until the sidecar is stopped', pod: makePod('p', { initContainers: [side], restartPolicy: 'Never' }),
    containers: [exited(c, 0), instance(side)], phase: 'Running', initialized: 'True', ready: 'False', columns: ['1/2', 'Completed'] },
  { name: 'app done and sidecar stopped: Succeeded', pod: makePod('p', { initContainers: [side], restartPolicy: 'Never' }),
    containers: [exited(c, 0), exited(side, 137)], phase: 'Succeeded', initialized: 'True', ready: 'False', columns: ['0/2', 'Completed'] },
  { name: 'readiness not yet passed: running but 0/1, ContainersNotReady', pod: makePod('p', { containers: [ready] }), containers: [instance(ready)],
    phase: 'Running', initialized: 'True', ready: 'False', columns: ['0/1', 'Running'], check: (s) => assert.equal(s.containerStatuses?.[0]?.started, true) },
  { name: 'readiness passed: 1/1', pod: makePod('p', { containers: [ready] }), containers: [instance(ready)], probes: { 'readiness/c-0': 'success' },
    phase: 'Running', initialized: 'True', ready: 'True', columns: ['1/1', 'Running'] },
  { name: 'readiness failing again: 0/1', pod: makePod('p', { containers: [ready] }), containers: [instance(ready)], probes: { 'readiness/c-0': 'failure' },
    phase: 'Running', initialized: 'True', ready: 'False', columns: ['0/1', 'Running'] },
  { name: 'startup probe pending: not started, not ready', pod: makePod('p', { containers: [startup] }), containers: [instance(startup)],
    phase: 'Running', initialized: 'True', ready: 'False', columns: ['0/1', 'Running'], check: (s) => assert.equal(s.containerStatuses?.[0]?.started, false) },
  { name: 'startup probe passed: started and ready', pod: makePod('p', { containers: [startup] }), containers: [instance(startup)], probes: { 'startup/c-0': 'success' },
    phase: 'Running', initialized: 'True', ready: 'True', columns: ['1/1', 'Running'], check: (s) => assert.equal(s.containerStatuses?.[0]?.started, true) },
  { name: 'past activeDeadlineSeconds: Failed, DeadlineExceeded', pod: { ...makePod('p', { activeDeadlineSeconds: 30 }), status: { startTime: '2024-05-01T09:59:00Z' } },
    containers: [instance(c)], phase: 'Failed', initialized: 'True', ready: 'True', columns: ['1/1', 'DeadlineExceeded'],
    check: (s) => assert.equal(s.message, 'Pod was active on the node longer than the specified deadline') },
  { name: 'termination message from the runtime state', pod: makePod('p', { restartPolicy: 'Never' }), containers: [exited(c, 3, { message: 'disk full' })],
    phase: 'Failed', initialized: 'True', ready: 'False', columns: ['0/1', 'Error'],
    check: (s) => assert.equal(s.containerStatuses?.[0]?.state.terminated?.message, 'disk full') },
];

for (const tc of cases) {
  test(`status with init containers/sidecars/probes: ${tc.name}`, () => {
    const probes = tc.probes ?? {};
    const s = generatePodStatus({
      pod: tc.pod, runtime: runtimeOf(tc.pod, [sandbox()], tc.containers), failures: new Map(Object.entries(tc.failures ?? {})),
      nodeIP: '192.168.1.5', now: NOW, probes: { get: (t, id) => probes[`${t}/${id}`] },
    });
    assert.equal(s.phase, tc.phase);
    assert.equal(s.conditions?.find((x) => x.type === 'Initialized')?.status, tc.initialized);
    assert.equal(s.conditions?.find((x) => x.type === 'Ready')?.status, tc.ready);
    assert.equal(s.conditions?.find((x) => x.type === 'ContainersReady')?.status, tc.ready);
    const row = printPod({ ...tc.pod, status: s }, NOW.getTime());
    assert.deepEqual([row.cells[1], row.cells[2]], tc.columns);
    tc.check?.(s);
  });
}
