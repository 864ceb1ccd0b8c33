/**
 * Reaching into pods end to end, with real containers and the real kubectl: exec (stdout/
 * stderr split, exit codes, piped stdin, a tty driven through a pseudo terminal), attach,
 * cp both ways, port-forward (sequential, concurrent, idle, refused ports), pod-to-pod
 * networking, and the kubelet API's client check. Every client test runs with kubectl
 * 1.32 (WebSocket v5 exec, SPDY-in-WebSocket port-forward) and 1.28 (SPDY only).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildTestImages, freePort, KUBECTL, REPO_ROOT, startCluster, waitFor, type Cluster, type KubectlResult } from './harness.js';

const execFileP = promisify(execFile);
const MAIN_JS = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');
const KUBECTL_128 = '/usr/lib/google-cloud-sdk/bin/kubectl.1.28';
const CLIENTS: Array<{ name: string; bin: string }> = [{ name: 'kubectl 1.32', bin: KUBECTL }, { name: 'kubectl 1.28', bin: KUBECTL_128 }];
const IDLE_MS = Number(process.env['PEAPOD_PF_IDLE_MS'] ?? 15_000);

const PODS = `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    image: busybox
    command: ["sh", "-c", "mkdir -p /www && echo hello-from-www > /www/index.html && exec httpd -f -p 8080 -h /www"]
  - name: side
    image: busybox
    command: ["sleep", "3600"]
---
apiVersion: v1
kind: Pod
metadata: {name: bb}
spec:
  containers:
  - name: bb
    image: busybox
    command: ["sleep", "3600"]
---
apiVersion: v1
kind: Pod
metadata: {name: half}
spec:
  restartPolicy: Never
  containers:
  - name: main
    image: busybox
    command: ["sleep", "3600"]
  - name: gone
    image: busybox
    command: ["true"]
${['att-0', 'att-1'].map((n) => `---
apiVersion: v1
kind: Pod
metadata: {name: ${n}}
spec:
  restartPolicy: Never
  containers:
  - name: main
    image: busybox
    stdin: true
    stdinOnce: true
    command: ["sh", "-c", "read line; echo got:$line; sleep 2"]
`).join('')}`;

let cluster: Cluster;

/** Runs a kubectl binary against the cluster; never throws on non-zero exits. */
function kc(bin: string, args: string[], o: { input?: string; timeoutMs?: number } = {}): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['--kubeconfig', cluster.kubeconfig, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.on('error', () => undefined);
    child.stdin.end(o.input ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

async function podJson(name: string): Promise<Record<string, any>> {
  return JSON.parse((await cluster.kubectl(['get', 'pod', name, '-o', 'json'])).stdout) as Record<string, any>;
}

function httpGet(port: number, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** Starts `kubectl port-forward` and resolves once it prints its Forwarding lines. */
async function portForward(bin: string, args: string[]): Promise<{ stop: () => Promise<string>; output: () => string }> {
  const child = spawn(bin, ['--kubeconfig', cluster.kubeconfig, 'port-forward', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  await waitFor(() => /Forwarding from 127\.0\.0\.1/.test(out) || child.exitCode !== null, { description: 'port-forward to start', timeoutMs: 20_000 });
  assert.equal(child.exitCode, null, `port-forward exited: ${out}`);
  return {
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      return out;
    },
  };
}

/** Runs `kubectl exec -it POD -- sh` inside `script` (a real pty), typing `lines` once the prompt shows. */
async function ttySession(bin: string, pod: string, lines: string[]): Promise<{ code: number; out: string }> {
  const cmd = `stty cols 123 rows 45; ${bin} --kubeconfig ${cluster.kubeconfig} exec -it ${pod} -- sh`;
  const child = spawn('script', ['-qfec', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number>((r) => child.once('exit', (c) => r(c ?? -1)));
  try {
    let seen = 0;
    for (const line of lines) {
      await waitFor(() => (out.match(/# /g) ?? []).length > seen, { description: `shell prompt in ${JSON.stringify(out)}`, timeoutMs: 20_000 });
      seen = (out.match(/# /g) ?? []).length;
      child.stdin.write(`${line}\r`);
    }
    const code = await Promise.race([exited, new Promise<number>((r) => setTimeout(() => r(-2), 20_000))]);
    return { code, out };
  } finally {
    child.stdin.end();
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

describe('exec, attach, cp, port-forward and pod networking', { timeout: 1_200_000 }, () => {
  before(async () => {
    cluster = await startCluster();
    const archive = await buildTestImages(join(cluster.tmpDir, 'images'));
    await execFileP('node', [MAIN_JS, 'image', 'load', '--data-dir', cluster.dataDir, archive]);
    await cluster.kubectl(['apply', '-f', '-'], { input: PODS });
    for (const p of ['web', 'bb', 'half', 'att-0', 'att-1']) {
      await waitFor(async () => (await podJson(p)).status?.phase === 'Running', { description: `pod ${p} Running`, timeoutMs: 90_000 });
    }
    await waitFor(async () => ((await podJson('half')).status?.containerStatuses ?? []).some((s: any) => s.name === 'gone' && s.state?.terminated),
      { description: 'container gone terminated', timeoutMs: 30_000 });
    await waitFor(async () => (await kc(KUBECTL, ['exec', 'web', '-c', 'side', '--', 'wget', '-qO-', 'http://localhost:8080/'])).stdout === 'hello-from-www\n',
      { description: 'httpd up', timeoutMs: 30_000 });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('has the older kubectl to test SPDY with', () => {
    assert.ok(existsSync(KUBECTL_128), `${KUBECTL_128} missing`);
  });

  for (const [i, c] of CLIENTS.entries()) {
    describe(c.name, () => {
      it('exec splits stdout and stderr and passes exit codes', async () => {
        const r = await kc(c.bin, ['exec', 'bb', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
        assert.equal(r.code, 3);
        assert.equal(r.stdout, 'out\n');
        assert.match(r.stderr, /^err\n/);
        assert.match(r.stderr, /command terminated with exit code 3/);
        const ok = await kc(c.bin, ['exec', 'bb', '--', 'sh', '-c', 'echo fine']);
        assert.deepEqual([ok.code, ok.stdout, ok.stderr], [0, 'fine\n', '']);
      });

      it('exec -i streams stdin to EOF; -c and the default container note', async () => {
        const input = Array.from({ length: 1000 }, (_, n) => `line ${n}`).join('\n') + '\n';
        const r = await kc(c.bin, ['exec', '-i', 'bb', '--', 'sh', '-c', 'wc -l; echo done'], { input });
        assert.deepEqual([r.code, r.stdout.trim().split(/\s+/)], [0, ['1000', 'done']]);
        const r2 = await kc(c.bin, ['exec', '-i', 'web', '-c', 'side', '--', 'md5sum'], { input });
        assert.equal(r2.code, 0, r2.stderr);
        assert.equal(r2.stdout.split(' ')[0], createHash('md5').update(input).digest('hex'));
        const d = await kc(c.bin, ['exec', 'web', '--', 'true']);
        assert.equal(d.code, 0);
        assert.match(d.stderr, /Defaulted container "web" out of: web, side/);
      });

      it('exec -it runs an interactive shell through a pseudo terminal, with its size', async () => {
        const r = await ttySession(c.bin, 'bb', ['stty size; echo hi-$((40+2))', 'exit 5']);
        assert.match(r.out, /45 123/);
        assert.match(r.out, /hi-42/);
        assert.equal(r.code, 5, r.out);
      });

      it('exec errors: missing pod, missing container, container not running', async () => {
        const noPod = await kc(c.bin, ['exec', 'nope', '--', 'true']);
        assert.equal(noPod.code, 1);
        assert.match(noPod.stderr, /pods "nope" not found/);
        const noC = await kc(c.bin, ['exec', 'bb', '-c', 'nope', '--', 'true']);
        assert.equal(noC.code, 1);
        assert.match(noC.stderr, /container nope is not valid for pod bb/);
        const dead = await kc(c.bin, ['exec', 'half', '-c', 'gone', '--', 'true']);
        assert.equal(dead.code, 1);
        assert.match(dead.stderr, /container gone is not running in pod half/);
      });

      it('attach sends stdin to a container started with stdin: true', async () => {
        const r = await kc(c.bin, ['attach', '-i', `att-${i}`], { input: `hello-${i}\n` });
        assert.match(r.stdout, new RegExp(`got:hello-${i}`));
        assert.equal(r.code, 0, r.stderr);
      });

      it('cp copies a file and a directory in and out byte for byte', async () => {
        const dir = join(cluster.tmpDir, `cp-${i}`);
        await mkdir(join(dir, 'tree', 'sub'), { recursive: true });
        const file = randomBytes(3 * 1024 * 1024 + 17);
        await writeFile(join(dir, 'f.bin'), file);
        await writeFile(join(dir, 'tree', 'a.txt'), 'alpha\n');
        await writeFile(join(dir, 'tree', 'sub', 'b.bin'), randomBytes(70_000));
        for (const args of [
          ['cp', join(dir, 'f.bin'), `bb:/tmp/f-${i}.bin`], ['cp', `bb:/tmp/f-${i}.bin`, join(dir, 'back.bin')],
          ['cp', join(dir, 'tree'), `bb:/tmp/tree-${i}`], ['cp', `bb:/tmp/tree-${i}`, join(dir, 'tree-back')],
        ]) {
          const r = await kc(c.bin, args);
          assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
        }
        assert.ok(file.equals(await readFile(join(dir, 'back.bin'))));
        assert.equal(await readFile(join(dir, 'tree-back', 'a.txt'), 'utf8'), 'alpha\n');
        assert.ok((await readFile(join(dir, 'tree', 'sub', 'b.bin'))).equals(await readFile(join(dir, 'tree-back', 'sub', 'b.bin'))));
      });

      it('port-forward: 200 sequential and 20 concurrent requests, a refused port, an idle wait, one session', async () => {
        const [p1, p2] = [await freePort(), await freePort()];
        const pf = await portForward(c.bin, ['web', `${p1}:8080`, `${p2}:9999`]);
        try {
          for (let n = 0; n < 200; n++) assert.equal((await httpGet(p1)).body, 'hello-from-www\n', `request ${n}`);
          const many = await Promise.all(Array.from({ length: 20 }, () => httpGet(p1)));
          assert.ok(many.every((r) => r.status === 200 && r.body === 'hello-from-www\n'));
          await assert.rejects(httpGet(p2)); // nothing listens on 9999: that connection fails...
          assert.equal((await httpGet(p1)).status, 200); // ...and the session goes on
          await new Promise((r) => setTimeout(r, IDLE_MS));
          assert.equal((await httpGet(p1)).body, 'hello-from-www\n');
          assert.doesNotMatch(pf.output(), /lost connection|error/i);
        } finally {
          await pf.stop();
        }
      });
    });
  }

  it('pods reach each other by pod IP, and containers of a pod share localhost', async () => {
    const ip = (await podJson('web')).status.podIP as string;
    assert.match(ip, /^\d+\.\d+\.\d+\.\d+$/);
    assert.notEqual((await podJson('bb')).status.podIP, ip);
    const r = await kc(KUBECTL, ['exec', 'bb', '--', 'wget', '-qO-', `http://${ip}:8080/`]);
    assert.deepEqual([r.code, r.stdout], [0, 'hello-from-www\n']);
    const local = await kc(KUBECTL, ['exec', 'web', '-c', 'side', '--', 'wget', '-qO-', 'http://127.0.0.1:8080/']);
    assert.deepEqual([local.code, local.stdout], [0, 'hello-from-www\n']);
  });

  it('streaming subresources need an upgrade', async () => {
    const r = await cluster.kubectl(['get', '--raw', '/api/v1/namespaces/default/pods/bb/exec?command=true'], { allowFail: true });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Upgrade request required/);
  });

  it('the kubelet API answers only the API server', async () => {
    const node = JSON.parse((await cluster.kubectl(['get', 'nodes', '-o', 'json'])).stdout).items[0];
    const port = node.status.daemonEndpoints.kubeletEndpoint.Port as number;
    const pki = join(cluster.dataDir, 'pki');
    const get = async (who: string): Promise<number> => {
      const [cert, key, ca] = await Promise.all([readFile(join(pki, `${who}.crt`)), readFile(join(pki, `${who}.key`)), readFile(join(pki, 'ca.crt'))]);
      return new Promise((resolve, reject) => {
        https.get({ host: '127.0.0.1', port, path: '/containerLogs/default/web/web', cert, key, ca, checkServerIdentity: () => undefined }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject);
      });
    };
    assert.equal(await get('apiserver-kubelet-client'), 200);
    assert.equal(await get('admin'), 403);
    assert.equal(await get('kubelet'), 403);
  });
});
