import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { buildTestImages, readyNodes, runKubectl, startCluster, waitFor } from './harness.js';
import { cleanupLeaks, findLeaks, isClean, takeBaseline } from './leaks.js';

describe('waitFor', () => {
  it('returns the first accepted value', async () => {
    let n = 0;
    const v = await waitFor(() => (++n >= 3 ? n : undefined), { intervalMs: 5, description: 'n to reach 3' });
    assert.equal(v, 3);
  });

  it('treats thrown errors as not yet', async () => {
    let n = 0;
    const v = await waitFor(
      () => {
        if (++n < 2) throw new Error('boom');
        return 'ok';
      },
      { intervalMs: 5, description: 'no error' },
    );
    assert.equal(v, 'ok');
  });

  it('times out with the description and the last value', async () => {
    await assert.rejects(
      waitFor(() => ({ phase: 'Pending' }), {
        timeoutMs: 50,
        intervalMs: 10,
        description: 'pod web Running',
        accept: (p) => p.phase === 'Running',
      }),
      /timed out after 50ms waiting for pod web Running; last value: \{"phase":"Pending"\}/,
    );
    await assert.rejects(
      waitFor(
        () => {
          throw new Error('connection refused');
        },
        { timeoutMs: 30, intervalMs: 10, description: 'api' },
      ),
      /last value: error: connection refused/,
    );
  });
});

describe('readyNodes', () => {
  it('lists only nodes with Ready=True', () => {
    const json = JSON.stringify({
      items: [
        { metadata: { name: 'a' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } },
        { metadata: { name: 'b' }, status: { conditions: [{ type: 'Ready', status: 'False' }] } },
        { metadata: { name: 'c' }, status: {} },
      ],
    });
    assert.deepEqual(readyNodes(json), ['a']);
  });
});

describe('runKubectl', () => {
  it('returns output and exit codes, throwing only without allowFail', async () => {
    const ok = await runKubectl(['version', '--client', '-o', 'json']);
    assert.equal(ok.code, 0);
    assert.match(ok.stdout, /clientVersion/);
    const bad = await runKubectl(['no-such-command'], { allowFail: true });
    assert.notEqual(bad.code, 0);
    await assert.rejects(runKubectl(['no-such-command']), /kubectl no-such-command exited/);
  });

  it('feeds stdin', async () => {
    const r = await runKubectl(['label', '--local', '-f', '-', 'a=b', '-o', 'jsonpath={.metadata.name}/{.metadata.labels.a}'], {
      input: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-stdin\n',
    });
    assert.equal(r.stdout, 'from-stdin/b');
  });
});

describe('leak detection and cleanup', () => {
  it('finds and removes processes, mounts, netns and bridges of a data dir', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'peapod-leaktest-'));
    const suffix = randomBytes(3).toString('hex');
    const netns = `cni-peapod-leaktest-${suffix}`;
    const bridge = `pplt${suffix}`;
    try {
      const baseline = await takeBaseline();
      await mkdir(join(dir, 'cni'));
      await writeFile(
        join(dir, 'cni', '10-peapod.conflist'),
        JSON.stringify({ cniVersion: '1.0.0', name: 'x', plugins: [{ type: 'bridge', bridge }] }),
      );
      // A "shim" whose cmdline names the dir, with a "container" child that does not.
      const shim = spawn('sh', ['-c', `sleep 300 & wait; : ${dir}`], { stdio: 'ignore', detached: true });
      shim.unref();
      await mkdir(join(dir, 'rootfs'));
      execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', join(dir, 'rootfs')]);
      execFileSync('ip', ['netns', 'add', netns]);
      execFileSync('ip', ['link', 'add', bridge, 'type', 'bridge']);

      const leaks = await waitFor(async () => findLeaks(dir, baseline), {
        timeoutMs: 5000,
        intervalMs: 50,
        description: 'shim and its child visible',
        accept: (l) => l.processes.length >= 2,
      });
      assert.ok(leaks.processes.some((p) => p.pid === shim.pid));
      assert.ok(leaks.processes.some((p) => p.cmdline === 'sleep 300'));
      assert.deepEqual(leaks.mounts, [join(dir, 'rootfs')]);
      assert.deepEqual(leaks.netns, [netns]);
      assert.deepEqual(leaks.bridges, [bridge]);

      assert.deepEqual(await cleanupLeaks(dir, leaks), []);
      const after = await findLeaks(dir, baseline);
      assert.ok(isClean(after), JSON.stringify(after));
      assert.equal(existsSync(`/run/netns/${netns}`), false);
    } finally {
      execFileSync('sh', ['-c', `umount -l ${dir}/rootfs 2>/dev/null; ip netns del ${netns} 2>/dev/null; ip link del ${bridge} 2>/dev/null; true`]);
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('startCluster', () => {
  it('fails fast with the log tail when peapod exits, leaving nothing behind', async () => {
    const before = (await readdir(tmpdir())).filter((n) => n.startsWith('peapod-e2e-'));
    await assert.rejects(startCluster({ args: ['--definitely-not-a-flag'] }), (err: Error) => {
      assert.match(err.message, /cluster did not become Ready: peapod exited/);
      assert.match(err.message, /--- tail of .*peapod\.log ---/);
      return true;
    });
    const after = (await readdir(tmpdir())).filter((n) => n.startsWith('peapod-e2e-'));
    assert.deepEqual(after, before);
  });
});

describe('buildTestImages', () => {
  it('writes the busybox archive', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'peapod-images-'));
    try {
      const archive = await buildTestImages(join(dir, 'images'));
      assert.equal(archive, join(dir, 'images', 'busybox.tar'));
      const listing = execFileSync('tar', ['-tf', archive], { encoding: 'utf8' });
      assert.match(listing, /manifest\.json|index\.json/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
