/**
 * Port-forward soak: one `kubectl port-forward` session per kubectl (1.32: SPDY in
 * WebSocket; 1.28: plain SPDY) kept open while idle for PEAPOD_SOAK_MINUTES (default 5),
 * then checked to still answer (and to survive a burst of 50 connections on either side
 * of the wait). Exits non-zero on any failure. Run: `node dist/bench/portforward-soak.js`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildTestImages, freePort, KUBECTL, REPO_ROOT, startCluster, waitFor, type Cluster } from '../test/e2e/harness.js';

const execFileP = promisify(execFile);
const MINUTES = Number(process.env['PEAPOD_SOAK_MINUTES'] ?? 5);
const CLIENTS = [KUBECTL, '/usr/lib/google-cloud-sdk/bin/kubectl.1.28'];
const POD = `apiVersion: v1
kind: Pod
metadata: {name: soak}
spec:
  containers:
  - name: web
    image: busybox
    command: ["sh", "-c", "mkdir -p /www && echo soak-ok > /www/index.html && exec httpd -f -p 8080 -h /www"]
`;

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve(body));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

async function burst(port: number, n: number): Promise<void> {
  const bodies = await Promise.all(Array.from({ length: n }, () => get(port)));
  if (!bodies.every((b) => b === 'soak-ok\n')) throw new Error(`burst on ${port}: unexpected bodies`);
}

async function main(): Promise<void> {
  const c: Cluster = await startCluster();
  const children: ChildProcess[] = [];
  try {
    const archive = await buildTestImages(join(c.tmpDir, 'images'));
    await execFileP('node', [join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js'), 'image', 'load', '--data-dir', c.dataDir, archive]);
    await c.kubectl(['apply', '-f', '-'], { input: POD });
    await waitFor(async () => (await c.kubectl(['exec', 'soak', '--', 'wget', '-qO-', 'http://127.0.0.1:8080/'], { allowFail: true })).stdout === 'soak-ok\n',
      { description: 'pod soak serving', timeoutMs: 120_000 });
    const sessions: Array<{ bin: string; port: number; out: () => string; child: ChildProcess }> = [];
    for (const bin of CLIENTS) {
      const port = await freePort();
      const child = spawn(bin, ['--kubeconfig', c.kubeconfig, 'port-forward', 'soak', `${port}:8080`], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let out = '';
      child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr?.setEncoding('utf8').on('data', (d: string) => (out += d));
      await waitFor(() => out.includes('Forwarding from 127.0.0.1'), { description: `${bin} port-forward`, timeoutMs: 20_000 });
      await burst(port, 50);
      sessions.push({ bin, port, out: () => out, child });
    }
    console.log(`sessions up; idle for ${MINUTES} min`);
    await new Promise((r) => setTimeout(r, MINUTES * 60_000));
    let failed = false;
    for (const s of sessions) {
      try {
        if (s.child.exitCode !== null) throw new Error(`exited ${s.child.exitCode}: ${s.out()}`);
        await burst(s.port, 50);
        console.log(`${s.bin}: still answering after ${MINUTES} min idle`);
      } catch (err) {
        failed = true;
        console.log(`${s.bin}: FAILED after ${MINUTES} min idle: ${(err as Error).message}`);
      }
    }
    if (failed) process.exitCode = 1;
  } finally {
    for (const ch of children) ch.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await c.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
