/**
 * Integration test: a real containerd (via ContainerdSupervisor) in a temp dir, driven
 * through the gRPC CRI client. Needs root, containerd 1.6, runc, CNI plugins, gcc.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteRuntime, type RemoteRuntime } from './remote.js';
import { CriError, type PodSandboxConfig, type ContainerConfig } from './api.js';
import { ContainerdSupervisor, cleanupNode } from '../containerd/supervisor.js';
import { buildPauseImageArchive } from '../containerd/pause-image.js';
import { mountsUnder } from '../containerd/cleanup.js';
import { cniNetworkName } from '../containerd/cni.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const PAUSE = 'localhost/peapod-pause:test';
const x = randomInt(1, 255);
const podCIDR = `10.244.${x}.0/24`;
const bridgeName = `pp${randomBytes(4).toString('hex')}`; // 10 chars
let dataDir = '';
let sup: ContainerdSupervisor;
let cri: RemoteRuntime;
const timings: Record<string, number> = {};
const uids: string[] = [];

async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try { return await fn(); } finally { timings[name] = Math.round(performance.now() - t0); }
}

function sandboxConfig(uid: string): PodSandboxConfig {
  uids.push(uid);
  return {
    metadata: { name: `pod-${uid}`, uid, namespace: 'default', attempt: 0 },
    hostname: `pod-${uid}`,
    logDirectory: join(dataDir, 'pods', uid),
    labels: { 'io.kubernetes.pod.uid': uid },
    linux: { cgroupParent: `/kubepods/pod${uid}` },
  };
}

function containerConfig(name: string): ContainerConfig {
  return {
    metadata: { name, attempt: 0 },
    image: { image: PAUSE },
    logPath: `${name}/0.log`,
    labels: { 'io.kubernetes.container.name': name },
    linux: { securityContext: { namespaceOptions: { pid: 'CONTAINER' } } },
  };
}

/** PIDs of processes whose command line mentions the data dir. */
async function processesMentioning(dir: string): Promise<number[]> {
  const out: number[] = [];
  for (const n of await readdir('/proc')) {
    const pid = Number(n);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes(dir)) out.push(pid);
  }
  return out;
}

async function cgroupProcs(path: string): Promise<number[]> {
  const text = await readFile(`/sys/fs/cgroup/pids${path}/cgroup.procs`, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map(Number);
}

const exists = async (p: string): Promise<boolean> => (await stat(p).catch(() => undefined)) !== undefined;

function inCidr(ip: string): boolean {
  return new RegExp(`^10\\.244\\.${x}\\.(\\d+)$`).test(ip) && ip !== `10.244.${x}.1`;
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pp-cri-'));
  const archive = join(dataDir, 'pause.tar');
  await timed('buildPauseImageArchive', () => buildPauseImageArchive(archive, PAUSE));
  sup = new ContainerdSupervisor({ dataDir, podCIDR, bridgeName, pauseImage: PAUSE, pauseImageArchive: archive });
  await timed('supervisor.start (cold, with import)', () => sup.start(AbortSignal.timeout(60_000)));
  cri = createRemoteRuntime(sup.socketPath);
});

after(async () => {
  cri?.close();
  await sup?.stop();
  const report = await cleanupNode(dataDir, { cgroupParents: uids.map((u) => `/kubepods/pod${u}`) });
  assert.deepEqual(report.errors, []);
  // Nothing of this node may survive.
  assert.deepEqual(await processesMentioning(dataDir), [], 'leftover processes');
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
  assert.deepEqual(mountsUnder(mountinfo, dataDir), [], 'leftover mounts');
  assert.equal(await exists(`/sys/class/net/${bridgeName}`), false, 'bridge left behind');
  for (const u of uids) assert.equal(await exists(`/sys/fs/cgroup/pids/kubepods/pod${u}`), false, `cgroup pod${u}`);
  const network = cniNetworkName(bridgeName);
  const { stdout: nat } = await promisify(execFile)('iptables-save', ['-t', 'nat']);
  assert.ok(!nat.includes(network) && !nat.includes(`10.244.${x}.`), 'leftover iptables nat rules');
  const cache = await readdir('/var/lib/cni/results').catch(() => [] as string[]);
  assert.deepEqual(cache.filter((f) => f.startsWith(`${network}-`)), [], 'leftover CNI cache');
  await rm(dataDir, { recursive: true, force: true });
  console.log(`# timings (ms): ${JSON.stringify(timings)}`);
});

test('version and status: containerd CRI v1, runtime and network ready', async () => {
  const v = await cri.runtime.version();
  assert.equal(v.runtimeName, 'containerd');
  assert.equal(v.runtimeApiVersion, 'v1');
  const { conditions } = await cri.runtime.status();
  for (const t of ['RuntimeReady', 'NetworkReady']) assert.equal(conditions.find((c) => c.type === t)?.status, true, t);
});

test('images: pause imported, absent image is undefined', async () => {
  const img = await cri.images.imageStatus({ image: PAUSE });
  assert.ok(img, 'pause image present');
  assert.match(img.id, /^sha256:[0-9a-f]{64}$/);
  assert.ok(img.repoTags.includes(PAUSE));
  assert.ok(img.size > 100_000, `size ${img.size}`);
  assert.equal(await cri.images.imageStatus({ image: 'localhost/does-not-exist:1' }), undefined);
  assert.ok((await cri.images.listImages()).some((i) => i.id === img.id));
});

test('errors: NOT_FOUND is a CriError, abort cancels', async () => {
  await assert.rejects(cri.runtime.containerStatus('no-such-container'), (e: unknown) => e instanceof CriError && e.code === 5);
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(cri.runtime.version(ac.signal), (e: unknown) => e instanceof CriError && e.code === 1);
  const dead = createRemoteRuntime(join(dataDir, 'nope.sock'), { timeoutMs: 2000 });
  try {
    await assert.rejects(dead.runtime.version(), (e: unknown) => e instanceof CriError && e.code === 14);
  } finally { dead.close(); }
});

test('pod lifecycle: sandbox gets an IP from the CIDR, container runs, stops, is removed', async () => {
  const uid = randomBytes(6).toString('hex');
  const sbConfig = sandboxConfig(uid);
  const sb = await timed('runPodSandbox', () => cri.runtime.runPodSandbox(sbConfig));
  const st = await cri.runtime.podSandboxStatus(sb);
  assert.equal(st.state, 'SANDBOX_READY');
  assert.ok(st.network && inCidr(st.network.ip), `pod IP ${st.network?.ip} not in ${podCIDR}`);
  assert.equal(st.metadata.uid, uid);

  const cid = await timed('createContainer', () => cri.runtime.createContainer(sb, containerConfig('app'), sbConfig));
  await timed('startContainer', () => cri.runtime.startContainer(cid));
  const cs = await cri.runtime.containerStatus(cid);
  assert.equal(cs.state, 'CONTAINER_RUNNING');
  assert.ok(cs.startedAt > 0 && cs.createdAt > 0);
  assert.equal(cs.logPath, join(dataDir, 'pods', uid, 'app/0.log'));
  assert.match(cs.imageRef, /^sha256:/);
  const listed = await cri.runtime.listContainers({ podSandboxId: sb, state: { state: 'CONTAINER_RUNNING' } });
  assert.deepEqual(listed.map((c) => c.id), [cid]);
  assert.equal((await cgroupProcs(`/kubepods/pod${uid}/${cid}`)).length, 1, 'container process in its pod cgroup');

  const pf = await cri.runtime.portForward(sb, [8080]);
  assert.match(pf, new RegExp(`^http://127\\.0\\.0\\.1:${sup.streamServerPort}/`));

  await timed('stopContainer(10)', () => cri.runtime.stopContainer(cid, 10));
  const stopped = await cri.runtime.containerStatus(cid);
  assert.equal(stopped.state, 'CONTAINER_EXITED');
  assert.equal(stopped.exitCode, 0, 'pause exits 0 on SIGTERM');
  assert.equal(stopped.reason, 'Completed');
  await cri.runtime.removeContainer(cid);
  await assert.rejects(cri.runtime.containerStatus(cid), (e: unknown) => e instanceof CriError && e.code === 5);

  await timed('stopPodSandbox', () => cri.runtime.stopPodSandbox(sb));
  await timed('removePodSandbox', () => cri.runtime.removePodSandbox(sb));
  assert.deepEqual((await cri.runtime.listPodSandbox()).filter((s) => s.id === sb), []);
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
  assert.deepEqual(mountsUnder(mountinfo, join(sup.paths.state, 'io.containerd.grpc.v1.cri', 'netns')), [], 'netns unmounted');
});

test('containerd restart keeps running pods; cleanupNode tears down live pods', async () => {
  const uid = randomBytes(6).toString('hex');
  const sbConfig = sandboxConfig(uid);
  const sb = await cri.runtime.runPodSandbox(sbConfig);
  const cid = await cri.runtime.createContainer(sb, containerConfig('app'), sbConfig);
  await cri.runtime.startContainer(cid);
  const [pid] = await cgroupProcs(`/kubepods/pod${uid}/${cid}`);
  assert.ok(pid, 'container pid');

  await timed('supervisor.stop', () => sup.stop());
  assert.ok(await exists(`/proc/${pid}`), 'container survives containerd stop');
  await timed('supervisor.start (warm)', () => sup.start());
  assert.equal((await cri.runtime.containerStatus(cid)).state, 'CONTAINER_RUNNING', 're-adopted after restart');

  const netnsDir = join(sup.paths.state, 'io.containerd.grpc.v1.cri', 'netns');
  assert.equal(mountsUnder(await readFile('/proc/self/mountinfo', 'utf8'), netnsDir).length, 1, 'one netns mounted');
  const steps: string[] = [];
  const report = await timed('cleanupNode (live pod)', () => cleanupNode(dataDir, { log: (l) => steps.push(l) }));
  console.log(`# ${steps.filter((l) => l.includes(' step ')).map((l) => l.replace('cleanupNode step ', '')).join(', ')}`);
  assert.deepEqual(report.errors, []);
  assert.equal(report.sandboxesRemoved, 1);
  assert.equal(await exists(`/proc/${pid}`), false, 'container process gone');
  assert.equal(report.bridgeDeleted, true);
  assert.ok(report.cgroupsRemoved.includes(`/kubepods/pod${uid}`), JSON.stringify(report.cgroupsRemoved));
  assert.deepEqual(mountsUnder(await readFile('/proc/self/mountinfo', 'utf8'), dataDir), []);
  assert.deepEqual(await processesMentioning(dataDir), [], 'containerd and shims gone');
});

test('cleanupNode without containerd: kills shims and containers, unmounts, drops nat rules', async () => {
  await sup.start();
  const uid = randomBytes(6).toString('hex');
  const sbConfig = sandboxConfig(uid);
  const sb = await cri.runtime.runPodSandbox(sbConfig);
  const cid = await cri.runtime.createContainer(sb, containerConfig('app'), sbConfig);
  await cri.runtime.startContainer(cid);
  const [pid] = await cgroupProcs(`/kubepods/pod${uid}/${cid}`);
  assert.ok(pid, 'container pid');
  const { stdout: nat } = await promisify(execFile)('iptables-save', ['-t', 'nat']);
  assert.ok(nat.includes(cniNetworkName(bridgeName)), 'ipMasq rule present while the pod runs');
  await sup.stop();
  assert.ok(mountsUnder(await readFile('/proc/self/mountinfo', 'utf8'), dataDir).length >= 3, 'rootfs, shm, netns mounted');

  const steps: string[] = [];
  const report = await timed('cleanupNode (containerd down)', () => cleanupNode(dataDir, { log: (l) => steps.push(l) }));
  console.log(`# ${steps.filter((l) => l.includes(' step ')).map((l) => l.replace('cleanupNode step ', '')).join(', ')}`);
  assert.deepEqual(report.errors, []);
  assert.equal(report.sandboxesRemoved, 0);
  assert.ok(report.processesKilled >= 3, `killed ${report.processesKilled} (2 shims + 2 containers expected)`);
  assert.equal(await exists(`/proc/${pid}`), false, 'container process gone');
  assert.deepEqual(mountsUnder(await readFile('/proc/self/mountinfo', 'utf8'), dataDir), []);
  const { stdout: after } = await promisify(execFile)('iptables-save', ['-t', 'nat']);
  assert.ok(!after.includes(cniNetworkName(bridgeName)), 'nat rules removed');
  assert.ok(report.cgroupsRemoved.includes(`/kubepods/pod${uid}`), JSON.stringify(report.cgroupsRemoved));
});
