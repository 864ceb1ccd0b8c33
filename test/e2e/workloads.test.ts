/**
 * Issue 4 end to end: ReplicaSets, Deployments (rolling updates, rollbacks,
 * pause/resume/restart), the scale subresource, garbage collection and
 * namespace deletion, driven by the real kubectl against real containers.
 * Seeds 000/001: `kubectl run`, `scale pod` (NotFound), `create deployment`,
 * `get all`, `scale deployment`, `logs deploy/x`, deleting a pod of a
 * Deployment, scaling its ReplicaSet by hand, rolling out a new image.
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

type Json = Record<string, any>;
let cluster: Cluster;

const k = (...args: string[]) => cluster.kubectl(args, { timeoutMs: 120_000 });
const kFail = (...args: string[]) => cluster.kubectl(args, { allowFail: true });
const json = async (...args: string[]): Promise<Json> => JSON.parse((await k(...args, '-o', 'json')).stdout) as Json;
const isReady = (p: Json) => (p.status?.conditions ?? []).some((c: Json) => c.type === 'Ready' && c.status === 'True');

/** Pods of `app` (in `ns`), not being deleted. */
async function livePods(app: string, ns = 'default'): Promise<Json[]> {
  return ((await json('get', 'pods', '-n', ns, '-l', `app=${app}`)).items as Json[]).filter((p) => !p.metadata.deletionTimestamp);
}

async function waitRunning(app: string, n: number, ns = 'default', timeoutMs = 90_000): Promise<Json[]> {
  const pods = await waitFor<Json[] | undefined>(async () => {
    const pods = await livePods(app, ns);
    return pods.length === n && pods.every((p) => p.status?.phase === 'Running' && isReady(p)) ? pods : undefined;
  }, { description: `${n} ${app} pods Running in ${ns}`, timeoutMs, intervalMs: 500 });
  return pods ?? [];
}

/** A Deployment manifest whose container ignores SIGTERM, with a short grace period. */
function deploymentYaml(name: string, replicas: number, image: string, ns = 'default', grace = 3): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      terminationGracePeriodSeconds: ${grace}
      containers:
      - name: main
        image: ${image}
        command: ["sh", "-c", "trap '' TERM; while true; do echo tick; sleep 1; done"]
`;
}

async function apply(name: string, yaml: string): Promise<string> {
  const file = join(cluster.tmpDir, `${name}.yaml`);
  await writeFile(file, yaml);
  return (await k('apply', '-f', file)).stdout.trim();
}

/** Container IDs containerd knows in the k8s.io namespace. */
async function runtimeContainers(): Promise<string[]> {
  const sock = join(cluster.dataDir, 'containerd', 'containerd.sock');
  const { stdout } = await execFileP('ctr', ['-a', sock, '-n', 'k8s.io', 'containers', 'ls', '-q']);
  return stdout.split('\n').filter(Boolean);
}

describe('workloads: ReplicaSets, Deployments, GC and namespaces with the real kubectl', { timeout: 1_200_000 }, () => {
  before(async () => {
    cluster = await startCluster();
    for (const image of ['docker.io/library/busybox:latest', 'docker.io/library/busybox:v2', 'docker.io/library/alpine:latest']) {
      const archive = join(cluster.tmpDir, `${image.replace(/[/:]/g, '_')}.tar`);
      await buildBusyboxImageArchive(archive, image);
      const { stdout } = await execFileP('node', [MAIN_JS, 'image', 'load', '--data-dir', cluster.dataDir, archive]);
      assert.match(stdout, new RegExp(image.replace(/[.]/g, '\\.')));
    }
  });
  after(async () => {
    await cluster?.stop();
  });

  it('advertises deployments and replicasets (short names, category all, scale subresource)', async () => {
    const r = await k('api-resources', '--api-group=apps');
    assert.match(r.stdout, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    assert.match(r.stdout, /^replicasets\s+rs\s+apps\/v1\s+true\s+ReplicaSet$/m);
    const raw = JSON.parse((await k('get', '--raw', '/apis/apps/v1')).stdout) as Json;
    const names = (raw.resources as Json[]).map((x) => x.name);
    assert.ok(names.includes('deployments/scale') && names.includes('replicasets/scale') && names.includes('deployments/status'));
    assert.deepEqual((raw.resources as Json[]).find((x) => x.name === 'deployments')?.categories, ['all']);
  });

  it('seed 001: run a pod; scale pod is the generic NotFound', async () => {
    assert.equal((await k('run', 'pingpong', '--image', 'alpine', 'ping', '127.0.0.1')).stdout.trim(), 'pod/pingpong created');
    const r = await kFail('scale', 'pod', 'pingpong', '--replicas=3');
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'Error from server (NotFound): the server could not find the requested resource');
  });

  it('seed 001: create deployment -- cmd; get all shows deployment, replicaset and pod', async () => {
    assert.equal((await k('create', 'deployment', 'pingpong', '--image=alpine', '--', 'ping', '127.0.0.1')).stdout.trim(), 'deployment.apps/pingpong created');
    await waitRunning('pingpong', 1);
    await waitFor(async () => (await json('get', 'deploy', 'pingpong')).status?.availableReplicas === 1, { description: 'pingpong available' });
    const out = (await k('get', 'all')).stdout;
    assert.match(out, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m);
    assert.match(out, /^pod\/pingpong\s+1\/1\s+Running\s+0\s+\S+$/m);
    assert.match(out, /^pod\/pingpong-[bcdf4-9]{1,10}-[bcdfghjklmnpqrstvwxz2456789]{5}\s+1\/1\s+Running\s+0\s+\S+$/m);
    assert.match(out, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
    assert.match(out, /^deployment\.apps\/pingpong\s+1\/1\s+1\s+1\s+\S+$/m);
    assert.match(out, /^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE$/m);
    assert.match(out, /^replicaset\.apps\/pingpong-[bcdf4-9]{1,10}\s+1\s+1\s+1\s+\S+$/m);
    const rs = (await json('get', 'rs', '-l', 'app=pingpong')).items[0] as Json;
    assert.deepEqual(rs.metadata.ownerReferences.map((o: Json) => [o.kind, o.name, o.controller, o.blockOwnerDeletion]), [['Deployment', 'pingpong', true, true]]);
    assert.equal(rs.metadata.labels['pod-template-hash'], rs.metadata.name.slice('pingpong-'.length));
    assert.equal(rs.metadata.annotations['deployment.kubernetes.io/revision'], '1');
  });

  it('seed 001: scale deployment both ways; get pods shows 3', async () => {
    assert.equal((await k('scale', 'deployment', 'pingpong', '--replicas', '3')).stdout.trim(), 'deployment.apps/pingpong scaled');
    await waitRunning('pingpong', 3);
    assert.equal((await k('scale', 'deployment/pingpong', '--replicas', '3')).stdout.trim(), 'deployment.apps/pingpong scaled');
    const scale = JSON.parse((await k('get', '--raw', '/apis/apps/v1/namespaces/default/deployments/pingpong/scale')).stdout) as Json;
    assert.equal(scale.kind, 'Scale');
    assert.equal(scale.apiVersion, 'autoscaling/v1');
    assert.deepEqual([scale.spec.replicas, scale.status.selector], [3, 'app=pingpong']);
    assert.equal((await k('scale', 'deployment', 'pingpong', '--current-replicas=3', '--replicas=3')).stdout.trim(), 'deployment.apps/pingpong scaled');
    const missing = await kFail('scale', 'deployment', 'nope', '--replicas=2');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /deployments\.apps "nope" not found/);
  });

  it('seed 001: logs deploy/pingpong --tail 2 uses the first pod', async () => {
    const r = await k('logs', 'deploy/pingpong', '--tail', '2');
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    for (const l of lines) assert.match(l, /^64 bytes from 127\.0\.0\.1: seq=\d+ ttl=\d+ time=/);
    assert.match(r.stderr, /^Found 3 pods, using pod\/pingpong-\S+$/m);
  });

  it('seed 001: scaling the ReplicaSet by hand is put back by the Deployment', async () => {
    const rsName = ((await json('get', 'rs', '-l', 'app=pingpong')).items[0] as Json).metadata.name as string;
    assert.equal((await k('scale', `rs/${rsName}`, '--replicas', '5')).stdout.trim(), `replicaset.apps/${rsName} scaled`);
    await waitFor(async () => {
      const rs = await json('get', 'rs', rsName);
      return rs.spec.replicas === 3 && rs.status.replicas === 3;
    }, { description: 'ReplicaSet back to 3', timeoutMs: 60_000 });
    await waitRunning('pingpong', 3);
  });

  it('describe deployment and replicaset', async () => {
    await waitFor(async () => ((await json('get', 'pods', '-l', 'app=pingpong')).items as Json[]).length === 3, { description: 'surplus pods gone', timeoutMs: 60_000 });
    const d = (await k('describe', 'deployment', 'pingpong')).stdout;
    for (const re of [/^Name:\s+pingpong$/m, /^Selector:\s+app=pingpong$/m, /^Replicas:\s+3 desired \| 3 updated \| 3 total \| 3 available \| 0 unavailable$/m,
      /^StrategyType:\s+RollingUpdate$/m, /^RollingUpdateStrategy:\s+25% max unavailable, 25% max surge$/m, /^Conditions:\n\s+Type\s+Status\s+Reason/m,
      /^\s+Available\s+True\s+MinimumReplicasAvailable$/m, /^\s+Progressing\s+True\s+NewReplicaSetAvailable$/m, /^OldReplicaSets:\s+<none>$/m,
      /^NewReplicaSet:\s+pingpong-\S+ \(3\/3 replicas created\)$/m, /Normal\s+ScalingReplicaSet\s+.*deployment-controller\s+Scaled up replica set pingpong-\S+ from 1 to 3/]) {
      assert.match(d, re);
    }
    const rs = (await k('describe', 'rs', '-l', 'app=pingpong')).stdout;
    for (const re of [/^Controlled By:\s+Deployment\/pingpong$/m, /^Replicas:\s+3 current \/ 3 desired$/m, /^Pods Status:\s+3 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed$/m,
      /Normal\s+SuccessfulCreate\s+.*replicaset-controller\s+Created pod: pingpong-\S+/]) {
      assert.match(rs, re);
    }
  });

  it('seed 001: a deleted pod of a Deployment is replaced while it is Terminating', async () => {
    assert.equal(await apply('ticker', deploymentYaml('ticker', 2, 'busybox', 'default', 8)), 'deployment.apps/ticker created');
    const before = (await waitRunning('ticker', 2)).map((p) => p.metadata.name as string);
    const victim = before[0]!;
    const del = k('delete', 'pod', victim);
    const seen = await waitFor<{ fresh: string } | undefined>(async () => {
      const all = (await json('get', 'pods', '-l', 'app=ticker')).items as Json[];
      const term = all.find((p) => p.metadata.name === victim && p.metadata.deletionTimestamp);
      const fresh = all.filter((p) => !before.includes(p.metadata.name) && p.status?.phase === 'Running');
      return term && fresh.length === 1 ? { fresh: fresh[0]!.metadata.name as string } : undefined;
    }, { description: 'replacement Running while the old pod is Terminating', timeoutMs: 30_000, intervalMs: 300 });
    assert.match((await k('get', 'pods', '-l', 'app=ticker')).stdout, new RegExp(`^${victim}\\s+1/1\\s+Terminating\\s`, 'm'));
    assert.match((await k('logs', victim, '--tail', '1')).stdout, /^tick$/m);
    assert.equal((await del).stdout.trim(), `pod "${victim}" deleted`);
    assert.ok(seen?.fresh.startsWith('ticker-'));
    await waitRunning('ticker', 2);
  });

  it('rolls 5 replicas to a new image without dropping below 4 available, then undo', async () => {
    assert.equal(await apply('roll', deploymentYaml('roll', 5, 'busybox:latest')), 'deployment.apps/roll created');
    await waitRunning('roll', 5);
    await waitFor(async () => (await json('get', 'deploy', 'roll')).status?.availableReplicas === 5, { description: 'roll available' });
    const oldRS = ((await json('get', 'rs', '-l', 'app=roll')).items[0] as Json).metadata.name as string;
    let sampling = true;
    const samples: { ready: number; total: number }[] = [];
    const sampler = (async () => {
      while (sampling) {
        const pods = await livePods('roll');
        samples.push({ ready: pods.filter(isReady).length, total: pods.length });
      }
    })();
    assert.equal((await k('set', 'image', 'deployment/roll', 'main=busybox:v2')).stdout.trim(), 'deployment.apps/roll image updated');
    const status = await k('rollout', 'status', 'deployment/roll', '--timeout=180s');
    sampling = false;
    await sampler;
    assert.match(status.stdout, /deployment "roll" successfully rolled out/);
    assert.ok(samples.length >= 3, `sampled ${samples.length} times`);
    for (const s of samples) {
      assert.ok(s.ready >= 4, `availability dropped to ${s.ready} (samples ${JSON.stringify(samples)})`);
      assert.ok(s.total <= 7, `surge above 7: ${s.total}`);
    }
    const sets = (await json('get', 'rs', '-l', 'app=roll')).items as Json[];
    assert.equal(sets.find((x) => x.metadata.name === oldRS)?.spec.replicas, 0);
    assert.equal(sets.find((x) => x.metadata.name !== oldRS)?.spec.replicas, 5);
    const pods = await waitRunning('roll', 5);
    assert.ok(pods.every((p) => p.spec.containers[0].image === 'busybox:v2'));
    assert.match((await k('rollout', 'history', 'deployment/roll')).stdout, /^REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/m);
    const d = (await k('describe', 'deployment', 'roll')).stdout;
    assert.match(d, new RegExp(`^OldReplicaSets:\\s+${oldRS} \\(0/0 replicas created\\)$`, 'm'));
    assert.match(d, new RegExp(`Scaled down replica set ${oldRS} from \\d+ to 0`));

    assert.equal((await k('rollout', 'undo', 'deployment/roll')).stdout.trim(), 'deployment.apps/roll rolled back');
    assert.match((await k('rollout', 'status', 'deployment/roll', '--timeout=180s')).stdout, /successfully rolled out/);
    const back = await waitRunning('roll', 5);
    assert.ok(back.every((p) => p.spec.containers[0].image === 'busybox:latest'));
    assert.equal((await json('get', 'rs', oldRS)).spec.replicas, 5);
    assert.match((await k('rollout', 'history', 'deployment/roll')).stdout, /^REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>\n/m);
  });

  it('rollout pause, resume and restart', async () => {
    assert.equal((await k('rollout', 'pause', 'deployment/roll')).stdout.trim(), 'deployment.apps/roll paused');
    await k('set', 'image', 'deployment/roll', 'main=busybox:v2');
    await waitFor(async () => (await json('get', 'deploy', 'roll')).status?.conditions?.some((c: Json) => c.reason === 'DeploymentPaused'), { description: 'paused condition' });
    const before = ((await json('get', 'rs', '-l', 'app=roll')).items as Json[]).map((x) => `${x.metadata.name}=${x.spec.replicas}`).sort();
    const paused = await kFail('rollout', 'status', 'deployment/roll', '--timeout=2s');
    assert.notEqual(paused.code, 0);
    assert.deepEqual(((await json('get', 'rs', '-l', 'app=roll')).items as Json[]).map((x) => `${x.metadata.name}=${x.spec.replicas}`).sort(), before);
    assert.equal((await k('rollout', 'resume', 'deployment/roll')).stdout.trim(), 'deployment.apps/roll resumed');
    assert.match((await k('rollout', 'status', 'deployment/roll', '--timeout=180s')).stdout, /successfully rolled out/);
    assert.equal((await k('rollout', 'restart', 'deployment/roll')).stdout.trim(), 'deployment.apps/roll restarted');
    assert.match((await k('rollout', 'status', 'deployment/roll', '--timeout=180s')).stdout, /successfully rolled out/);
    const d = await json('get', 'deploy', 'roll');
    assert.ok(d.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']);
    assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '5');
  });

  it('delete deployment: default cascade removes ReplicaSets and pods; --cascade=orphan keeps them', async () => {
    await k('create', 'deployment', 'casc', '--image=busybox', '--replicas=2', '--', 'sleep', '3600');
    await k('create', 'deployment', 'orph', '--image=busybox', '--replicas=2', '--', 'sleep', '3600');
    await waitRunning('casc', 2);
    await waitRunning('orph', 2);
    assert.equal((await k('delete', 'deployment', 'casc')).stdout.trim(), 'deployment.apps "casc" deleted');
    await waitFor(async () => ((await json('get', 'rs', '-l', 'app=casc')).items as Json[]).length === 0 && (await livePods('casc')).length === 0,
      { description: 'casc ReplicaSets and pods gone', timeoutMs: 30_000 });
    assert.equal((await k('delete', 'deployment', 'orph', '--cascade=orphan')).stdout.trim(), 'deployment.apps "orph" deleted');
    const left = (await json('get', 'rs', '-l', 'app=orph')).items as Json[];
    assert.equal(left.length, 1);
    assert.equal((left[0]!.metadata.ownerReferences ?? []).length, 0);
    const pods = await waitRunning('orph', 2);
    assert.ok(pods.every((p) => p.metadata.ownerReferences[0].name === left[0]!.metadata.name));
    assert.equal((await kFail('get', 'deployment', 'orph')).code, 1);
    await k('delete', 'rs', left[0]!.metadata.name);
    await waitFor(async () => (await livePods('orph')).length === 0, { description: 'orph pods deleted with their ReplicaSet' });
  });

  it('deleting a namespace with running pods leaves nothing, containers included', async () => {
    assert.equal((await k('create', 'namespace', 'doomed')).stdout.trim(), 'namespace/doomed created');
    await apply('doomed', deploymentYaml('web', 2, 'busybox', 'doomed', 6));
    await k('run', 'solo', '-n', 'doomed', '--image=busybox', '--labels=app=solo', '--', 'sleep', '3600');
    const pods = [...(await waitRunning('web', 2, 'doomed')), ...(await waitRunning('solo', 1, 'doomed'))];
    const ids = pods.map((p) => String(p.status.containerStatuses[0].containerID).replace('containerd://', ''));
    assert.ok(ids.every((id) => /^[0-9a-f]{64}$/.test(id)));
    const del = k('delete', 'namespace', 'doomed');
    await waitFor(async () => (await json('get', 'namespace', 'doomed')).status?.phase === 'Terminating', { description: 'doomed Terminating' });
    const ns = await json('get', 'namespace', 'doomed');
    assert.ok(ns.metadata.deletionTimestamp);
    assert.deepEqual(ns.spec.finalizers, ['kubernetes']);
    const refused = await kFail('run', 'late', '-n', 'doomed', '--image=busybox');
    assert.equal(refused.stderr.trim(), 'Error from server (Forbidden): pods "late" is forbidden: unable to create new content in namespace doomed because it is being terminated');
    assert.equal((await del).stdout.trim(), 'namespace "doomed" deleted');
    assert.equal((await kFail('get', 'namespace', 'doomed')).stderr.trim(), 'Error from server (NotFound): namespaces "doomed" not found');
    assert.equal((await kFail('get', 'all', '-n', 'doomed')).stderr.trim(), 'No resources found in doomed namespace.');
    await waitFor(async () => {
      const live = await runtimeContainers();
      return ids.every((id) => !live.includes(id));
    }, { description: 'containers of doomed removed from containerd', timeoutMs: 30_000 });
  });
});
