import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerStatus } from './cri/api.js';
import { ANNOTATION_TERMINATION_MESSAGE_PATH, ANNOTATION_TERMINATION_MESSAGE_POLICY, terminationMessage } from './runtime-state.js';

function status(dir: string, over: Partial<ContainerStatus>, policy = 'File'): ContainerStatus {
  return {
    id: 'x', metadata: { name: 'c', attempt: 0 }, state: 'CONTAINER_EXITED', createdAt: 0, startedAt: 0, finishedAt: 0, exitCode: 1,
    image: { image: 'busybox' }, imageRef: '', reason: 'Error', message: '', labels: {},
    annotations: { [ANNOTATION_TERMINATION_MESSAGE_PATH]: '/dev/termination-log', [ANNOTATION_TERMINATION_MESSAGE_POLICY]: policy },
    mounts: [{ containerPath: '/dev/termination-log', hostPath: join(dir, 'msg') }], logPath: join(dir, 'log'), ...over,
  };
}

test('terminationMessage: file, FallbackToLogsOnError, size limits', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'term-'));
  try {
    writeFileSync(join(dir, 'log'), [1, 2, 3].map((i) => `2024-05-01T10:00:0${i}.000000000Z stdout F line ${i}`).join('\n') + '\n');
    writeFileSync(join(dir, 'msg'), '');
    assert.equal(await terminationMessage(status(dir, {})), '', 'File policy with an empty file: nothing');
    assert.equal(await terminationMessage(status(dir, {}, 'FallbackToLogsOnError')), 'line 1\nline 2\nline 3\n', 'fallback to the log tail');
    assert.equal(await terminationMessage(status(dir, { exitCode: 0 }, 'FallbackToLogsOnError')), '', 'no fallback on success');
    writeFileSync(join(dir, 'msg'), 'bye');
    assert.equal(await terminationMessage(status(dir, {}, 'FallbackToLogsOnError')), 'bye', 'the file wins');
    assert.equal(await terminationMessage(status(dir, { message: 'runtime says' })), 'runtime says: bye');
    writeFileSync(join(dir, 'msg'), 'x'.repeat(5000));
    assert.equal((await terminationMessage(status(dir, {}))).length, 4096);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
