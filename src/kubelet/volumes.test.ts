import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerMounts, mountsUnder, prepareVolumes, removePodDir, volumeHostPaths } from './volumes.js';
import type { ConfigSources } from './config-sources.js';
import { makePod } from './testing/builders.js';

const dv = { podIP: '10.0.0.2', hostIP: '192.168.1.5', nodeName: 'n' };
const none: ConfigSources = { configMap: () => undefined, secret: () => undefined };

test('volumes: emptyDir, hostPath and configMap become CRI mounts; unknown kinds are skipped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubelet-vol-'));
  try {
    const sources: ConfigSources = { configMap: () => ({ metadata: { name: 'cfg' }, data: { k: 'v' } }), secret: () => undefined };
    const pod = makePod('v', {
      volumes: [{ name: 'scratch', emptyDir: {} }, { name: 'host', hostPath: { path: join(dir, 'h'), type: 'DirectoryOrCreate' } },
        { name: 'cfg', configMap: { name: 'cfg' } }, { name: 'nfs', nfs: { server: 'x', path: '/' } }],
      containers: [{ name: 'c', image: 'busybox', volumeMounts: [
        { name: 'scratch', mountPath: '/data' }, { name: 'host', mountPath: '/h', readOnly: true, subPath: 'sub' }, { name: 'cfg', mountPath: '/etc/cfg' },
        { name: 'nfs', mountPath: '/nfs' },
      ] }],
    });
    const paths = volumeHostPaths(pod, join(dir, 'pods'));
    assert.deepEqual([...paths.keys()], ['scratch', 'host', 'cfg']);
    const vols = await prepareVolumes(pod, join(dir, 'pods'), sources, dv);
    assert.deepEqual(vols.errors, []);
    const scratch = join(dir, 'pods', 'uid-v', 'volumes', 'kubernetes.io~empty-dir', 'scratch');
    const cfg = join(dir, 'pods', 'uid-v', 'volumes', 'kubernetes.io~configmap', 'cfg');
    assert.equal(statSync(scratch).mode & 0o777, 0o777);
    assert.ok(existsSync(join(dir, 'h')));
    assert.equal(readFileSync(join(cfg, 'k'), 'utf8'), 'v');
    assert.deepEqual(containerMounts(pod.spec.containers[0]!, vols.paths), [
      { containerPath: '/data', hostPath: scratch, readonly: false },
      { containerPath: '/h', hostPath: join(dir, 'h', 'sub'), readonly: true },
      { containerPath: '/etc/cfg', hostPath: cfg, readonly: false },
    ]);
    await removePodDir(join(dir, 'pods'), 'uid-v');
    assert.ok(!existsSync(join(dir, 'pods', 'uid-v')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('volumes: a missing ConfigMap is reported per volume', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubelet-vol-'));
  try {
    const pod = makePod('v', { volumes: [{ name: 'cfg', configMap: { name: 'absent' } }, { name: 'ok', emptyDir: {} }] });
    const vols = await prepareVolumes(pod, join(dir, 'pods'), none, dv);
    assert.deepEqual(vols.errors, [{ volume: 'cfg', message: 'configmap "absent" not found' }]);
    assert.deepEqual([...vols.paths.keys()], ['ok']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('volumes: emptyDir medium Memory is a tmpfs of sizeLimit, unmounted with the pod (root)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubelet-vol-'));
  try {
    const pod = makePod('m', { volumes: [{ name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } }] });
    const vols = await prepareVolumes(pod, join(dir, 'pods'), none, dv);
    const path = vols.paths.get('mem')!;
    const line = readFileSync('/proc/self/mounts', 'utf8').split('\n').find((l) => l.split(' ')[1] === path);
    assert.ok(line, 'mounted');
    assert.match(line!, /^tmpfs \S+ tmpfs \S*size=8192k/);
    await prepareVolumes(pod, join(dir, 'pods'), none, dv);
    assert.equal((await mountsUnder(path)).length, 1, 'not mounted twice');
    await removePodDir(join(dir, 'pods'), 'uid-m');
    assert.deepEqual(await mountsUnder(join(dir, 'pods')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
