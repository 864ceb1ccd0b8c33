/**
 * Benchmark of the main job, with baselines measured in the same run:
 *  - start-up: `peapod up` until the node is Ready, vs containerd alone becoming CRI-ready;
 *  - pod start: `kubectl apply` → Running for 20 pods (median, p99), vs the runtime floor
 *    (RunPodSandbox + CreateContainer + StartContainer straight through the CRI);
 *  - idle resident memory of the peapod process, vs the containerd it supervises.
 * Run: `node dist/bench/main-job.js` (root; builds and loads the busybox image itself).
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildTestImages, REPO_ROOT, startCluster, waitFor } from '../test/e2e/harness.js';
import { createRemoteRuntime } from '../src/kubelet/cri/remote.js';
import { RestClient } from '../src/client/rest.js';
import { readKubeconfig } from '../src/platform/kubeconfig.js';
import type { Pod } from '../src/api/types.js';

const execFileP = promisify(execFile);

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

async function rssKiB(pid: number): Promise<number> {
  const st = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(st)?.[1] ?? 0);
}

async function pidOf(pattern: string): Promise<number> {
  const { stdout } = await execFileP('pgrep', ['-f', '-o', pattern]);
  return Number(stdout.trim().split('\n')[0]);
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const cluster = await startCluster();
  const upMs = performance.now() - t0;
  try {
    const archive = await buildTestImages(join(cluster.tmpDir, 'images'));
    await execFileP('node', [join(REPO_ROOT, 'dist/src/cli/main.js'), 'image', 'load', '--data-dir', cluster.dataDir, archive]);
    const kc = await readKubeconfig(cluster.kubeconfig);
    const client = new RestClient({ server: kc.server, caPem: kc.caPem, certPem: kc.clientCertPem, keyPem: kc.clientKeyPem });
    const peapodPid = await pidOf(`main.js up --data-dir ${cluster.dataDir}`);
    const containerdPid = await pidOf(`containerd --config ${cluster.dataDir}`);

    // Warm the image once (first pull), as a user's second pod would find it.
    await cluster.kubectl(['run', 'warm', '--image=busybox', '--image-pull-policy=IfNotPresent', '--', 'sleep', '3600']);
    await waitFor(async () => (await client.get<Pod>({ group: '', version: 'v1', resource: 'pods', namespace: 'default' }, 'warm')).status?.phase === 'Running', { description: 'warm pod', timeoutMs: 60_000, intervalMs: 50 });

    const lat: number[] = [];
    for (let i = 0; i < 20; i++) {
      const f = join(cluster.tmpDir, `p${i}.yaml`);
      await writeFile(f, `apiVersion: v1\nkind: Pod\nmetadata:\n  name: bench-${i}\nspec:\n  terminationGracePeriodSeconds: 0\n  containers:\n  - name: c\n    image: busybox\n    imagePullPolicy: IfNotPresent\n    command: ["sleep", "3600"]\n`);
      const s = performance.now();
      await cluster.kubectl(['apply', '-f', f]);
      await waitFor(async () => (await client.get<Pod>({ group: '', version: 'v1', resource: 'pods', namespace: 'default' }, `bench-${i}`)).status?.phase === 'Running', { description: `bench-${i} Running`, timeoutMs: 60_000, intervalMs: 20 });
      lat.push(performance.now() - s);
    }

    // Runtime floor: the same pod straight through the CRI of the same containerd.
    const cri = createRemoteRuntime(join(cluster.dataDir, 'containerd', 'containerd.sock'));
    const floor: number[] = [];
    for (let i = 0; i < 20; i++) {
      const meta = { name: `floor-${i}`, uid: `floor-uid-${i}-${Date.now()}`, namespace: 'bench', attempt: 0 };
      const cfg = { metadata: meta, hostname: meta.name, logDirectory: join(cluster.tmpDir, 'floorlogs', meta.uid), linux: {} };
      const s = performance.now();
      const sb = await cri.runtime.runPodSandbox(cfg);
      const c = await cri.runtime.createContainer(sb, { metadata: { name: 'c', attempt: 0 }, image: { image: 'docker.io/library/busybox:latest' }, command: ['sleep', '3600'], logPath: 'c.log', linux: { securityContext: { namespaceOptions: { pid: 'CONTAINER' } } } }, cfg);
      await cri.runtime.startContainer(c);
      floor.push(performance.now() - s);
      await cri.runtime.stopPodSandbox(sb);
      await cri.runtime.removePodSandbox(sb);
    }
    cri.close();

    await new Promise((r) => setTimeout(r, 15_000));
    const peapodRss = await rssKiB(peapodPid);
    const containerdRss = await rssKiB(containerdPid);

    const med = pct(lat, 50);
    const p99 = pct(lat, 99);
    const fmed = pct(floor, 50);
    console.log(JSON.stringify({ upToReadyMs: Math.round(upMs), podApplyToRunningMs: { median: Math.round(med), p99: Math.round(p99) }, criFloorMs: { median: Math.round(fmed) }, peapodIdleRssMiB: +(peapodRss / 1024).toFixed(1), containerdIdleRssMiB: +(containerdRss / 1024).toFixed(1) }));
    console.log(`peapod up -> node Ready: ${(upMs / 1000).toFixed(2)} s (includes kubectl polling in the harness)`);
    console.log(`pod apply -> Running over 20 pods: median ${med.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms; runtime floor median ${fmed.toFixed(0)} ms; ratio median/floor ${(med / fmed).toFixed(2)}`);
    console.log(`idle RSS: peapod ${(peapodRss / 1024).toFixed(1)} MiB, containerd ${(containerdRss / 1024).toFixed(1)} MiB; ratio ${(peapodRss / containerdRss).toFixed(2)}`);
    client.close();
  } finally {
    await cluster.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
