import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lease, Node, Pod } from '../api/types.js';
import { Resources } from '../client/types.js';
import { FakeClock } from '../machinery/clock.js';
import { FakeRuntime } from './cri/fake.js';
import { Kubelet } from './kubelet.js';
import { FakeApiClient, FakeRecorder } from './testing/fake-client.js';
import { makePod } from './testing/builders.js';

async function waitFor<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Env {
  client: FakeApiClient;
  runtime: FakeRuntime;
  recorder: FakeRecorder;
  clock: FakeClock;
  dir: string;
  kubelet: Kubelet;
  ac: AbortController;
  newKubelet(): Promise<Kubelet>;
  close(): Promise<void>;
}

async function setup(): Promise<Env> {
  const dir = mkdtempSync(join(tmpdir(), 'kubelet-test-'));
  const clock = new FakeClock(new Date());
  const client = new FakeApiClient();
  const runtime = new FakeRuntime(() => clock.now().getTime());
  runtime.addImage('docker.io/library/busybox:latest', { size: 4321 });
  const recorder = new FakeRecorder();
  const ac = new AbortController();
  const make = async (): Promise<Kubelet> => {
    const k = new Kubelet({
      nodeName: 'node1', client, runtime, images: runtime, recorder, podLogsDir: join(dir, 'pods'), nodeIP: '192.168.1.5', podCIDR: '10.88.0.0/24',
      kubeletPort: 0, apiHost: '127.0.0.1', clock, cgroupRoot: join(dir, 'cgroup'), relistIntervalMs: 30, resyncIntervalMs: 200, nodeStatusIntervalMs: 200,
    });
    await k.start(ac.signal);
    return k;
  };
  const env: Env = {
    client, runtime, recorder, clock, dir, ac, kubelet: await make(),
    newKubelet: make,
    close: async () => {
      ac.abort();
      await env.kubelet.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return env;
}

const pods = Resources.pods('default');
const getPod = (e: Env, name: string) => e.client.peek<Pod>(pods, name);

test('kubelet: node registration, pod runs with status and events, graceful deletion, re-adoption', async () => {
  const e = await setup();
  try {
    const node = await waitFor('node', () => e.client.peek<Node>(Resources.nodes(), 'node1'));
    assert.equal(node.metadata.labels?.['kubernetes.io/hostname'], 'node1');
    assert.equal(node.spec.podCIDR, '10.88.0.0/24');
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    assert.equal(ready?.reason, 'KubeletReady');
    assert.equal(node.status?.nodeInfo?.kubeletVersion, 'v1.32.0');
    assert.match(node.status?.capacity?.memory ?? '', /^\d+Ki$/);
    const lease = await waitFor('lease', () => e.client.peek<Lease>(Resources.leases('kube-node-lease'), 'node1'));
    assert.equal(lease.spec.leaseDurationSeconds, 40);

    await e.client.create(pods, makePod('web', { containers: [{ name: 'c', image: 'busybox', imagePullPolicy: 'IfNotPresent' }] }, { uid: undefined }));
    const running = await waitFor('Running', () => { const p = getPod(e, 'web'); return p?.status?.phase === 'Running' && p; });
    assert.match(running.status?.podIP ?? '', /^10\.88\.0\.\d+$/);
    assert.equal(running.status?.hostIP, '192.168.1.5');
    const cs = running.status?.containerStatuses?.[0];
    assert.ok(cs?.state.running);
    assert.equal(cs?.ready, true);
    assert.equal(cs?.image, 'docker.io/library/busybox:latest');
    assert.match(cs?.imageID ?? '', /^docker\.io\/library\/busybox@sha256:/);
    assert.match(cs?.containerID ?? '', /^containerd:\/\//);
    assert.equal(running.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    assert.deepEqual(e.recorder.lines().filter((l) => /^(Pulled|Created|Started)/.test(l)), [
      'Pulled: Container image "busybox" already present on machine', 'Created: Created container: c', 'Started: Started container c',
    ]);
    const sb = [...e.runtime.sandboxes.values()][0]!;
    assert.equal(sb.config.linux?.cgroupParent, `/kubepods/pod${running.metadata.uid}`);
    assert.equal(sb.config.logDirectory, join(e.dir, 'pods', `default_web_${running.metadata.uid}`));
    const ctr = [...e.runtime.containers.values()][0]!;
    assert.equal(ctr.config.linux?.securityContext?.namespaceOptions?.pid, 'CONTAINER');
    assert.equal(ctr.config.logPath, 'c/0.log');

    // A new kubelet process adopts the running pod: no second sandbox, no new container.
    const before = e.runtime.calls.filter((c) => c.startsWith('runPodSandbox') || c.startsWith('createContainer')).length;
    await e.kubelet.stop();
    e.kubelet = await e.newKubelet();
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(e.runtime.calls.filter((c) => c.startsWith('runPodSandbox') || c.startsWith('createContainer')).length, before);
    assert.equal(e.runtime.sandboxes.size, 1);
    assert.equal(getPod(e, 'web')?.status?.phase, 'Running');

    // Graceful deletion: containers stopped with the grace period, cgroups removed, object deleted.
    const uid = running.metadata.uid!;
    const cg = join(e.dir, 'cgroup', 'memory', 'kubepods', `pod${uid}`, 'ctr');
    mkdirSync(cg, { recursive: true });
    await e.client.delete(pods, 'web', { gracePeriodSeconds: 7 });
    await waitFor('pod deleted', () => !getPod(e, 'web'));
    assert.ok(e.runtime.calls.some((c) => /^stopContainer \w+ 7$/.test(c)), 'stopped with the grace period');
    assert.equal(e.runtime.sandboxes.size, 0);
    assert.equal(e.runtime.containers.size, 0);
    assert.ok(!existsSync(join(e.dir, 'cgroup', 'memory', 'kubepods', `pod${uid}`)), 'pod cgroup removed');
    assert.ok(e.recorder.lines().includes('Killing: Stopping container c'));
    assert.ok(e.client.calls.includes('delete pods/web grace=0'));
  } finally {
    await e.close();
  }
});

test('kubelet: crashing container restarts with CrashLoopBackOff', async () => {
  const e = await setup();
  try {
    e.runtime.behaviour = (cfg) => (cfg.metadata.name === 'crash' ? { exitCode: 1 } : {});
    e.client.conflictsToInject = 2; // status writes retry on 409 by re-reading
    await e.client.create(pods, makePod('cl', { containers: [{ name: 'crash', image: 'busybox:latest', imagePullPolicy: 'IfNotPresent' }] }, { uid: undefined }));
    const p = await waitFor('CrashLoopBackOff', () => {
      const pod = getPod(e, 'cl');
      return pod?.status?.containerStatuses?.[0]?.state.waiting?.reason === 'CrashLoopBackOff' && pod;
    });
    const cs = p.status!.containerStatuses![0]!;
    assert.equal(cs.restartCount, 1);
    assert.equal(cs.state.waiting?.message, `back-off 10s restarting failed container=crash pod=cl_default(${p.metadata.uid})`);
    assert.equal(cs.lastState.terminated?.exitCode, 1);
    assert.equal(cs.lastState.terminated?.reason, 'Error');
    assert.equal(p.status?.phase, 'Running');
    assert.equal(e.client.conflictsToInject, 0, 'conflicts were hit and retried');
    assert.ok(e.recorder.lines().includes(`BackOff: Back-off restarting failed container crash in pod cl_default(${p.metadata.uid})`));
    // Still backing off: no new instance.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(e.runtime.containersNamed('crash').length, 2);
    // The window passes: one more restart, then 20s back-off.
    e.clock.step(11_000);
    const p2 = await waitFor('second back-off', () => {
      const pod = getPod(e, 'cl');
      return pod?.status?.containerStatuses?.[0]?.state.waiting?.message?.startsWith('back-off 20s') && pod;
    });
    assert.equal(p2.status?.containerStatuses?.[0]?.restartCount, 2);
    assert.equal(e.runtime.containersNamed('crash').length, 2, 'older instances pruned to latest + previous');
  } finally {
    await e.close();
  }
});

test('kubelet: force-deleted pod is killed and cleaned; Never restart policy completes', async () => {
  const e = await setup();
  try {
    e.runtime.behaviour = (cfg) => (cfg.metadata.name === 'once' ? { exitCode: 0 } : {});
    await e.client.create(pods, makePod('job', { restartPolicy: 'Never', containers: [{ name: 'once', image: 'busybox', imagePullPolicy: 'IfNotPresent' }] }, { uid: undefined }));
    const done = await waitFor('Succeeded', () => { const p = getPod(e, 'job'); return p?.status?.phase === 'Succeeded' && p; });
    assert.equal(done.status?.containerStatuses?.[0]?.state.terminated?.reason, 'Completed');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(e.runtime.containersNamed('once').length, 1, 'not restarted');

    await e.client.create(pods, makePod('fd', { containers: [{ name: 'c', image: 'busybox', imagePullPolicy: 'IfNotPresent' }] }, { uid: undefined }));
    await waitFor('fd running', () => getPod(e, 'fd')?.status?.phase === 'Running');
    await e.client.delete(pods, 'fd', { gracePeriodSeconds: 0 });
    await waitFor('fd cleaned', () => ![...e.runtime.sandboxes.values()].some((s) => s.config.metadata.name === 'fd'));
    assert.equal(e.runtime.containersNamed('c').length, 0);
  } finally {
    await e.close();
  }
});

test('kubelet: image pull failures and pull policy Never', async () => {
  const e = await setup();
  try {
    e.runtime.pullFailures.set('docker.io/library/nope:1', 'failed to pull and unpack image "docker.io/library/nope:1": not found');
    await e.client.create(pods, makePod('bad', { containers: [{ name: 'c', image: 'nope:1' }] }, { uid: undefined }));
    const p = await waitFor('ErrImagePull', () => { const x = getPod(e, 'bad'); return x?.status?.containerStatuses?.[0]?.state.waiting?.reason === 'ErrImagePull' && x; });
    assert.equal(p.status?.phase, 'Pending');
    assert.ok(e.recorder.lines().includes('Pulling: Pulling image "nope:1"'));
    assert.ok(e.recorder.lines().includes('Failed: Failed to pull image "nope:1": failed to pull and unpack image "docker.io/library/nope:1": not found'));
    assert.ok(e.recorder.lines().includes('Failed: Error: ErrImagePull'));
    await waitFor('ImagePullBackOff', () => getPod(e, 'bad')?.status?.containerStatuses?.[0]?.state.waiting?.reason === 'ImagePullBackOff');
    assert.ok(e.recorder.lines().includes('BackOff: Back-off pulling image "nope:1"'));

    await e.client.create(pods, makePod('never', { containers: [{ name: 'c', image: 'missing:2', imagePullPolicy: 'Never' }] }, { uid: undefined }));
    const n = await waitFor('ErrImageNeverPull', () => { const x = getPod(e, 'never'); return x?.status?.containerStatuses?.[0]?.state.waiting?.reason === 'ErrImageNeverPull' && x; });
    assert.equal(n.status?.containerStatuses?.[0]?.state.waiting?.message, 'Container image "missing:2" is not present with pull policy of Never');

    await e.client.create(pods, makePod('always', { containers: [{ name: 'c', image: 'busybox' }] }, { uid: undefined }));
    await waitFor('always running', () => getPod(e, 'always')?.status?.phase === 'Running');
    assert.ok(e.recorder.lines().some((l) => /^Pulled: Successfully pulled image "busybox" in [\d.]+(µs|ms|s) \([\d.]+(µs|ms|s) including waiting\)\. Image size: 4321 bytes\.$/.test(l)));
  } finally {
    await e.close();
  }
});
