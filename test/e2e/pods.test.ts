/**
 * The main job end to end: `peapod up` in a temp dir, a busybox image loaded,
 * and the real kubectl 1.32 driving pods that run as real containers.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import https from 'node:https';
import { buildTestImages, REPO_ROOT, startCluster, waitFor, type Cluster } from './harness.js';

const execFileP = promisify(execFile);
const MAIN_JS = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');

const POD_YAML = `apiVersion: v1
kind: Pod
metadata:
  name: my-podinfo
  labels:
    app: podinfo
spec:
  containers:
  - name: my-container
    image: busybox
    command: ["sh", "-c"]
    args: ["i=0; while true; do echo line $i; i=$((i+1)); sleep 1; done"]
    ports:
    - containerPort: 9898
`;

let cluster: Cluster;

async function pod(name: string): Promise<Record<string, any>> {
  const r = await cluster.kubectl(['get', 'pod', name, '-o', 'json']);
  return JSON.parse(r.stdout) as Record<string, any>;
}

async function waitRunning(name: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(async () => (await pod(name)).status?.phase === 'Running', { description: `pod ${name} Running`, timeoutMs });
}

/** Container IDs containerd knows in the k8s.io namespace. */
async function runtimeContainers(): Promise<string[]> {
  const sock = join(cluster.dataDir, 'containerd', 'containerd.sock');
  const { stdout } = await execFileP('ctr', ['-a', sock, '-n', 'k8s.io', 'containers', 'ls', '-q']);
  return stdout.split('\n').filter(Boolean);
}

describe('peapod up with the real kubectl', { timeout: 900_000 }, () => {
  before(async () => {
    cluster = await startCluster();
    const archive = await buildTestImages(join(cluster.tmpDir, 'images'));
    const { stdout } = await execFileP('node', [MAIN_JS, 'image', 'load', '--data-dir', cluster.dataDir, archive]);
    assert.match(stdout, /docker\.io\/library\/busybox:latest/);
  });
  after(async () => {
    await cluster?.stop();
  });

  it('rejects requests without credentials with 401', async () => {
    const code = await new Promise<number>((resolve, reject) => {
      https.get({ host: '127.0.0.1', port: cluster.port, path: '/api/v1/pods', rejectUnauthorized: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    assert.equal(code, 401);
  });

  it('serves version 1.32 and lists the node Ready', async () => {
    const v = await cluster.kubectl(['version', '-o', 'json']);
    assert.equal(JSON.parse(v.stdout).serverVersion.minor, '32');
    const nodes = await cluster.kubectl(['get', 'nodes']);
    assert.match(nodes.stdout, /NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/);
    assert.match(nodes.stdout, /\sReady\s+control-plane\s/);
  });

  it('apply creates, then reports unchanged', async () => {
    const file = join(cluster.tmpDir, 'pod.yaml');
    await writeFile(file, POD_YAML);
    const r1 = await cluster.kubectl(['apply', '-f', file]);
    assert.equal(r1.stdout.trim(), 'pod/my-podinfo created');
    const r2 = await cluster.kubectl(['apply', '-f', file]);
    assert.equal(r2.stdout.trim(), 'pod/my-podinfo unchanged');
  });

  it('runs the pod: get pods shows 1/1 Running 0', async () => {
    await waitRunning('my-podinfo');
    const r = await cluster.kubectl(['get', 'pods']);
    assert.match(r.stdout, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
    assert.match(r.stdout, /my-podinfo\s+1\/1\s+Running\s+0\s+\d+s/);
  });

  it('describe pod shows every section', async () => {
    const r = await cluster.kubectl(['describe', 'pod', 'my-podinfo']);
    const out = r.stdout;
    for (const re of [
      /^Name:\s+my-podinfo$/m, /^Namespace:\s+default$/m, /^Node:\s+\S+\/\d+\.\d+\.\d+\.\d+$/m, /^Start Time:\s+\S+/m,
      /^Labels:\s+app=podinfo$/m, /^Status:\s+Running$/m, /^IP:\s+10\.244\.\d+\.\d+$/m,
      /^Containers:\n\s+my-container:/m, /Container ID:\s+containerd:\/\/[0-9a-f]{64}/, /Image:\s+busybox/,
      /Image ID:\s+docker\.io\/library\/busybox@sha256:[0-9a-f]{64}/, /Port:\s+9898\/TCP/, /State:\s+Running/,
      /Ready:\s+True/, /Restart Count:\s+0/, /^Conditions:/m, /Initialized\s+True/, /ContainersReady\s+True/,
      /PodScheduled\s+True/, /^QoS Class:\s+BestEffort$/m,
      /^Tolerations:\s+node\.kubernetes\.io\/not-ready:NoExecute op=Exists for 300s$/m,
      /node\.kubernetes\.io\/unreachable:NoExecute op=Exists for 300s/, /^Events:/m,
      /Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned default\/my-podinfo to \S+/,
      /Normal\s+Pulling\s+.*kubelet\s+Pulling image "busybox"/, /Normal\s+Pulled\s+.*kubelet\s+Successfully pulled image "busybox"/,
      /Normal\s+Created\s+.*kubelet\s+Created container/, /Normal\s+Started\s+.*kubelet\s+Started container my-container/,
    ]) assert.match(out, re);
  });

  it('prints -o yaml, -o json, -o wide and -o go-template', async () => {
    const y = (await cluster.kubectl(['get', 'pod', 'my-podinfo', '-o', 'yaml'])).stdout;
    for (const re of [/^apiVersion: v1$/m, /^kind: Pod$/m, /^\s+dnsPolicy: ClusterFirst$/m, /^\s+schedulerName: default-scheduler$/m,
      /^\s+terminationGracePeriodSeconds: 30$/m, /^\s+imagePullPolicy: Always$/m, /^\s+terminationMessagePath: \/dev\/termination-log$/m,
      /^\s+enableServiceLinks: true$/m, /^\s+qosClass: BestEffort$/m, /^\s+phase: Running$/m, /containerID: containerd:\/\//,
      /^\s+tolerationSeconds: 300$/m, /^\s+startTime: /m, /^\s+hostIP: /m]) assert.match(y, re);
    const j = JSON.parse((await cluster.kubectl(['get', 'pod', 'my-podinfo', '-o', 'json'])).stdout);
    assert.equal(j.status.containerStatuses[0].ready, true);
    assert.equal(j.status.containerStatuses[0].restartCount, 0);
    assert.equal(j.status.podIPs[0].ip, j.status.podIP);
    assert.deepEqual(j.status.conditions.map((c: { type: string }) => c.type).sort(), ['ContainersReady', 'Initialized', 'PodScheduled', 'Ready'].concat(j.status.conditions.some((c: { type: string }) => c.type === 'PodReadyToStartContainers') ? ['PodReadyToStartContainers'] : []).sort());
    const wide = (await cluster.kubectl(['get', 'pods', '-o', 'wide'])).stdout;
    assert.match(wide, /NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES/);
    assert.match(wide, new RegExp(`my-podinfo\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+${j.status.podIP.replace(/\./g, '\\.')}\\s+${j.spec.nodeName}\\s+<none>\\s+<none>`));
    const ip = (await cluster.kubectl(['get', 'pod', 'my-podinfo', '-o', 'go-template={{.status.podIP}}'])).stdout;
    assert.equal(ip, j.status.podIP);
    const names = (await cluster.kubectl(['get', 'pods', '-o', 'go-template={{range .items}}{{.metadata.name}}{{" , "}}{{end}}'])).stdout;
    assert.match(names, /my-podinfo , /);
  });

  it('serves logs with --tail, --timestamps, --since, --since-time, -c', async () => {
    await waitFor(async () => (await cluster.kubectl(['logs', 'my-podinfo'])).stdout.split('\n').length > 4, { description: 'some log lines' });
    const all = (await cluster.kubectl(['logs', 'my-podinfo'])).stdout;
    assert.match(all, /^line 0\nline 1\n/);
    const tail = (await cluster.kubectl(['logs', 'my-podinfo', '--tail=2'])).stdout.trimEnd().split('\n');
    assert.equal(tail.length, 2);
    assert.match(tail[0]!, /^line \d+$/);
    const ts = (await cluster.kubectl(['logs', 'my-podinfo', '--tail=1', '--timestamps'])).stdout;
    assert.match(ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z line \d+\n$/);
    const since = (await cluster.kubectl(['logs', 'my-podinfo', '--since=2s'])).stdout.trimEnd().split('\n');
    assert.ok(since.length >= 1 && since.length <= 4, `--since=2s gave ${since.length} lines`);
    const future = (await cluster.kubectl(['logs', 'my-podinfo', '--since-time=2099-01-01T00:00:00Z'])).stdout;
    assert.equal(future, '');
    const byC = (await cluster.kubectl(['logs', 'my-podinfo', '-c', 'my-container', '--tail=1'])).stdout;
    assert.match(byC, /^line \d+\n$/);
    const bad = await cluster.kubectl(['logs', 'my-podinfo', '-c', 'nope'], { allowFail: true });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /container nope is not valid for pod my-podinfo/);
  });

  it('follows logs until the container exits (logs -f)', async () => {
    await cluster.kubectl(['run', 'counter', '--image=busybox', '--restart=Never', '--', 'sh', '-c', 'for i in 1 2 3; do echo n$i; sleep 1; done']);
    await waitFor(async () => ['Running', 'Succeeded'].includes((await pod('counter')).status?.phase), { description: 'counter started', timeoutMs: 60_000 });
    const r = await cluster.kubectl(['logs', '-f', 'counter'], { timeoutMs: 60_000 });
    assert.equal(r.stdout, 'n1\nn2\nn3\n');
    await waitFor(async () => (await pod('counter')).status?.phase === 'Succeeded', { description: 'counter Succeeded' });
    const got = (await cluster.kubectl(['get', 'pod', 'counter'])).stdout;
    assert.match(got, /counter\s+0\/1\s+Completed\s+0/);
  });

  it('kubectl run with args and get -w seeing a new pod', async () => {
    const { spawn } = await import('node:child_process');
    const { KUBECTL } = await import('./harness.js');
    const w = spawn(KUBECTL, ['--kubeconfig', cluster.kubeconfig, 'get', 'pods', '-w'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    w.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    try {
      await waitFor(() => /my-podinfo/.test(out), { description: 'watch prints the initial list' });
      const r = await cluster.kubectl(['run', 'bb', '--image=busybox', '--', 'sleep', '3600']);
      assert.equal(r.stdout.trim(), 'pod/bb created');
      await waitFor(() => /\nbb\s+0\/1\s+Pending/.test(out) || /\nbb\s+/.test(out), { description: 'watch sees pod bb' });
      await waitRunning('bb');
      await waitFor(() => /\nbb\s+1\/1\s+Running\s+0/.test(out), { description: 'watch sees bb Running' });
    } finally {
      w.kill();
    }
    const p = await pod('bb');
    assert.deepEqual(p.spec.containers[0].args, ['sleep', '3600']);
    assert.equal(p.metadata.labels.run, 'bb');
  });

  it('lists events and api-resources', async () => {
    const ev = (await cluster.kubectl(['get', 'events'])).stdout;
    assert.match(ev, /LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/);
    assert.match(ev, /Normal\s+Scheduled\s+pod\/my-podinfo\s+Successfully assigned default\/my-podinfo to /);
    assert.match(ev, /Normal\s+Started\s+pod\/my-podinfo\s+Started container my-container/);
    const ar = (await cluster.kubectl(['api-resources'])).stdout;
    assert.match(ar, /^pods\s+po\s+v1\s+true\s+Pod$/m);
    assert.match(ar, /^nodes\s+no\s+v1\s+false\s+Node$/m);
    assert.match(ar, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
    assert.match(ar, /^leases\s+coordination\.k8s\.io\/v1\s+true\s+Lease$/m);
  });

  it('restarts a failing container with growing backoff', async () => {
    await cluster.kubectl(['run', 'crasher', '--image=busybox', '--', 'sh', '-c', 'echo failing; exit 3']);
    const p = await waitFor(async () => {
      const x = await pod('crasher');
      return (x.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2 ? x : undefined;
    }, { description: 'crasher restarted twice', timeoutMs: 90_000, intervalMs: 1000 });
    const cs = p!.status.containerStatuses[0];
    assert.equal(cs.lastState.terminated.exitCode, 3);
    assert.equal(cs.lastState.terminated.reason, 'Error');
    const got = await waitFor(async () => (await cluster.kubectl(['get', 'pod', 'crasher'])).stdout, {
      description: 'CrashLoopBackOff in STATUS', accept: (s) => /crasher\s+0\/1\s+(CrashLoopBackOff|Error)\s+\d+ \(\S+ ago\)/.test(s),
    });
    assert.ok(got);
    const describe = (await cluster.kubectl(['describe', 'pod', 'crasher'])).stdout;
    assert.match(describe, /Warning\s+BackOff\s+.*Back-off restarting failed container crasher in pod crasher_default/);
    const prev = (await cluster.kubectl(['logs', 'crasher', '-p'])).stdout;
    assert.equal(prev, 'failing\n');
  });

  it('rejects bad input with Kubernetes errors and changes nothing', async () => {
    const before = (await cluster.kubectl(['get', 'pods', '-o', 'name'])).stdout;
    const cases: { file: string; body: string; want: RegExp }[] = [
      { file: 'bad-name.yaml', body: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: Bad_Name\nspec:\n  containers:\n  - name: c\n    image: busybox\n',
        want: /The Pod "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of/ },
      { file: 'no-image.yaml', body: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: noimage\nspec:\n  containers:\n  - name: c\n',
        want: /The Pod "noimage" is invalid: spec\.containers\[0\]\.image: Required value/ },
      { file: 'dup.yaml', body: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: dup\nspec:\n  containers:\n  - name: c\n    image: busybox\n  - name: c\n    image: busybox\n',
        want: /spec\.containers\[1\]\.name: Duplicate value: "c"/ },
      { file: 'unknown.yaml', body: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: unknownfield\nspec:\n  bogus: 1\n  containers:\n  - name: c\n    image: busybox\n',
        want: /Error from server \(BadRequest\): error when creating ".*unknown\.yaml": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec\.bogus"/ },
      { file: 'malformed.yaml', body: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: [oops\n',
        want: /error/ },
    ];
    for (const c of cases) {
      const f = join(cluster.tmpDir, c.file);
      await writeFile(f, c.body);
      const r = await cluster.kubectl(['create', '-f', f], { allowFail: true });
      assert.equal(r.code, 1, `${c.file} must fail`);
      assert.match(r.stderr, c.want, c.file);
    }
    // Malformed JSON straight to the API.
    const raw = join(cluster.tmpDir, 'bad.json');
    await writeFile(raw, '{"apiVersion":"v1","kind":"Pod",');
    const rj = await cluster.kubectl(['create', '--raw', '/api/v1/namespaces/default/pods', '-f', raw], { allowFail: true });
    assert.equal(rj.code, 1);
    assert.match(rj.stderr, /BadRequest|cannot be handled/);
    // A stale resourceVersion is a 409 Conflict.
    const cur = await pod('bb');
    const stale = { ...cur, metadata: { ...cur.metadata, resourceVersion: String(Number(cur.metadata.resourceVersion) - 1), labels: { x: 'y' } } };
    const sf = join(cluster.tmpDir, 'stale.json');
    await writeFile(sf, JSON.stringify(stale));
    const rs = await cluster.kubectl(['replace', '-f', sf], { allowFail: true });
    assert.equal(rs.code, 1);
    assert.match(rs.stderr, /Error from server \(Conflict\): error when replacing ".*stale\.json": Operation cannot be fulfilled on pods "bb": the object has been modified; please apply your changes to the latest version and try again/);
    // The pod-update rule.
    const fr = await cluster.kubectl(['patch', 'pod', 'bb', '-p', '{"spec":{"containers":[{"name":"bb","workingDir":"/tmp"}]}}'], { allowFail: true });
    assert.equal(fr.code, 1);
    assert.match(fr.stderr, /The Pod "bb" is invalid: spec: Forbidden: pod updates may not change fields other than `spec\.containers\[\*\]\.image`,`spec\.initContainers\[\*\]\.image`,`spec\.activeDeadlineSeconds`,`spec\.tolerations` \(only additions to existing tolerations\),`spec\.terminationGracePeriodSeconds` \(allow it to be set to 1 if it was previously negative\)/);
    const after = (await cluster.kubectl(['get', 'pods', '-o', 'name'])).stdout;
    assert.equal(after, before);
    assert.equal((await pod('bb')).metadata.labels.x, undefined);
  });

  it('reports image errors: ErrImageNeverPull, ErrImagePull/ImagePullBackOff', async () => {
    await cluster.kubectl(['run', 'neverpull', '--image=example.com/nosuch/img:1', '--image-pull-policy=Never']);
    await waitFor(async () => (await cluster.kubectl(['get', 'pod', 'neverpull'])).stdout, {
      description: 'ErrImageNeverPull', accept: (s) => /neverpull\s+0\/1\s+ErrImageNeverPull\s+0/.test(s), timeoutMs: 30_000,
    });
    const d1 = (await cluster.kubectl(['describe', 'pod', 'neverpull'])).stdout;
    assert.match(d1, /Warning\s+ErrImageNeverPull\s+.*kubelet\s+Container image "example\.com\/nosuch\/img:1" is not present with pull policy of Never/);
    await cluster.kubectl(['run', 'badpull', '--image=example.com/nosuch/img:1']);
    await waitFor(async () => (await cluster.kubectl(['get', 'pod', 'badpull'])).stdout, {
      description: 'ErrImagePull or ImagePullBackOff', accept: (s) => /badpull\s+0\/1\s+(ErrImagePull|ImagePullBackOff)\s+0/.test(s), timeoutMs: 60_000,
    });
    const d2 = (await cluster.kubectl(['describe', 'pod', 'badpull'])).stdout;
    assert.match(d2, /Normal\s+Pulling\s+.*Pulling image "example\.com\/nosuch\/img:1"/);
    assert.match(d2, /Warning\s+Failed\s+.*Failed to pull image "example\.com\/nosuch\/img:1"/);
    await cluster.kubectl(['delete', 'pod', 'neverpull', 'badpull', '--wait=true'], { timeoutMs: 60_000 });
  });

  it('serves selectors, NotFound, dry-run=server and protobuf creates', async () => {
    const byLabel = (await cluster.kubectl(['get', 'pods', '-l', 'app=podinfo', '-o', 'name'])).stdout;
    assert.equal(byLabel, 'pod/my-podinfo\n');
    const bySet = (await cluster.kubectl(['get', 'pods', '-l', 'app in (podinfo,other),!missing', '-o', 'name'])).stdout;
    assert.equal(bySet, 'pod/my-podinfo\n');
    const byField = (await cluster.kubectl(['get', 'pods', '--field-selector', 'status.phase=Succeeded', '-o', 'name'])).stdout;
    assert.equal(byField, 'pod/counter\n');
    const badSel = await cluster.kubectl(['get', 'pods', '--field-selector', 'spec.bogus=1'], { allowFail: true });
    assert.match(badSel.stderr, /field label not supported: spec\.bogus/);
    const nf = await cluster.kubectl(['get', 'pod', 'nope'], { allowFail: true });
    assert.equal(nf.code, 1);
    assert.equal(nf.stderr.trim(), 'Error from server (NotFound): pods "nope" not found');
    const dry = await cluster.kubectl(['run', 'dry', '--image=busybox', '--dry-run=server', '-o', 'yaml']);
    assert.match(dry.stdout, /^\s+name: dry$/m);
    assert.match(dry.stdout, /^\s+schedulerName: default-scheduler$/m);
    const gone = await cluster.kubectl(['get', 'pod', 'dry'], { allowFail: true });
    assert.match(gone.stderr, /pods "dry" not found/);
    // Typed-client commands send protobuf bodies.
    const ns = await cluster.kubectl(['create', 'namespace', 'proto-ns']);
    assert.equal(ns.stdout.trim(), 'namespace/proto-ns created');
    const got = (await cluster.kubectl(['get', 'ns', 'proto-ns', '-o', 'jsonpath={.status.phase}'])).stdout;
    assert.equal(got, 'Active');
    const gen = join(cluster.tmpDir, 'gen.yaml');
    await writeFile(gen, 'apiVersion: v1\nkind: Pod\nmetadata:\n  generateName: gen-\nspec:\n  containers:\n  - name: c\n    image: busybox\n    command: ["sleep", "3600"]\n');
    const g = await cluster.kubectl(['create', '-f', gen]);
    assert.match(g.stdout.trim(), /^pod\/gen-[bcdfghjklmnpqrstvwxz2456789]{5} created$/);
  });

  it('a restart of peapod keeps pods running without duplicates', async () => {
    const beforePods = await pod('my-podinfo');
    const beforeContainers = (await runtimeContainers()).sort();
    await cluster.restart();
    await waitRunning('my-podinfo');
    const afterPods = await pod('my-podinfo');
    assert.equal(afterPods.metadata.uid, beforePods.metadata.uid);
    assert.equal(afterPods.status.containerStatuses[0].containerID, beforePods.status.containerStatuses[0].containerID);
    assert.equal(afterPods.status.containerStatuses[0].restartCount, 0);
    assert.equal(afterPods.status.podIP, beforePods.status.podIP);
    await new Promise((r) => setTimeout(r, 3000));
    const afterContainers = (await runtimeContainers()).sort();
    const newOnes = afterContainers.filter((c) => !beforeContainers.includes(c));
    // Only the crash-looping pod may have started new containers meanwhile.
    const crasher = await pod('crasher');
    const crasherId = String(crasher.status.containerStatuses[0].containerID ?? '').replace('containerd://', '');
    assert.ok(newOnes.every((c) => c === crasherId || !afterPods.status.containerStatuses.some((s: { containerID: string }) => s.containerID.endsWith(c))), `unexpected new containers ${newOnes}`);
    assert.ok(afterContainers.includes(afterPods.status.containerStatuses[0].containerID.replace('containerd://', '')));
  });

  it('delete pod returns only when the container is gone from containerd', async () => {
    const p = await pod('bb');
    const id = p.status.containerStatuses[0].containerID.replace('containerd://', '');
    assert.ok((await runtimeContainers()).includes(id));
    const r = await cluster.kubectl(['delete', 'pod', 'bb'], { timeoutMs: 120_000 });
    assert.equal(r.stdout.trim(), 'pod "bb" deleted');
    assert.ok(!(await runtimeContainers()).includes(id), 'container still in containerd after delete returned');
    const gone = await cluster.kubectl(['get', 'pod', 'bb'], { allowFail: true });
    assert.match(gone.stderr, /Error from server \(NotFound\): pods "bb" not found/);
  });

  it('delete pods --all removes everything', async () => {
    const r = await cluster.kubectl(['delete', 'pods', '--all'], { timeoutMs: 180_000 });
    assert.match(r.stdout, /pod "my-podinfo" deleted/);
    const left = await cluster.kubectl(['get', 'pods']);
    assert.match(left.stderr, /No resources found in default namespace\./);
    await waitFor(async () => (await runtimeContainers()).length === 0, { description: 'no containers left', timeoutMs: 30_000 });
  });
});
