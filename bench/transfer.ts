/**
 * Throughput of a 100 MiB transfer in one run: plain loopback HTTP (the floor the
 * machine gives), HTTP straight to the pod IP over the CNI bridge, HTTP through
 * `kubectl port-forward` (1.32: SPDY in WebSocket; 1.28: plain SPDY), and `kubectl cp`
 * both directions (exec + tar; 1.32 over WebSocket v5). Prints MiB/s and the ratio to
 * loopback. Run: `node dist/bench/transfer.js` (root, containerd installed).
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildTestImages, freePort, KUBECTL, REPO_ROOT, startCluster, waitFor, type Cluster } from '../test/e2e/harness.js';

const execFileP = promisify(execFile);
const MiB = 1024 * 1024;
const SIZE = 100 * MiB;
const KUBECTL_128 = '/usr/lib/google-cloud-sdk/bin/kubectl.1.28';

const POD = `apiVersion: v1
kind: Pod
metadata: {name: xfer}
spec:
  containers:
  - name: web
    image: busybox
    command: ["sh", "-c", "mkdir -p /www && dd if=/dev/urandom of=/www/big bs=1M count=100 2>/dev/null && echo ready > /www/ready && exec httpd -f -p 8080 -h /www"]
`;

/** Downloads `path` from 127.0.0.1:port (or host), returns bytes and sha256. */
function download(host: string, port: number, path: string): Promise<{ bytes: number; sha: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    http.get({ host, port, path, agent: false }, (res) => {
      const h = createHash('sha256');
      let bytes = 0;
      res.on('data', (d: Buffer) => {
        bytes += d.length;
        h.update(d);
      });
      res.on('end', () => resolve({ bytes, sha: h.digest('hex'), ms: performance.now() - t0 }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

async function loopback(data: Buffer): Promise<number> {
  const srv = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Length': data.length });
    res.end(data);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  const r = await download('127.0.0.1', port, '/');
  srv.close();
  if (r.bytes !== SIZE) throw new Error(`loopback got ${r.bytes} bytes`);
  return r.ms;
}

async function viaPortForward(c: Cluster, bin: string, sha: string): Promise<number> {
  const port = await freePort();
  const child = spawn(bin, ['--kubeconfig', c.kubeconfig, 'port-forward', 'xfer', `${port}:8080`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  try {
    await waitFor(() => out.includes('Forwarding from 127.0.0.1'), { description: 'port-forward', timeoutMs: 20_000 });
    const r = await download('127.0.0.1', port, '/big');
    if (r.bytes !== SIZE || r.sha !== sha) throw new Error(`port-forward got ${r.bytes} bytes, sha ${r.sha}`);
    return r.ms;
  } finally {
    child.kill('SIGTERM');
  }
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const c = await startCluster();
  try {
    const archive = await buildTestImages(join(c.tmpDir, 'images'));
    await execFileP('node', [join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js'), 'image', 'load', '--data-dir', c.dataDir, archive]);
    await c.kubectl(['apply', '-f', '-'], { input: POD });
    await waitFor(async () => (await c.kubectl(['exec', 'xfer', '--', 'cat', '/www/ready'], { allowFail: true })).stdout === 'ready\n',
      { description: 'pod xfer serving', timeoutMs: 120_000 });
    const podIP = JSON.parse((await c.kubectl(['get', 'pod', 'xfer', '-o', 'json'])).stdout).status.podIP as string;
    const local = join(c.tmpDir, 'big.out');
    const results: Array<[string, number]> = [];

    const direct = await download(podIP, 8080, '/big');
    const sha = direct.sha;
    const data = Buffer.alloc(SIZE, 7);
    results.push(['plain loopback HTTP (127.0.0.1)', await loopback(data)]);
    results.push(['HTTP to pod IP over the CNI bridge', (await download(podIP, 8080, '/big')).ms]);
    results.push(['port-forward, kubectl 1.32 (SPDY in WebSocket)', await viaPortForward(c, KUBECTL, sha)]);
    results.push(['port-forward, kubectl 1.28 (SPDY)', await viaPortForward(c, KUBECTL_128, sha)]);
    results.push(['cp pod -> local, kubectl 1.32 (WebSocket v5)', await timed(() => c.kubectl(['cp', 'xfer:/www/big', local], { timeoutMs: 300_000 }))]);
    const got = await readFile(local);
    if (createHash('sha256').update(got).digest('hex') !== sha) throw new Error('cp out: content differs');
    await writeFile(local, got);
    results.push(['cp local -> pod, kubectl 1.32 (WebSocket v5)', await timed(() => c.kubectl(['cp', local, 'xfer:/tmp/up'], { timeoutMs: 300_000 }))]);
    const up = await c.kubectl(['exec', 'xfer', '--', 'sha256sum', '/tmp/up']);
    if (!up.stdout.startsWith(sha)) throw new Error('cp in: content differs');
    results.push(['cp pod -> local, kubectl 1.28 (SPDY)', await timed(() => execFileP(KUBECTL_128, ['--kubeconfig', c.kubeconfig, 'cp', 'xfer:/www/big', local], { maxBuffer: 1e6 }))]);

    const base = SIZE / MiB / (results[0]![1] / 1000);
    console.log(`100 MiB transfers (${new Date().toISOString()})`);
    console.log(`${'path'.padEnd(48)} ${'seconds'.padStart(8)} ${'MiB/s'.padStart(9)} ${'vs loopback'.padStart(12)}`);
    for (const [name, ms] of results) {
      const rate = SIZE / MiB / (ms / 1000);
      console.log(`${name.padEnd(48)} ${(ms / 1000).toFixed(2).padStart(8)} ${rate.toFixed(1).padStart(9)} ${(rate / base).toFixed(3).padStart(12)}`);
    }
  } finally {
    await c.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
