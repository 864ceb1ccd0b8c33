/**
 * Cluster DNS end to end with the real kubectl: the kube-dns Service at 10.96.0.10,
 * a pod's resolv.conf (ClusterFirst), a busybox httpd Deployment exposed as `web`
 * reached from another pod by its short and its full name, `nslookup` returning the
 * ClusterIP, and an unknown name failing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildBusyboxImageArchive } from '../../src/images/busybox.js';
import { REPO_ROOT, startCluster, waitFor, type Cluster } from './harness.js';

const execFileP = promisify(execFile);
const MAIN_JS = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');

let cluster: Cluster;
const k = (...args: string[]) => cluster.kubectl(args, { timeoutMs: 120_000 });
const out = async (...args: string[]) => (await k(...args)).stdout;
const exec = (...cmd: string[]) => cluster.kubectl(['exec', 'client', '--', ...cmd], { allowFail: true, timeoutMs: 60_000 });

const WEB = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: httpd
        image: busybox
        ports:
        - name: http
          containerPort: 8080
        command: ["sh", "-c", "mkdir -p /www && echo hello-from-web > /www/index.html && exec httpd -f -p 8080 -h /www"]
`;

describe('cluster DNS: service names resolve from pods', { timeout: 600_000 }, () => {
  let clusterIP = '';

  before(async () => {
    cluster = await startCluster();
    const archive = join(cluster.tmpDir, 'busybox.tar');
    await buildBusyboxImageArchive(archive, 'docker.io/library/busybox:latest');
    await execFileP('node', [MAIN_JS, 'image', 'load', '--data-dir', cluster.dataDir, archive]);
    await writeFile(join(cluster.tmpDir, 'web.yaml'), WEB);
    await k('apply', '-f', join(cluster.tmpDir, 'web.yaml'));
    await k('run', 'client', '--image=busybox', '--', 'sleep', '3600');
    await k('expose', 'deployment', 'web', '--port', '80', '--target-port', '8080');
    clusterIP = (await out('get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}')).trim();
    await k('wait', '--for=condition=available', 'deployment/web', '--timeout=90s');
    await k('wait', '--for=condition=ready', 'pod/client', '--timeout=90s');
  });
  after(async () => {
    await cluster?.stop();
  });

  it('kube-system/kube-dns is 10.96.0.10 with 53/UDP and 53/TCP and one endpoint', async () => {
    assert.match(await out('get', 'svc', '-n', 'kube-system', 'kube-dns'), /^kube-dns\s+ClusterIP\s+10\.96\.0\.10\s+<none>\s+53\/UDP,53\/TCP\s/m);
    assert.match(await out('get', 'ep', '-n', 'kube-system', 'kube-dns'), /^kube-dns\s+\d+\.\d+\.\d+\.\d+:\d+,\d+\.\d+\.\d+\.\d+:\d+\s/m);
  });

  it('a ClusterFirst pod gets the cluster resolv.conf', async () => {
    const r = await exec('cat', '/etc/resolv.conf');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^nameserver 10\.96\.0\.10$/m);
    assert.match(r.stdout, /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local$/m);
    assert.match(r.stdout, /^options ndots:5$/m);
  });

  it('wget http://web and http://web.default.svc.cluster.local from another pod', async () => {
    for (const url of ['http://web', 'http://web.default.svc.cluster.local']) {
      const body = await waitFor(async () => {
        const r = await exec('timeout', '10', 'wget', '-qO-', url);
        return r.code === 0 ? r.stdout.trim() : undefined;
      }, { description: `wget ${url}`, timeoutMs: 30_000, intervalMs: 500 });
      assert.equal(body, 'hello-from-web', url);
    }
  });

  it('nslookup returns the ClusterIP; an unknown name fails', async () => {
    const r = await exec('nslookup', 'web.default.svc.cluster.local');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Server:\s+10\.96\.0\.10/);
    assert.match(r.stdout, new RegExp(`Address:\\s+${clusterIP.replace(/\./g, '\\.')}\\s*$`, 'm'));
    const t0 = Date.now();
    const bad = await exec('nslookup', 'nosuch.default.svc.cluster.local');
    assert.notEqual(bad.code, 0, bad.stdout);
    assert.match(bad.stdout + bad.stderr, /NXDOMAIN|can't find/);
    assert.ok(Date.now() - t0 < 15_000, `unknown name took ${Date.now() - t0} ms`);
    const wget = await exec('timeout', '10', 'wget', '-qO-', 'http://nosuch');
    assert.notEqual(wget.code, 0);
    assert.match(wget.stderr, /bad address/);
  });
});
