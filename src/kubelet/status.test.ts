import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, PodStatus } from '../api/types.js';
import { generatePodStatus, getPhase, jsonEqual, type StartFailure } from './status.js';
import { podQOSClass } from './qos.js';
import type { PodRuntimeStatus } from './runtime-state.js';
import { instance, makePod, runtimeOf, sandbox } from './testing/builders.js';

const NOW = new Date('2024-05-01T10:00:00Z');
const c = { name: 'c', image: 'busybox' };

function gen(pod: Pod, rs: PodRuntimeStatus, failures: Record<string, StartFailure> = {}, podIsTerminal = false): PodStatus {
  return generatePodStatus({ pod, runtime: rs, failures: new Map(Object.entries(failures)), nodeIP: '192.168.1.5', now: NOW, podIsTerminal });
}

const cond = (s: PodStatus, type: string) => s.conditions?.find((x) => x.type === type);

interface Case {
  name: string;
  pod: Pod;
  rs: (p: Pod) => PodRuntimeStatus;
  failures?: Record<string, StartFailure>;
  terminal?: boolean;
  phase: string;
  ready: 'True' | 'False';
  state: string;
  check?: (s: PodStatus) => void;
}

const cases: Case[] = [
  { name: 'nothing yet: Pending, ContainerCreating', pod: makePod('p'), rs: (p) => runtimeOf(p, [], []), phase: 'Pending', ready: 'False', state: 'waiting:ContainerCreating',
    check: (s) => {
      assert.equal(cond(s, 'PodReadyToStartContainers')?.status, 'False');
      assert.equal(cond(s, 'Ready')?.message, 'containers with unready status: [c]');
      assert.equal(s.containerStatuses?.[0]?.image, 'busybox');
      assert.equal(s.podIP, undefined);
    } },
  { name: 'running: Running, ready, IPs', pod: makePod('p'), rs: (p) => runtimeOf(p, [sandbox()], [instance(c)]), phase: 'Running', ready: 'True', state: 'running',
    check: (s) => {
      assert.equal(s.podIP, '10.88.0.2');
      assert.deepEqual(s.podIPs, [{ ip: '10.88.0.2' }]);
      assert.equal(s.hostIP, '192.168.1.5');
      const cs = s.containerStatuses![0]!;
      assert.equal(cs.containerID, 'containerd://c-0');
      assert.equal(cs.image, 'docker.io/library/busybox:latest');
      assert.equal(cs.imageID, 'docker.io/library/busybox@sha256:abc');
      assert.equal(cs.started, true);
      assert.equal(s.qosClass, 'BestEffort');
      assert.deepEqual(s.conditions?.map((x) => x.type), ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
      assert.ok(s.conditions?.every((x) => x.lastProbeTime === null));
    } },
  { name: 'crash loop: waiting CrashLoopBackOff with lastState, phase Running', pod: makePod('p'),
    rs: (p) => runtimeOf(p, [sandbox()], [instance(c, { state: 'exited', exitCode: 2, restartCount: 3, finishedAtMs: Date.parse('2024-05-01T09:59:59Z'), startedAtMs: Date.parse('2024-05-01T09:59:58Z') })]),
    failures: { c: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=c pod=p_default(uid-p)' } },
    phase: 'Running', ready: 'False', state: 'waiting:CrashLoopBackOff',
    check: (s) => {
      const cs = s.containerStatuses![0]!;
      assert.equal(cs.restartCount, 3);
      assert.deepEqual(cs.lastState.terminated, { exitCode: 2, reason: 'Error', startedAt: '2024-05-01T09:59:58Z', finishedAt: '2024-05-01T09:59:59Z', containerID: 'containerd://c-3' });
    } },
  { name: 'OOMKilled reason from runtime', pod: makePod('p', { restartPolicy: 'Never' }), rs: (p) => runtimeOf(p, [sandbox()], [instance(c, { state: 'exited', exitCode: 137, reason: 'OOMKilled' })]),
    phase: 'Failed', ready: 'False', state: 'terminated:OOMKilled' },
  { name: 'Never + exit 0: Succeeded, PodCompleted', pod: makePod('p', { restartPolicy: 'Never' }), rs: (p) => runtimeOf(p, [sandbox()], [instance(c, { state: 'exited', exitCode: 0 })]),
    phase: 'Succeeded', ready: 'False', state: 'terminated:Completed', check: (s) => assert.equal(cond(s, 'Ready')?.reason, 'PodCompleted') },
  { name: 'Always + all exited without backoff reason: Running', pod: makePod('p'), rs: (p) => runtimeOf(p, [sandbox()], [instance(c, { state: 'exited', exitCode: 1 })]),
    phase: 'Running', ready: 'False', state: 'terminated:Error' },
  { name: 'OnFailure + exit 1: Running (restarting)', pod: makePod('p', { restartPolicy: 'OnFailure' }), rs: (p) => runtimeOf(p, [sandbox()], [instance(c, { state: 'exited', exitCode: 1 })]),
    phase: 'Running', ready: 'False', state: 'terminated:Error' },
  { name: 'image pull failure: Pending, ErrImagePull', pod: makePod('p'), rs: (p) => runtimeOf(p, [sandbox()], []),
    failures: { c: { reason: 'ErrImagePull', message: 'not found' } }, phase: 'Pending', ready: 'False', state: 'waiting:ErrImagePull' },
  { name: 'terminated by deletion: terminal phase from exit codes', pod: makePod('p'), terminal: true,
    rs: (p) => runtimeOf(p, [sandbox({ ready: false, ip: '' })], [instance(c, { state: 'exited', exitCode: 137 })]), phase: 'Failed', ready: 'False', state: 'terminated:Error' },
  { name: 'init container running: Pending, PodInitializing', pod: makePod('p', { initContainers: [{ name: 'i', image: 'busybox' }] }),
    rs: (p) => runtimeOf(p, [sandbox()], [instance({ name: 'i', image: 'busybox' })]), phase: 'Pending', ready: 'False', state: 'waiting:PodInitializing',
    check: (s) => {
      assert.equal(cond(s, 'Initialized')?.status, 'False');
      assert.equal(cond(s, 'Initialized')?.message, 'containers with incomplete status: [i]');
      assert.ok(s.initContainerStatuses?.[0]?.state.running);
    } },
];

for (const tc of cases) {
  test(`generatePodStatus: ${tc.name}`, () => {
    const s = gen(tc.pod, tc.rs(tc.pod), tc.failures, tc.terminal);
    assert.equal(s.phase, tc.phase);
    assert.equal(cond(s, 'Ready')?.status, tc.ready);
    assert.equal(cond(s, 'ContainersReady')?.status, tc.ready);
    const st = s.containerStatuses![0]!.state;
    const desc = st.running ? 'running' : st.waiting ? `waiting:${st.waiting.reason}` : `terminated:${st.terminated?.reason}`;
    assert.equal(desc, tc.state);
    tc.check?.(s);
  });
}

test('generatePodStatus keeps lastTransitionTime, startTime and PodScheduled; stable output compares equal', () => {
  const pod = makePod('p');
  const rs = runtimeOf(pod, [sandbox()], [instance(c)]);
  pod.status = { conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2024-05-01T09:00:00Z' }] };
  const first = gen(pod, rs);
  assert.equal(cond(first, 'PodScheduled')?.lastTransitionTime, '2024-05-01T09:00:00Z');
  const later = generatePodStatus({ pod: { ...pod, status: first }, runtime: rs, failures: new Map(), nodeIP: '192.168.1.5', now: new Date('2024-05-01T11:00:00Z') });
  assert.ok(jsonEqual(first, later), 'no change when nothing changed');
  const stopped = runtimeOf(pod, [sandbox()], [instance(c, { state: 'exited', exitCode: 1 })]);
  const changed = generatePodStatus({ pod: { ...pod, status: first }, runtime: stopped, failures: new Map(), nodeIP: '192.168.1.5', now: new Date('2024-05-01T11:00:00Z') });
  assert.equal(cond(changed, 'Ready')?.lastTransitionTime, '2024-05-01T11:00:00Z');
  assert.equal(cond(changed, 'Initialized')?.lastTransitionTime, first.conditions?.find((x) => x.type === 'Initialized')?.lastTransitionTime);
  assert.equal(changed.startTime, first.startTime);
});

test('terminal phase is sticky', () => {
  const pod = makePod('p', { restartPolicy: 'Never' });
  pod.status = { phase: 'Succeeded' };
  assert.equal(gen(pod, runtimeOf(pod, [], [])).phase, 'Succeeded');
});

test('getPhase: waiting with lastState counts as stopped', () => {
  const pod = makePod('p');
  const cs = { name: 'c', ready: false, restartCount: 1, image: '', imageID: '', state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1 } } };
  assert.equal(getPhase(pod, [], [cs], false), 'Running');
});

test('podQOSClass', () => {
  const cases: [Record<string, Record<string, string>> | undefined, string][] = [
    [undefined, 'BestEffort'],
    [{ limits: { cpu: '1', memory: '1Gi' } }, 'Guaranteed'],
    [{ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1000m', memory: '1024Mi' } }, 'Guaranteed'],
    [{ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } }, 'Burstable'],
    [{ requests: { memory: '64Mi' } }, 'Burstable'],
  ];
  for (const [resources, want] of cases) {
    assert.equal(podQOSClass(makePod('p', { containers: [{ name: 'c', image: 'x', resources }] })), want, JSON.stringify(resources));
  }
});
