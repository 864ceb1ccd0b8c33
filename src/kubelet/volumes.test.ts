import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerMounts, prepareVolumes, removePodDir, volumeHostPaths } from './volumes.js';
import { makePod } from './testing/builders.js';

test('volumes: emptyDir and hostPath become CRI mounts; other kinds are skipped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubelet-vol-'));
  try {
    const pod = makePod('v', {
      volumes: [{ name: 'scratch', emptyDir: {} }, { name: 'host', hostPath: { path: join(dir, 'h'), type: 'DirectoryOrCreate' } }, { name: 'token', projected: { sources: [] } }],
      containers: [{ name: 'c', image: 'busybox', volumeMounts: [
        { name: 'scratch', mountPath: '/data' }, { name: 'host', mountPath: '/h', readOnly: true, subPath: 'sub' }, { name: 'token', mountPath: '/var/run/secrets' },
      ] }],
    });
    const paths = volumeHostPaths(pod, join(dir, 'pods'));
    assert.deepEqual([...paths.keys()], ['scratch', 'host']);
    const vols = await prepareVolumes(pod, join(dir, 'pods'));
    const scratch = join(dir, 'pods', 'uid-v', 'volumes', 'kubernetes.io~empty-dir', 'scratch');
    assert.equal(statSync(scratch).mode & 0o777, 0o777);
    assert.ok(existsSync(join(dir, 'h')));
    assert.deepEqual(containerMounts(pod.spec.containers[0]!, vols), [
      { containerPath: '/data', hostPath: scratch, readonly: false },
      { containerPath: '/h', hostPath: join(dir, 'h', 'sub'), readonly: true },
    ]);
    await removePodDir(join(dir, 'pods'), 'uid-v');
    assert.ok(!existsSync(join(dir, 'pods', 'uid-v')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
