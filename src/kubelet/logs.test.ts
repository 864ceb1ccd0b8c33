import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, appendFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatusError } from '../api/errors.js';
import { containerIDForLogs, CriLogParser, filterLines, formatTimeNs, parseCriLog, parseTimeNs, renderLine, streamLogFile } from './logs.js';
import { makePod } from './testing/builders.js';

const LOG = [
  '2024-05-01T10:00:00.1Z stdout F one',
  '2024-05-01T10:00:01.000000002Z stderr F two',
  '2024-05-01T10:00:02Z stdout P thr',
  '2024-05-01T10:00:02.5Z stdout P e',
  '2024-05-01T10:00:03Z stdout F e',
  'garbage',
  '2024-05-01T10:00:04+02:00 stdout F four',
  '2024-05-01T10:00:05Z stdout F ',
].join('\n') + '\n';

test('parseCriLog joins partial records and skips garbage', () => {
  const lines = parseCriLog(LOG);
  assert.deepEqual(lines.map((l) => l.content), ['one', 'two', 'three', 'four', '']);
  assert.deepEqual(lines.map((l) => l.stream), ['stdout', 'stderr', 'stdout', 'stdout', 'stdout']);
  assert.equal(formatTimeNs(lines[2]!.timeNs), '2024-05-01T10:00:02.000000000Z', 'a joined line keeps its first timestamp');
});

test('time parsing and RFC3339NanoFixed output', () => {
  const cases: [string, string][] = [
    ['2024-05-01T10:00:00.1Z', '2024-05-01T10:00:00.100000000Z'],
    ['2024-05-01T10:00:01.000000002Z', '2024-05-01T10:00:01.000000002Z'],
    ['2024-05-01T12:00:00+02:00', '2024-05-01T10:00:00.000000000Z'],
  ];
  for (const [input, want] of cases) assert.equal(formatTimeNs(parseTimeNs(input)!), want);
  assert.equal(parseTimeNs('yesterday'), undefined);
});

test('incremental parser waits for complete records', () => {
  const p = new CriLogParser();
  assert.deepEqual(p.push('2024-05-01T10:00:00Z stdout F hel'), []);
  assert.deepEqual(p.push('lo\n2024-05-01T10:00:01Z stdout P a').map((l) => l.content), ['hello']);
  assert.deepEqual(p.push('\n2024-05-01T10:00:01Z stdout F b\n').map((l) => l.content), ['ab']);
});

test('filterLines: since, tail, and both', () => {
  const lines = parseCriLog(LOG);
  const cases: [Parameters<typeof filterLines>[1], string[]][] = [
    [{}, ['one', 'two', 'three', 'four', '']],
    [{ tailLines: 2 }, ['four', '']],
    [{ tailLines: 0 }, []],
    [{ tailLines: 10 }, ['one', 'two', 'three', 'four', '']],
    [{ sinceNs: parseTimeNs('2024-05-01T10:00:01Z') }, ['two', 'three', '']], // 'four' is 08:00:04Z
    [{ sinceNs: parseTimeNs('2024-05-01T10:00:01Z'), tailLines: 1 }, ['']],
  ];
  for (const [o, want] of cases) assert.deepEqual(filterLines(lines, o).map((l) => l.content), want, JSON.stringify(o, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
});

test('renderLine with and without timestamps', () => {
  const [l] = parseCriLog('2024-05-01T10:00:00.123Z stdout F hi\n');
  assert.equal(renderLine(l!, false), 'hi\n');
  assert.equal(renderLine(l!, true), '2024-05-01T10:00:00.123000000Z hi\n');
});

test('containerIDForLogs follows validateContainerLogStatus wording', () => {
  const pod = makePod('web');
  const st = (state: object, lastState: object = {}) => ({ ...pod, status: { containerStatuses: [{ name: 'c', ready: false, restartCount: 0, image: '', imageID: '', containerID: 'containerd://cur', state, lastState }] } });
  assert.equal(containerIDForLogs(st({ running: {} }), 'c', false), 'cur');
  assert.equal(containerIDForLogs(st({ waiting: { reason: 'CrashLoopBackOff' } }, { terminated: { exitCode: 1, containerID: 'containerd://old' } }), 'c', false), 'old');
  assert.equal(containerIDForLogs(st({ running: {} }, { terminated: { exitCode: 1, containerID: 'containerd://old' } }), 'c', true), 'old');
  const errs: [ReturnType<typeof st>, boolean, string][] = [
    [st({ running: {} }), true, 'previous terminated container "c" in pod "web" not found'],
    [st({ waiting: { reason: 'ContainerCreating' } }), false, 'container "c" in pod "web" is waiting to start: ContainerCreating'],
    [st({ waiting: { reason: 'ErrImagePull' } }), false, 'container "c" in pod "web" is waiting to start: image can\'t be pulled'],
    [st({ waiting: { reason: 'ImagePullBackOff' } }), false, 'container "c" in pod "web" is waiting to start: trying and failing to pull image'],
  ];
  for (const [p, prev, msg] of errs) {
    assert.throws(() => containerIDForLogs(p, 'c', prev), (e: unknown) => e instanceof StatusError && e.code === 400 && e.message === msg);
  }
});

test('streamLogFile: limitBytes and follow until the container stops', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubelet-logs-'));
  try {
    const path = join(dir, '0.log');
    writeFileSync(path, LOG);
    let out = '';
    const sink = { write: (s: string) => { out += s; } };
    await streamLogFile(path, { limitBytes: 6 }, sink, new AbortController().signal, { pollMs: 10, isRunning: async () => false });
    assert.equal(out, 'one\ntw');

    out = '';
    let running = true;
    const done = streamLogFile(path, { follow: true, tailLines: 1 }, sink, new AbortController().signal, { pollMs: 10, isRunning: async () => running });
    await new Promise((r) => setTimeout(r, 30));
    appendFileSync(path, '2024-05-01T10:00:06Z stdout F later\n');
    await new Promise((r) => setTimeout(r, 30));
    running = false;
    appendFileSync(path, '2024-05-01T10:00:07Z stderr F last\n');
    await done;
    assert.equal(out, '\nlater\nlast\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
