/**
 * Services end to end with the real kubectl: the `kubernetes` service in `get all`
 * (seed 001), `expose`, `create service clusterip/nodeport`, `get svc,ep`, `describe svc`,
 * and the data plane: a cluster IP reached from another pod (both backends answer),
 * a node port and a cluster IP from the host, endpoints following a scale to 0 and
 * back to 1, and the rules going with the service.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildBusyboxImageArchive } from '../../src/images/busybox.js';
import { REPO_ROOT, startCluster, waitFor, type Cluster } from './harness.js';

const execFileP = promisify(execFile);
const MAIN_JS = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');

type Json = Record<string, any>;
let cluster: Cluster;

const k = (...args: string[]) => cluster.kubectl(args, { timeoutMs: 120_000 });
const out = async (...args: string[]) => (await k(...args)).stdout;
const json = async (...args: string[]): Promise<Json> => JSON.parse(await out(...args, '-o', 'json')) as Json;
const isReady = (p: Json) => (p.status?.conditions ?? []).some((c: Json) => c.type === 'Ready' && c.status === 'True');

/** A Deployment of busybox httpd answering its pod name on port 8080 (named `http`). */
const WEB = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
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
        command: ["sh", "-c", "mkdir -p /www && echo $HOSTNAME > /www/index.html && exec httpd -f -p 8080 -h /www"]
`;

/** GET http://host:port/ from this process (the host); resolves the body or the error code. */
function hostGet(host: string, port: number, timeoutMs = 2000): Promise<{ ok: true; body: string } | { ok: false; error: string }> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: '/', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve({ ok: true, body: body.trim() }));
    });
    req.on('timeout', () => req.destroy(new Error('ETIMEDOUT')));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, error: e.code ?? e.message }));
  });
}

async function livePods(app: string): Promise<Json[]> {
  return ((await json('get', 'pods', '-l', `app=${app}`)).items as Json[]).filter((p) => !p.metadata.deletionTimestamp);
}

async function waitReady(app: string, n: number): Promise<Json[]> {
  return waitFor(async () => {
    const pods = await livePods(app);
    return pods.length === n && pods.every((p) => p.status?.phase === 'Running' && isReady(p)) ? pods : undefined;
  }, { description: `${n} ${app} pods Ready`, timeoutMs: 90_000, intervalMs: 300 }) as Promise<Json[]>;
}

/** Ready endpoint IPs of `name` from its Endpoints object. */
async function endpointIPs(name: string): Promise<string[]> {
  const ep = await json('get', 'endpoints', name);
  return ((ep.subsets ?? []) as Json[]).flatMap((s) => ((s.addresses ?? []) as Json[]).map((a) => String(a.ip))).sort();
}

async function natRules(): Promise<string> {
  return (await execFileP('iptables-save', ['-t', 'nat'])).stdout + (await execFileP('iptables-save', ['-t', 'filter'])).stdout;
}

describe('services: cluster IPs, node ports and endpoints with the real kubectl', { timeout: 600_000 }, () => {
  let clusterIP = '';
  let nodeIP = '';
  let webPods: string[] = [];

  before(async () => {
    cluster = await startCluster();
    const archive = join(cluster.tmpDir, 'busybox.tar');
    await buildBusyboxImageArchive(archive, 'docker.io/library/busybox:latest');
    await execFileP('node', [MAIN_JS, 'image', 'load', '--data-dir', cluster.dataDir, archive]);
    nodeIP = (await out('get', 'nodes', '-o', 'jsonpath={.items[0].status.addresses[?(@.type=="InternalIP")].address}')).trim();
  });
  after(async () => {
    await cluster?.stop();
  });

  it('get all shows service/kubernetes 10.96.0.1 443/TCP; its endpoints are the API server', async () => {
    assert.match(await out('get', 'all'), /^service\/kubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443\/TCP\s+\S+$/m);
    assert.match(await out('api-resources', '--api-group='), /^services\s+svc\s+v1\s+true\s+Service$/m);
    assert.match(await out('get', 'ep', 'kubernetes'), new RegExp(`^kubernetes\\s+${nodeIP.replace(/\./g, '\\.')}:${cluster.port}\\s`, 'm'));
  });

  it('expose a 2-replica Deployment; another pod reaches both backends through the cluster IP', async () => {
    await writeFile(join(cluster.tmpDir, 'web.yaml'), WEB);
    await k('apply', '-f', join(cluster.tmpDir, 'web.yaml'));
    await k('run', 'client', '--image=busybox', '--', 'sleep', '3600');
    webPods = (await waitReady('web', 2)).map((p) => String(p.metadata.name)).sort();
    assert.equal((await out('expose', 'deployment', 'web', '--port', '80', '--target-port', '8080')).trim(), 'service/web exposed');
    clusterIP = (await out('get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}')).trim();
    assert.match(clusterIP, /^10\.(9[6-9]|10\d|11[01])\.\d+\.\d+$/);
    await waitFor(async () => (await endpointIPs('web')).length === 2, { description: 'two endpoints of web', timeoutMs: 20_000 });
    await k('wait', '--for=condition=ready', 'pod/client', '--timeout=60s');
    const seen = new Set<string>();
    for (let i = 0; i < 40 && seen.size < 2; i++) {
      const r = await cluster.kubectl(['exec', 'client', '--', 'wget', '-qO-', `http://${clusterIP}/`], { allowFail: true });
      if (r.code === 0) seen.add(r.stdout.trim());
    }
    assert.deepEqual([...seen].sort(), webPods, 'both backends answered through the cluster IP');
    const listing = await out('get', 'svc,ep');
    assert.match(listing, new RegExp(`^service/web\\s+ClusterIP\\s+${clusterIP.replace(/\./g, '\\.')}\\s+<none>\\s+80/TCP\\s`, 'm'));
    assert.match(listing, /^endpoints\/web\s+10\.244\.\d+\.\d+:8080,10\.244\.\d+\.\d+:8080\s/m);
    assert.match(await out('describe', 'svc', 'web'), /^Endpoints:\s+10\.244\.\d+\.\d+:8080,10\.244\.\d+\.\d+:8080$/m);
    assert.match(await out('get', 'all'), /^service\/web\s+ClusterIP\s/m);
  });

  it('the cluster IP answers from the host too', async () => {
    const r = await waitFor(async () => { const x = await hostGet(clusterIP, 80); return x.ok ? x.body : undefined; }, { description: 'host -> cluster IP', timeoutMs: 10_000 });
    assert.ok(webPods.includes(String(r)));
  });

  it('create service clusterip / nodeport; a node port answers on the node IP from the host', async () => {
    assert.equal((await out('create', 'service', 'clusterip', 'cip', '--tcp=5678:8080')).trim(), 'service/cip created');
    assert.equal((await out('create', 'service', 'clusterip', 'headless', '--clusterip=None')).trim(), 'service/headless created');
    assert.equal((await out('create', 'service', 'nodeport', 'np', '--tcp=80:8080')).trim(), 'service/np created');
    const svcs = await out('get', 'svc');
    assert.match(svcs, /^cip\s+ClusterIP\s+10\.\d+\.\d+\.\d+\s+<none>\s+5678\/TCP\s/m);
    assert.match(svcs, /^headless\s+ClusterIP\s+None\s+<none>\s+<none>\s/m);
    const m = /^np\s+NodePort\s+10\.\d+\.\d+\.\d+\s+<none>\s+80:(3\d{4})\/TCP\s/m.exec(svcs);
    assert.ok(m, svcs);
    const nodePort = Number(m[1]);
    const refused = await hostGet(nodeIP, nodePort);
    assert.deepEqual(refused, { ok: false, error: 'ECONNREFUSED' }, 'a node port without endpoints is refused at once');
    await k('patch', 'svc', 'np', '-p', '{"spec":{"selector":{"app":"web"}}}');
    const body = await waitFor(async () => { const x = await hostGet(nodeIP, nodePort); return x.ok ? x.body : undefined; }, { description: `host -> ${nodeIP}:${nodePort}`, timeoutMs: 10_000 });
    assert.ok(webPods.includes(String(body)), body);
    const bad = await cluster.kubectl(['create', 'service', 'nodeport', 'np2', '--tcp=80:8080', `--node-port=${nodePort}`], { allowFail: true });
    assert.match(bad.stderr, new RegExp(`spec\\.ports\\[0\\]\\.nodePort: Invalid value: ${nodePort}: provided port is already allocated`));
  });

  it('scale to 0 and back to 1: endpoints and rules follow', async () => {
    await k('scale', 'deployment', 'web', '--replicas=0');
    await waitFor(async () => (await endpointIPs('web')).length === 0, { description: 'web endpoints empty', timeoutMs: 30_000 });
    await waitFor(async () => { const x = await hostGet(clusterIP, 80); return !x.ok && x.error === 'ECONNREFUSED'; },
      { description: 'cluster IP refused without endpoints', timeoutMs: 30_000 });
    await k('scale', 'deployment', 'web', '--replicas=1');
    const [fresh] = await waitReady('web', 1);
    const ips = await waitFor(async () => { const x = await endpointIPs('web'); return x.length === 1 ? x : undefined; }, { description: 'one web endpoint', timeoutMs: 20_000 });
    assert.deepEqual(ips, [String(fresh!.status.podIP)]);
    const t0 = Date.now();
    const body = await waitFor(async () => { const x = await hostGet(clusterIP, 80, 1000); return x.ok ? x.body : undefined; }, { description: 'cluster IP answers again', timeoutMs: 10_000, intervalMs: 50 });
    assert.equal(body, fresh!.metadata.name);
    assert.ok(Date.now() - t0 < 3000, `rules applied ${Date.now() - t0} ms after the endpoints changed`);
  });

  it('deleting the service removes its rules', async () => {
    assert.match(await natRules(), /"default\/web cluster IP"/);
    await k('delete', 'svc', 'web');
    await waitFor(async () => !/default\/web[ "]/.test(await natRules()), { description: 'rules of default/web gone', timeoutMs: 5_000 });
    assert.ok(!(await natRules()).includes(clusterIP), 'no rule mentions the old cluster IP');
    await waitFor(async () => (await cluster.kubectl(['get', 'ep', 'web'], { allowFail: true })).code === 1, { description: 'Endpoints web gone', timeoutMs: 5_000 });
  });
});
