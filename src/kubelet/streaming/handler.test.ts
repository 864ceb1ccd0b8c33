import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../api/types.js';
import { parseStreamingPath, runningContainerID } from './handler.js';

test('parseStreamingPath: the kubelet streaming routes', () => {
  const cases: Array<[string, ReturnType<typeof parseStreamingPath>]> = [
    ['/exec/default/web/c', { kind: 'exec', namespace: 'default', pod: 'web', container: 'c' }],
    ['/attach/ns/p/side', { kind: 'attach', namespace: 'ns', pod: 'p', container: 'side' }],
    ['/portForward/default/web', { kind: 'portForward', namespace: 'default', pod: 'web' }],
    ['/portforward/default/web', { kind: 'portForward', namespace: 'default', pod: 'web' }],
    ['/exec/default/web', undefined],
    ['/portForward/default/web/extra', undefined],
    ['/containerLogs/default/web/c', undefined],
    ['/exec/a/b/c/d', undefined],
  ];
  for (const [path, want] of cases) assert.deepEqual(parseStreamingPath(path), want, path);
});

test('runningContainerID: only running containers, runtime prefix stripped', () => {
  const pod = {
    metadata: { name: 'web' },
    spec: { containers: [] },
    status: {
      containerStatuses: [
        { name: 'up', containerID: 'containerd://abc', state: { running: {} } },
        { name: 'down', containerID: 'containerd://def', state: { terminated: { exitCode: 0 } } },
      ],
    },
  } as unknown as Pod;
  assert.equal(runningContainerID(pod, 'up'), 'abc');
  assert.throws(() => runningContainerID(pod, 'down'), /container not found \("down"\)/);
  assert.throws(() => runningContainerID(pod, 'nope'), /container not found \("nope"\)/);
});
