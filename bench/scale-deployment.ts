/**
 * Benchmark: scaling a Deployment from 1 to 50 pods on one node, measured from
 * `kubectl scale deployment bench --replicas=50` until 50 pods report Running
 * (and, separately, until the Deployment reports 50 available). Polls the API
 * every 100 ms with the admin client (not kubectl) so the polling itself stays cheap.
 * Run: `node dist/bench/scale-deployment.js` (root; builds and loads the busybox image itself).
 * Env: PEAPOD_BENCH_REPLICAS (default 50), PEAPOD_BENCH_RUNS (default 1).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildTestImages, REPO_ROOT, startCluster, waitFor, type Cluster } from '../test/e2e/harness.js';
import { RestClient } from '../src/client/rest.js';
import { readKubeconfig } from '../src/platform/kubeconfig.js';
import type { KubeObject, Pod } from '../src/api/types.js';

const execFileP = promisify(execFile);
const REPLICAS = Number(process.env['PEAPOD_BENCH_REPLICAS'] ?? 50);
const RUNS = Number(process.env['PEAPOD_BENCH_RUNS'] ?? 1);

async function countRunning(client: RestClient): Promise<number> {
  const pods = await client.list<Pod>({ group: '', version: 'v1', resource: 'pods', namespace: 'default' }, { labelSelector: 'app=bench' });
  return pods.items.filter((p) => !p.metadata.deletionTimestamp && p.status?.phase === 'Running').length;
}

async function available(client: RestClient): Promise<number> {
  const d = await client.get<KubeObject & { status?: { availableReplicas?: number } }>({ group: 'apps', version: 'v1', resource: 'deployments', namespace: 'default' }, 'bench');
  return d.status?.availableReplicas ?? 0;
}

async function oneRun(cluster: Cluster, client: RestClient): Promise<{ running: number; available: number }> {
  await cluster.kubectl(['scale', 'deployment', 'bench', '--replicas=1']);
  await waitFor(async () => (await countRunning(client)) === 1 && (await available(client)) === 1, { description: 'back to 1', timeoutMs: 180_000, intervalMs: 200 });
  await waitFor(async () => {
    const pods = await client.list<Pod>({ group: '', version: 'v1', resource: 'pods', namespace: 'default' }, { labelSelector: 'app=bench' });
    return pods.items.length === 1;
  }, { description: 'terminating pods gone', timeoutMs: 180_000, intervalMs: 200 });
  const t0 = performance.now();
  await cluster.kubectl(['scale', 'deployment', 'bench', `--replicas=${REPLICAS}`]);
  let runningAt = 0;
  await waitFor(async () => {
    if (!runningAt && (await countRunning(client)) === REPLICAS) runningAt = performance.now();
    return runningAt > 0 && (await available(client)) === REPLICAS;
  }, { description: `${REPLICAS} Running and available`, timeoutMs: 600_000, intervalMs: 100 });
  return { running: (runningAt - t0) / 1000, available: (performance.now() - t0) / 1000 };
}

async function main(): Promise<void> {
  const cluster = await startCluster();
  try {
    const archive = await buildTestImages(join(cluster.tmpDir, 'images'));
    await execFileP('node', [join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js'), 'image', 'load', '--data-dir', cluster.dataDir, archive]);
    const kc = await readKubeconfig(cluster.kubeconfig);
    const client = new RestClient({ server: kc.server, caPem: kc.caPem, certPem: kc.clientCertPem, keyPem: kc.clientKeyPem });
    await cluster.kubectl(['create', 'deployment', 'bench', '--image=busybox', '--', 'sh', '-c', "trap 'exit 0' TERM; while true; do sleep 1; done"]);
    const results: { running: number; available: number }[] = [];
    for (let i = 0; i < RUNS; i++) results.push(await oneRun(cluster, client));
    await cluster.kubectl(['delete', 'deployment', 'bench'], { timeoutMs: 300_000 });
    await waitFor(async () => (await client.list({ group: '', version: 'v1', resource: 'pods', namespace: 'default' })).items.length === 0, {
      description: 'bench pods deleted', timeoutMs: 300_000, intervalMs: 500,
    });
    client.close();
    for (const [i, r] of results.entries()) {
      console.log(`run ${i + 1}: 1 -> ${REPLICAS} pods Running in ${r.running.toFixed(2)} s; Deployment ${REPLICAS}/${REPLICAS} available in ${r.available.toFixed(2)} s`);
    }
    console.log(`command: kubectl scale deployment bench --replicas=${REPLICAS} (one node, busybox, peapod up)`);
  } finally {
    await cluster.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
