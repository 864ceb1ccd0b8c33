/**
 * Benchmarks of issue 6:
 *  - scheduler throughput: 1,000 pending pods created first, then the real Scheduler (over
 *    HTTPS against the real API server on SQLite) binds them onto 3 Nodes that have no kubelet
 *    (so pods stay bound-but-Pending); pods bound per second from scheduler start to the last
 *    binding, plus the spread over the nodes;
 *  - bring-up of `peapod up --nodes 3` until 3 nodes are Ready (median of 3 runs), unless
 *    `--no-up` is given.
 * Run: `node dist/bench/scheduler-throughput.js [--pods N] [--no-up]` (root, for the bring-up part).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Node, Pod } from '../src/api/types.js';
import { startApiServer } from '../src/apiserver/server.js';
import { ApiEventRecorder } from '../src/client/events.js';
import { RestClient } from '../src/client/rest.js';
import { Resources } from '../src/client/types.js';
import { ensureClusterPki } from '../src/platform/pki.js';
import { Scheduler } from '../src/scheduler/scheduler.js';
import { openStore } from '../src/storage/open.js';
import { startCluster } from '../test/e2e/harness.js';

function fakeNode(name: string): Node {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const res = { cpu: '64', memory: '256Gi', pods: '1000', 'ephemeral-storage': '1Ti' };
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' } },
    spec: {},
    status: {
      capacity: res, allocatable: res,
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'fake', lastHeartbeatTime: now, lastTransitionTime: now }],
    },
  };
}

function pod(i: number): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: `p-${i}`, namespace: 'default', labels: { app: 'bench' } },
    spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
  } as Pod;
}

async function schedulerThroughput(total: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'peapod-sched-bench-'));
  const store = await openStore(`sqlite://${join(dir, 'state.db')}`);
  const pki = await ensureClusterPki(join(dir, 'pki'), { serverSANs: { dns: [], ips: [] }, nodeName: 'bench', nodeIPs: [] });
  const server = await startApiServer({
    store, port: 0, host: '127.0.0.1',
    tls: { certPem: pki.apiserver.certPem, keyPem: pki.apiserver.keyPem, caPem: pki.ca.certPem },
    kubelet: { caPem: pki.ca.certPem, certPem: pki.apiserverKubeletClient.certPem, keyPem: pki.apiserverKubeletClient.keyPem },
  });
  const client = (ua: string) => new RestClient({ server: `https://127.0.0.1:${server.port}`, caPem: pki.ca.certPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem, userAgent: ua });
  const admin = client('bench');
  const schedClient = client('default-scheduler');
  let scheduler: Scheduler | undefined;
  try {
    for (const n of ['node-a', 'node-b', 'node-c']) {
      const created = await admin.create<Node>(Resources.nodes(), fakeNode(n));
      await admin.update<Node>(Resources.nodes(), { ...created, status: fakeNode(n).status }, { subresource: 'status' });
    }
    const tc = performance.now();
    for (let i = 0; i < total; i += 50) {
      await Promise.all(Array.from({ length: Math.min(50, total - i) }, (_, j) => admin.create<Pod>(Resources.pods('default'), pod(i + j))));
    }
    console.log(`created ${total} pending pods in ${((performance.now() - tc) / 1000).toFixed(2)} s`);
    scheduler = new Scheduler({ client: schedClient, recorder: new ApiEventRecorder(schedClient, 'default-scheduler') });
    const t0 = performance.now();
    await scheduler.start();
    let bound: Pod[] = [];
    for (;;) {
      const list = await admin.list<Pod>(Resources.pods('default'));
      bound = list.items.filter((p) => p.spec.nodeName);
      if (bound.length >= total) break;
      if (performance.now() - t0 > 600_000) throw new Error(`only ${bound.length}/${total} bound after 600 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const secs = (performance.now() - t0) / 1000;
    const perNode = new Map<string, number>();
    for (const p of bound) perNode.set(p.spec.nodeName!, (perNode.get(p.spec.nodeName!) ?? 0) + 1);
    console.log(`scheduler: ${total} pods bound over 3 nodes in ${secs.toFixed(2)} s = ${(total / secs).toFixed(0)} pods/s (from scheduler start, informer sync included)`);
    console.log(`spread: ${[...perNode].map(([n, c]) => `${n}=${c}`).join(' ')}`);
  } finally {
    await scheduler?.stop();
    admin.close();
    schedClient.close();
    await server.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function bringUp(runs: number): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const cluster = await startCluster({ nodes: 3 });
    times.push((performance.now() - t0) / 1000);
    await cluster.stop();
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`peapod up --nodes 3 → 3 nodes Ready: ${times.map((t) => t.toFixed(2)).join(', ')} s (median ${sorted[Math.floor(runs / 2)]!.toFixed(2)} s)`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const n = Number(args[args.indexOf('--pods') + 1]);
  await schedulerThroughput(args.includes('--pods') && n > 0 ? n : 1000);
  if (!args.includes('--no-up')) await bringUp(3);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
