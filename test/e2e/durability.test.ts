/**
 * A crash loses nothing acknowledged: `peapod up` killed with SIGKILL right after
 * a batch of writes comes back with every acknowledged object, re-adopts the
 * running pod (same container, no duplicate), and replaces the containerd the
 * crashed process left behind.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildTestImages, REPO_ROOT, startCluster, waitFor, type Cluster } from './harness.js';

const execFileP = promisify(execFile);
let cluster: Cluster;

/** PIDs whose command line contains every one of `parts`. */
async function pidsOf(...parts: string[]): Promise<number[]> {
  const out: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const cmd = (await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '')).split('\0').join(' ');
    if (parts.every((p) => cmd.includes(p))) out.push(Number(name));
  }
  return out;
}

async function pod(name: string): Promise<Record<string, any>> {
  return JSON.parse((await cluster.kubectl(['get', 'pod', name, '-o', 'json'])).stdout) as Record<string, any>;
}

describe('crash recovery', { timeout: 300_000 }, () => {
  before(async () => {
    cluster = await startCluster();
    const archive = await buildTestImages(join(cluster.tmpDir, 'images'));
    await execFileP('node', [join(REPO_ROOT, 'dist/src/cli/main.js'), 'image', 'load', '--data-dir', cluster.dataDir, archive]);
  });
  after(async () => {
    await cluster?.stop();
  });

  it('keeps every acknowledged write and the running pod after SIGKILL', async () => {
    await cluster.kubectl(['run', 'survivor', '--image=busybox', '--', 'sleep', '3600']);
    await waitFor(async () => (await pod('survivor')).status?.phase === 'Running', { description: 'survivor Running', timeoutMs: 60_000 });
    const before = await pod('survivor');
    const items = Array.from({ length: 30 }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` }, data: { i: String(i) } }));
    const file = join(cluster.tmpDir, 'cms.json');
    await writeFile(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    const created = await cluster.kubectl(['create', '-f', file]);
    assert.equal(created.stdout.trim().split('\n').length, 30);

    const [peapod] = await pidsOf('main.js', 'up', '--data-dir', cluster.dataDir);
    assert.ok(peapod, 'peapod process found');
    process.kill(peapod, 'SIGKILL');
    await waitFor(async () => (await pidsOf('main.js', 'up', '--data-dir', cluster.dataDir)).length === 0, { description: 'peapod gone' });
    const orphan = await pidsOf('containerd', '--config', join(cluster.dataDir, 'containerd'));
    assert.equal(orphan.length, 1, 'the crashed peapod leaves its containerd running');

    await cluster.restart();
    const names = (await cluster.kubectl(['get', 'configmaps', '-o', 'name'])).stdout.trim().split('\n');
    for (let i = 0; i < 30; i++) assert.ok(names.includes(`configmap/cm-${i}`), `cm-${i} survived`);
    assert.equal((await cluster.kubectl(['get', 'configmap', 'cm-29', '-o', 'jsonpath={.data.i}'])).stdout, '29');
    await waitFor(async () => (await pod('survivor')).status?.containerStatuses?.[0]?.ready === true, { description: 'survivor ready again' });
    const afterPod = await pod('survivor');
    assert.equal(afterPod.metadata.uid, before.metadata.uid);
    assert.equal(afterPod.status.containerStatuses[0].containerID, before.status.containerStatuses[0].containerID);
    assert.equal(afterPod.status.containerStatuses[0].restartCount, 0);
    const now = await pidsOf('containerd', '--config', join(cluster.dataDir, 'containerd'));
    assert.equal(now.length, 1, 'one containerd after the restart');
    assert.ok(!now.includes(orphan[0]!), 'the orphaned containerd was replaced');
  });
});
