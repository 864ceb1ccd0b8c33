/**
 * Integration: the Kubelet against a real containerd 1.6 (private root/state/socket
 * under a temp dir) with the in-memory API: a busybox pod runs with a pod IP, its
 * logs are served by the kubelet API, a crashing container restarts, graceful deletion
 * stops with SIGTERM, removes everything including the pod cgroups, and deletes the pod.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Pod } from '../api/types.js';
import { Resources } from '../client/types.js';
import { buildBusyboxImageArchive } from '../images/busybox.js';
import { buildPauseImageArchive } from './containerd/pause-image.js';
import { ContainerdSupervisor, cleanupNode } from './containerd/supervisor.js';
import { createRemoteRuntime, type RemoteRuntime } from './cri/remote.js';
import { Kubelet } from './kubelet.js';
import { FakeApiClient, FakeRecorder } from './testing/fake-client.js';
import { makePod } from './testing/builders.js';

const run = promisify(execFile);
const PAUSE = 'localhost/peapod-pause:test';
const x = randomInt(1, 255);
const podCIDR = `10.245.${x}.0/24`;
const bridgeName = `pk${randomBytes(4).toString('hex')}`;
let dataDir = '';
let sup: ContainerdSupervisor;
let cri: RemoteRuntime;
const client = new FakeApiClient();
const recorder = new FakeRecorder();
let kubelet: Kubelet;
const ac = new AbortController();
const pods = Resources.pods('default');
const uids: string[] = [];

async function waitFor<T>(what: string, fn: () => T | undefined | false, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pp-kubelet-'));
  const pauseTar = join(dataDir, 'pause.tar');
  const busyboxTar = join(dataDir, 'busybox.tar');
  await buildPauseImageArchive(pauseTar, PAUSE);
  await buildBusyboxImageArchive(busyboxTar);
  sup = new ContainerdSupervisor({ dataDir, podCIDR, bridgeName, pauseImage: PAUSE, pauseImageArchive: pauseTar });
  await sup.start(AbortSignal.timeout(60_000));
  await run('ctr', ['-a', sup.socketPath, '-n', 'k8s.io', 'images', 'import', busyboxTar]);
  cri = createRemoteRuntime(sup.socketPath);
  kubelet = new Kubelet({
    nodeName: 'node1', client, runtime: cri.runtime, images: cri.images, recorder, podLogsDir: join(dataDir, 'pods'),
    nodeIP: '127.0.0.1', podCIDR, kubeletPort: 0, apiHost: '127.0.0.1', relistIntervalMs: 200, resyncIntervalMs: 1000,
  });
  await kubelet.start(ac.signal);
});

after(async () => {
  ac.abort();
  await kubelet?.stop();
  for (const p of client.all<Pod>(pods)) await client.delete(pods, p.metadata.name ?? '', { gracePeriodSeconds: 0 }).catch(() => {});
  cri?.close();
  await sup?.stop();
  const report = await cleanupNode(dataDir, { cgroupParents: uids.map((u) => `/kubepods/pod${u}`) });
  assert.deepEqual(report.errors, []);
  await rm(dataDir, { recursive: true, force: true });
});

test('busybox pod: Running with IP, logs via the kubelet API, graceful delete cleans up', async () => {
  await client.create(pods, makePod('bb', {
    terminationGracePeriodSeconds: 5,
    containers: [{ name: 'main', image: 'busybox', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'echo hello; sleep 0.3; echo oops >&2; trap "exit 0" TERM; while true; do sleep 0.1; done'] }],
  }, { uid: undefined }));
  const p = await waitFor('Running', () => { const x = client.peek<Pod>(pods, 'bb'); return x?.status?.phase === 'Running' && x; });
  uids.push(p.metadata.uid!);
  assert.match(p.status?.podIP ?? '', new RegExp(`^10\\.245\\.${x}\\.\\d+$`));
  const cs = p.status!.containerStatuses![0]!;
  assert.equal(cs.image, 'docker.io/library/busybox:latest');
  assert.match(cs.imageID, /sha256:[0-9a-f]{64}$/);
  assert.match(cs.containerID ?? '', /^containerd:\/\/[0-9a-f]{64}$/);

  let logs = await httpGet(kubelet.apiPort!, '/containerLogs/default/bb/main');
  for (let i = 0; i < 40 && logs.body !== 'hello\noops\n'; i++) {
    await new Promise((r) => setTimeout(r, 50));
    logs = await httpGet(kubelet.apiPort!, '/containerLogs/default/bb/main');
  }
  assert.equal(logs.status, 200);
  assert.equal(logs.body, 'hello\noops\n');

  assert.ok(existsSync(`/sys/fs/cgroup/pids/kubepods/pod${p.metadata.uid}`), 'pod cgroup exists while running');
  const t0 = Date.now();
  await client.delete(pods, 'bb');
  await waitFor('deleted', () => !client.peek<Pod>(pods, 'bb'));
  assert.ok(Date.now() - t0 < 4000, 'TERM handled, no wait for the full grace period');
  assert.equal((await cri.runtime.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.uid': p.metadata.uid! } })).length, 0);
  assert.equal(existsSync(`/sys/fs/cgroup/pids/kubepods/pod${p.metadata.uid}`), false, 'pod cgroup removed');
  assert.ok(recorder.lines().includes('Killing: Stopping container main'));
});

test('crashing container: restart count and CrashLoopBackOff with exit code', async () => {
  await client.create(pods, makePod('crash', {
    containers: [{ name: 'c', image: 'busybox', imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'exit 3'] }],
  }, { uid: undefined }));
  const p = await waitFor('CrashLoopBackOff', () => {
    const x = client.peek<Pod>(pods, 'crash');
    return x?.status?.containerStatuses?.[0]?.state.waiting?.reason === 'CrashLoopBackOff' && x;
  });
  uids.push(p.metadata.uid!);
  const cs = p.status!.containerStatuses![0]!;
  assert.equal(cs.lastState.terminated?.exitCode, 3);
  assert.equal(cs.lastState.terminated?.reason, 'Error');
  assert.ok(cs.restartCount >= 1);
  await client.delete(pods, 'crash', { gracePeriodSeconds: 0 });
  let left = 1;
  for (let i = 0; i < 100 && left > 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
    left = (await cri.runtime.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.uid': p.metadata.uid! } })).length;
  }
  assert.equal(left, 0, 'force-deleted pod cleaned up');
});
