import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideTick, newWorkerState, recordOutcome, type ContainerView, type PodView, type ProbeTiming, type ProbeType, type WorkerState } from './state.js';

const NOW = 1_000_000;
const pod: PodView = { terminalPhase: false, terminating: false, restartPolicy: 'Always' };
const running = (over: Partial<ContainerView> = {}): ContainerView => ({ containerId: 'c1', running: true, terminated: false, startedAtMs: NOW - 60_000, started: true, ...over });
const seen = (over: Partial<WorkerState> = {}): WorkerState => ({ ...newWorkerState(), containerId: 'c1', ...over });

interface TickCase { name: string; type: ProbeType; timing?: ProbeTiming; pod?: Partial<PodView>; c?: ContainerView; state?: WorkerState; action: string; changes?: unknown[] }
const tickCases: TickCase[] = [
  { name: 'no container yet: skip', type: 'readiness', action: 'skip', changes: [] },
  { name: 'new container: readiness starts as failure, then probes', type: 'readiness', c: running(), state: newWorkerState(), action: 'probe',
    changes: [{ op: 'set', containerId: 'c1', result: 'failure' }] },
  { name: 'new container: liveness starts as success', type: 'liveness', c: running(), state: newWorkerState(), action: 'probe', changes: [{ op: 'set', containerId: 'c1', result: 'success' }] },
  { name: 'new container: startup starts unknown and probes while not started', type: 'startup', c: running({ started: false }), state: newWorkerState(), action: 'probe',
    changes: [{ op: 'set', containerId: 'c1', result: 'unknown' }] },
  { name: 'replaced container: old result removed', type: 'liveness', c: running({ containerId: 'c2' }), state: seen({ onHold: true }), action: 'probe',
    changes: [{ op: 'remove', containerId: 'c1' }, { op: 'set', containerId: 'c2', result: 'success' }] },
  { name: 'on hold after a liveness failure: skip until a new container', type: 'liveness', c: running(), state: seen({ onHold: true }), action: 'skip', changes: [] },
  { name: 'initialDelaySeconds not elapsed: skip', type: 'liveness', timing: { initialDelaySeconds: 120 }, c: running(), state: seen(), action: 'skip' },
  { name: 'initialDelaySeconds elapsed: probe', type: 'liveness', timing: { initialDelaySeconds: 30 }, c: running(), state: seen(), action: 'probe' },
  { name: 'not started: readiness and liveness wait for the startup probe', type: 'readiness', c: running({ started: false }), state: seen(), action: 'skip' },
  { name: 'started: startup probe stops probing', type: 'startup', c: running(), state: seen(), action: 'skip' },
  { name: 'container exited: result failure, keep watching (restart expected)', type: 'readiness', c: running({ running: false, terminated: true }), state: seen(), action: 'skip',
    changes: [{ op: 'set', containerId: 'c1', result: 'failure' }] },
  { name: 'container exited with Never: worker stops', type: 'readiness', pod: { restartPolicy: 'Never' }, c: running({ running: false, terminated: true }), state: seen(), action: 'stop' },
  { name: 'terminating pod: liveness reports success and stops', type: 'liveness', pod: { terminating: true }, c: running(), state: seen(), action: 'stop',
    changes: [{ op: 'set', containerId: 'c1', result: 'success' }] },
  { name: 'terminating pod: readiness keeps probing', type: 'readiness', pod: { terminating: true }, c: running(), state: seen(), action: 'probe' },
  { name: 'terminal phase: stop', type: 'readiness', pod: { terminalPhase: true }, c: running(), state: seen(), action: 'stop' },
];
for (const tc of tickCases) {
  test(`decideTick: ${tc.name}`, () => {
    const d = decideTick(tc.state ?? newWorkerState(), tc.type, tc.timing ?? {}, { ...pod, ...tc.pod }, tc.c, NOW);
    assert.equal(d.action, tc.action);
    if (tc.changes) assert.deepEqual(d.changes, tc.changes);
  });
}

interface RunCase { name: string; type: ProbeType; timing: ProbeTiming; outcomes: ('success' | 'failure')[]; want: (string | undefined)[]; onHold?: boolean }
const runCases: RunCase[] = [
  { name: 'readiness: one success flips to ready (successThreshold 1)', type: 'readiness', timing: {}, outcomes: ['success'], want: ['success'] },
  { name: 'readiness: failureThreshold 3 needs three failures in a row', type: 'readiness', timing: { failureThreshold: 3 }, outcomes: ['failure', 'failure', 'failure'], want: [undefined, undefined, 'failure'] },
  { name: 'readiness: a success resets the failure run', type: 'readiness', timing: { failureThreshold: 2 }, outcomes: ['failure', 'success', 'failure', 'failure'],
    want: [undefined, 'success', undefined, 'failure'] },
  { name: 'readiness: successThreshold 2', type: 'readiness', timing: { successThreshold: 2 }, outcomes: ['success', 'success', 'success'], want: [undefined, 'success', 'success'] },
  { name: 'liveness: failure at threshold puts the worker on hold', type: 'liveness', timing: { failureThreshold: 1 }, outcomes: ['failure'], want: ['failure'], onHold: true },
  { name: 'startup: failure at threshold holds too', type: 'startup', timing: { failureThreshold: 2 }, outcomes: ['failure', 'failure'], want: [undefined, 'failure'], onHold: true },
  { name: 'readiness failures never hold', type: 'readiness', timing: { failureThreshold: 1 }, outcomes: ['failure'], want: ['failure'], onHold: false },
];
for (const tc of runCases) {
  test(`recordOutcome: ${tc.name}`, () => {
    let s = seen();
    const got: (string | undefined)[] = [];
    for (const o of tc.outcomes) {
      const r = recordOutcome(s, tc.type, tc.timing, o);
      s = r.state;
      const ch = r.changes[0];
      got.push(ch && ch.op === 'set' ? ch.result : undefined);
    }
    assert.deepEqual(got, tc.want);
    if (tc.onHold !== undefined) assert.equal(s.onHold, tc.onHold);
  });
}
