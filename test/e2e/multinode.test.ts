/**
 * A 3-node cluster end to end (`peapod up --nodes 3`: the control plane plus two workers, each
 * a `peapod agent` in its own network namespace), driven by the real kubectl: resources and
 * OOMKilled (seed 002), FailedScheduling, spreading, pod-to-pod traffic across nodes without
 * NAT (seed 004), nodeSelector and taints, cordon and drain, and a worker whose agent stops.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildTestImages, REPO_ROOT, startCluster, waitFor, type Cluster } from './harness.js';

const execFileP = promisify(execFile);
const MAIN_JS = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type J = Record<string, any>;

let cluster: Cluster;
let controlPlane = '';
let workers: string[] = [];

const k = (...args: string[]) => cluster.kubectl(args);
async function json(...args: string[]): Promise<J> {
  return JSON.parse((await cluster.kubectl([...args, '-o', 'json'])).stdout) as J;
}
async function apply(yaml: string): Promise<void> {
  await cluster.kubectl(['apply', '-f', '-'], { input: yaml });
}
async function pods(selector: string): Promise<J[]> {
  return ((await json('get', 'pods', '-l', selector)).items ?? []) as J[];
}
async function waitPhase(name: string, phase: string, timeoutMs = 60_000): Promise<J> {
  const p = await waitFor(async () => {
    const got = await json('get', 'pod', name);
    return got.status?.phase === phase ? got : undefined;
  }, { description: `pod ${name} ${phase}`, timeoutMs });
  return p!;
}
async function schedulingMessages(name: string): Promise<string[]> {
  const ev = await json('get', 'events', '--field-selector', `involvedObject.name=${name},reason=FailedScheduling`);
  return ((ev.items ?? []) as J[]).map((e) => String(e.message));
}

function podYaml(name: string, opts: { node?: string; command: string; restart?: string; extra?: string; labels?: string }): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {${opts.labels ?? `app: ${name}`}}
spec:
  restartPolicy: ${opts.restart ?? 'Always'}
  terminationGracePeriodSeconds: 1
${opts.node ? `  nodeSelector: {kubernetes.io/hostname: ${opts.node}}\n` : ''}${opts.extra ?? ''}  containers:
  - name: main
    image: busybox
    command: ["sh", "-c", ${JSON.stringify(opts.command)}]
`;
}

function deploymentYaml(name: string, replicas: number, podSpecExtra = ''): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      terminationGracePeriodSeconds: 1
${podSpecExtra}      containers:
      - name: main
        image: busybox
        command: ["sleep", "3600"]
`;
}

/** Pods of `app` that run (not terminating), by node. */
async function runningByNode(app: string): Promise<Map<string, number>> {
  const byNode = new Map<string, number>();
  for (const p of await pods(`app=${app}`)) {
    if (p.metadata.deletionTimestamp || p.status?.phase !== 'Running') continue;
    byNode.set(p.spec.nodeName, (byNode.get(p.spec.nodeName) ?? 0) + 1);
  }
  return byNode;
}

function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, { timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve(body));
    }).on('error', reject).on('timeout', function (this: http.ClientRequest) { this.destroy(new Error('timeout')); });
  });
}

describe('peapod up --nodes 3', { timeout: 1_200_000 }, () => {
  before(async () => {
    const t0 = Date.now();
    cluster = await startCluster({ nodes: 3 });
    console.log(`# peapod up --nodes 3: 3 nodes Ready in ${((Date.now() - t0) / 1000).toFixed(2)} s`);
    const archive = await buildTestImages(join(cluster.tmpDir, 'images'));
    const { stdout } = await execFileP('node', [MAIN_JS, 'image', 'load', '--data-dir', cluster.dataDir, archive]);
    assert.match(stdout, /docker\.io\/library\/busybox:latest/);
    const nodes = ((await json('get', 'nodes')).items ?? []) as J[];
    controlPlane = nodes.find((n) => 'node-role.kubernetes.io/control-plane' in (n.metadata.labels ?? {}))?.metadata.name ?? '';
    workers = nodes.map((n) => String(n.metadata.name)).filter((n) => n !== controlPlane).sort();
  });
  after(async () => {
    for (const w of workers) {
      const pid = Number((await readFile(join(cluster.dataDir, 'nodes', w, 'agent.pid'), 'utf8').catch(() => '')).trim());
      if (pid > 0) try { process.kill(pid, 'SIGCONT'); } catch { /* gone */ }
    }
    await cluster?.stop();
  });

  it('shows 3 Ready nodes with their InternalIPs and distinct pod CIDRs', async () => {
    assert.ok(controlPlane, 'one node has the control-plane role');
    assert.equal(workers.length, 2);
    const wide = (await k('get', 'nodes', '-o', 'wide')).stdout;
    assert.match(wide, new RegExp(`^${controlPlane}\\s+Ready\\s+control-plane\\s`, 'm'));
    for (const w of workers) assert.match(wide, new RegExp(`^${w}\\s+Ready\\s+<none>\\s+\\S+\\s+v1\\.32\\.0\\s+172\\.31\\.\\d+\\.\\d+\\s`, 'm'));
    const nodes = ((await json('get', 'nodes')).items ?? []) as J[];
    const cidrs = nodes.map((n) => n.spec.podCIDR as string);
    assert.equal(new Set(cidrs).size, 3, `distinct pod CIDRs: ${cidrs.join(', ')}`);
    for (const c of cidrs) assert.match(c, /^10\.244\.\d+\.0\/24$/);
  });

  it('OOM-kills a container over its 256M limit, then backs off (seed 002); requests default to limits', async () => {
    await apply(podYaml('hog', { command: 'exec dd if=/dev/zero of=/dev/null bs=400M count=1', extra: '' }).replace(
      '    command:', '    resources: {limits: {memory: 256M}}\n    command:'));
    const describe = (await k('describe', 'pod', 'hog')).stdout;
    assert.match(describe, /Limits:\s+memory:\s+256M\s+Requests:\s+memory:\s+256M/);
    assert.match(describe, /QoS Class:\s+Burstable/);
    const oom = await waitFor(async () => {
      const p = await json('get', 'pod', 'hog');
      const cs = (p.status?.containerStatuses ?? [])[0] as J | undefined;
      const t = cs?.state?.terminated ?? cs?.lastState?.terminated;
      return t?.reason === 'OOMKilled' ? t : undefined;
    }, { description: 'hog OOMKilled', timeoutMs: 60_000 });
    assert.equal(oom.exitCode, 137);
    await waitFor(async () => (await k('get', 'pod', 'hog')).stdout.includes('CrashLoopBackOff'), { description: 'hog CrashLoopBackOff', timeoutMs: 60_000 });
    await k('delete', 'pod', 'hog', '--grace-period=0', '--force');
  });

  it('keeps a 32-CPU pod Pending with the exact FailedScheduling message, and binds it once a node fits', async () => {
    await apply(podYaml('big', { command: 'sleep 3600' }).replace('    command:', '    resources: {requests: {cpu: "32"}}\n    command:'));
    const want = '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
    await waitFor(async () => (await schedulingMessages('big')).includes(want), { description: 'FailedScheduling for big' });
    assert.match((await k('describe', 'pod', 'big')).stdout, /Warning\s+FailedScheduling\s+.*default-scheduler\s+0\/3 nodes are available: 3 Insufficient cpu\./);
    assert.equal((await json('get', 'pod', 'big')).status.phase, 'Pending');
    // A bigger node joins (a Node object without kubelet): the waiting pod is retried and bound there.
    await apply('apiVersion: v1\nkind: Node\nmetadata: {name: big-node, labels: {kubernetes.io/hostname: big-node}}\nspec: {}\n');
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const status = { capacity: { cpu: '64', memory: '256Gi', pods: '110' }, allocatable: { cpu: '64', memory: '256Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'fake', lastHeartbeatTime: now, lastTransitionTime: now }] };
    await k('patch', 'node', 'big-node', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status }));
    const bound = await waitFor(async () => (await json('get', 'pod', 'big')).spec.nodeName, { description: 'big bound' });
    assert.equal(bound, 'big-node');
    await k('delete', 'pod', 'big', '--grace-period=0', '--force');
    await k('delete', 'node', 'big-node');
  });

  it('spreads a 6-replica Deployment over the 3 nodes', async () => {
    await apply(deploymentYaml('spread', 6));
    const byNode = (await waitFor(async () => {
      const m = await runningByNode('spread');
      return [...m.values()].reduce((a, b) => a + b, 0) === 6 ? m : undefined;
    }, { description: '6 spread pods Running', timeoutMs: 90_000 }))!;
    assert.deepEqual([...byNode.keys()].sort(), [controlPlane, ...workers].sort(), `pods per node: ${JSON.stringify([...byNode])}`);
    assert.ok(Math.max(...byNode.values()) - Math.min(...byNode.values()) <= 1, `balanced: ${JSON.stringify([...byNode])}`);
    await k('delete', 'deployment', 'spread');
  });

  it('carries pod-to-pod HTTP across nodes by pod IP, with the client pod IP unmasqueraded (seed 004)', async () => {
    const script = ['#!/bin/sh', 'echo Content-Type: text/plain', 'echo', 'echo $REMOTE_ADDR'].map((l) => `echo '${l}' >> /www/cgi-bin/ip`).join(' && ');
    await apply(podYaml('web', { node: workers[0], command:
      `mkdir -p /www/cgi-bin && echo hello > /www/index.html && ${script} && chmod +x /www/cgi-bin/ip && exec httpd -f -p 8080 -h /www` }));
    try {
      const web = await waitPhase('web', 'Running');
      const ip = String(web.status.podIP);
      await waitFor(async () => (await httpGet(`http://${ip}:8080/`)).trim() === 'hello', { description: `host reaches ${ip}` });
      for (const [name, node] of [['from-worker', workers[1]!], ['from-cp', controlPlane]] as const) {
        await apply(podYaml(name, { node, restart: 'Never', command: `wget -qO- http://${ip}:8080/cgi-bin/ip` }));
        const done = await waitPhase(name, 'Succeeded');
        assert.equal(done.spec.nodeName, node);
        const seen = (await k('logs', name)).stdout.trim().replace(/^\[::ffff:(.*)\]$/, '$1');
        assert.equal(seen, done.status.podIP, `web saw the client's own pod IP (${name} on ${node})`);
      }
    } finally {
      await cluster.kubectl(['delete', 'pod', 'web', 'from-worker', 'from-cp', '--grace-period=0', '--force', '--ignore-not-found'], { allowFail: true });
    }
  });

  it('honours nodeSelector and taints', async () => {
    const w = workers[1]!;
    await k('taint', 'nodes', w, 'dedicated=special:NoSchedule');
    await apply(podYaml('picky', { node: w, command: 'sleep 3600' }));
    const msgs = (await waitFor(async () => {
      const m = await schedulingMessages('picky');
      return m.length ? m : undefined;
    }, { description: 'FailedScheduling for picky' }))!;
    assert.match(msgs[0]!, /^0\/3 nodes are available: 1 node\(s\) had untolerated taint \{dedicated: special\}, 2 node\(s\) didn't match Pod's node affinity\/selector\. preemption: /);
    await apply(podYaml('tolerant', { node: w, command: 'sleep 3600',
      extra: '  tolerations: [{key: dedicated, operator: Equal, value: special, effect: NoSchedule}]\n' }));
    assert.equal((await waitPhase('tolerant', 'Running')).spec.nodeName, w);
    assert.equal((await json('get', 'pod', 'picky')).status.phase, 'Pending');
    await k('taint', 'nodes', w, 'dedicated=special:NoSchedule-');
    assert.equal((await waitPhase('picky', 'Running')).spec.nodeName, w, 'schedules once the taint is gone');
    await k('delete', 'pod', 'picky', 'tolerant', '--grace-period=0', '--force');
  });

  it('cordons and drains a worker: its pods are evicted and recreated elsewhere', async () => {
    const w = workers[0]!;
    await apply(deploymentYaml('drainme', 4));
    await waitFor(async () => (await runningByNode('drainme')).get(w), { description: `drainme pods on ${w}`, timeoutMs: 60_000 });
    assert.match((await k('cordon', w)).stdout, new RegExp(`node/${w} cordoned`));
    assert.match((await k('get', 'node', w)).stdout, /Ready,SchedulingDisabled/);
    const drained = await cluster.kubectl(['drain', w, '--ignore-daemonsets', '--grace-period=1', '--timeout=90s'], { timeoutMs: 120_000 });
    assert.match(drained.stdout, /evicted/);
    assert.match(drained.stdout, new RegExp(`node/${w} drained`));
    const after = (await waitFor(async () => {
      const m = await runningByNode('drainme');
      return [...m.values()].reduce((a, b) => a + b, 0) === 4 ? m : undefined;
    }, { description: '4 drainme pods Running again', timeoutMs: 60_000 }))!;
    assert.equal(after.get(w), undefined, `nothing runs on the drained node: ${JSON.stringify([...after])}`);
    assert.match((await k('uncordon', w)).stdout, new RegExp(`node/${w} uncordoned`));
    await k('delete', 'deployment', 'drainme');
  });

  it('marks a worker whose agent stopped NotReady, taints it, and evicts its pods to healthy nodes', async () => {
    const w = workers[1]!;
    const tolerations = `      tolerations:
      - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 5}
      - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 5}
`;
    await apply(deploymentYaml('survivor', 6, tolerations));
    await waitFor(async () => (await runningByNode('survivor')).get(w), { description: `survivor pods on ${w}`, timeoutMs: 90_000 });
    const pid = Number((await readFile(join(cluster.dataDir, 'nodes', w, 'agent.pid'), 'utf8')).trim());
    process.kill(pid, 'SIGSTOP');
    try {
      await waitFor(async () => (await k('get', 'node', w)).stdout.includes('NotReady'), { description: `${w} NotReady`, timeoutMs: 90_000, intervalMs: 1000 });
      const node = await json('get', 'node', w);
      const ready = (node.status.conditions as J[]).find((c) => c.type === 'Ready');
      assert.equal(ready?.status, 'Unknown');
      assert.equal(ready?.reason, 'NodeStatusUnknown');
      const taints = ((node.spec.taints ?? []) as J[]).map((t) => `${t.key}:${t.effect}`).sort();
      assert.deepEqual(taints, ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
      const healthy = (await waitFor(async () => {
        const live = (await pods('app=survivor')).filter((p) => !p.metadata.deletionTimestamp);
        const ok = live.length === 6 && live.every((p) => p.spec.nodeName !== w && p.status?.phase === 'Running');
        return ok ? live : undefined;
      }, { description: `6 survivor pods Running off ${w}`, timeoutMs: 90_000, intervalMs: 1000 }))!;
      assert.equal(healthy.length, 6);
      const ev = await json('get', 'events', '--field-selector', 'reason=TaintManagerEviction');
      assert.ok((ev.items as J[]).length > 0, 'TaintManagerEviction events recorded');
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await waitFor(async () => {
      const node = await json('get', 'node', w);
      return (node.status.conditions as J[]).some((c) => c.type === 'Ready' && c.status === 'True') && !(node.spec.taints ?? []).length;
    }, { description: `${w} Ready again without taints`, timeoutMs: 60_000, intervalMs: 1000 });
    await k('delete', 'deployment', 'survivor');
  });
});
