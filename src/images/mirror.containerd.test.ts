/**
 * Integration: a real containerd 1.6 (own root/state/socket under a temp dir) pulls
 * loaded images from the embedded mirror, through `ctr --hosts-dir` and through CRI
 * PullImage (which reads `config_path`), and fails fast for images not loaded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { promises as fsp, existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { buildBusyboxImageArchive } from './busybox.js';
import { writeRegistryHosts } from './hosts.js';
import { loadImageArchives } from './load.js';
import { startRegistryMirror, type MirrorRequestInfo } from './registry.js';
import { ImageStore } from './store.js';

const run = promisify(execFile);

// The few CRI image messages this test needs (runtime.v1), written by hand.
const CRI_IMAGE_PROTO = `
syntax = "proto3";
package runtime.v1;
service ImageService {
  rpc PullImage(PullImageRequest) returns (PullImageResponse) {}
  rpc RemoveImage(RemoveImageRequest) returns (RemoveImageResponse) {}
}
message ImageSpec { string image = 1; map<string, string> annotations = 2; }
message PullImageRequest { ImageSpec image = 1; }
message PullImageResponse { string image_ref = 1; }
message RemoveImageRequest { ImageSpec image = 1; }
message RemoveImageResponse {}
`;

type Unary = (req: object, opts: { deadline: Date }, cb: (err: grpc.ServiceError | null, res: Record<string, unknown>) => void) => void;

async function criClient(dir: string, socket: string): Promise<{ call: (m: string, req: object) => Promise<Record<string, unknown>>; close: () => void }> {
  const protoFile = path.join(dir, 'cri-image.proto');
  await fsp.writeFile(protoFile, CRI_IMAGE_PROTO);
  const def = await protoLoader.load(protoFile, { keepCase: true, defaults: true });
  const pkg = grpc.loadPackageDefinition(def) as unknown as { runtime: { v1: { ImageService: grpc.ServiceClientConstructor } } };
  const client = new pkg.runtime.v1.ImageService(`unix://${socket}`, grpc.credentials.createInsecure());
  const call = (method: string, req: object): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const fn = (client as unknown as Record<string, Unary>)[method];
      if (fn === undefined) return reject(new Error(`no method ${method}`));
      fn.call(client, req, { deadline: new Date(Date.now() + 60_000) }, (err, res) => (err ? reject(err) : resolve(res)));
    });
  return { call, close: () => client.close() };
}

function containerdConfig(dir: string, certs: string): string {
  return `version = 2
root = "${dir}/root"
state = "${dir}/state"
[grpc]
  address = "${dir}/containerd.sock"
[ttrpc]
  address = "${dir}/containerd.sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "${dir}/opt"
[plugins."io.containerd.grpc.v1.cri"]
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".cni]
    conf_dir = "${dir}/cni"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "${certs}"
`;
}

async function startContainerd(dir: string, certs: string): Promise<ChildProcess> {
  await fsp.writeFile(path.join(dir, 'config.toml'), containerdConfig(dir, certs));
  const log = await fsp.open(path.join(dir, 'containerd.log'), 'w');
  const child = spawn('containerd', ['--config', path.join(dir, 'config.toml')], { stdio: ['ignore', log.fd, log.fd] });
  await log.close();
  const sock = path.join(dir, 'containerd.sock');
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`containerd exited with ${child.exitCode}`);
    if (existsSync(sock)) {
      try {
        await run('ctr', ['-a', sock, 'version']);
        return child;
      } catch {
        /* not serving yet */
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error('containerd did not start');
}

async function stopContainerd(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

test('containerd 1.6 pulls loaded images from the mirror and fails fast for others', { timeout: 180_000 }, async (t) => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'peapod-ctd-'));
  const seen: MirrorRequestInfo[] = [];
  const store = new ImageStore(path.join(dir, 'data', 'images'));
  const mirror = await startRegistryMirror({ store, host: '127.0.0.1', onRequest: (i) => seen.push(i) });
  let containerd: ChildProcess | undefined;
  let cri: Awaited<ReturnType<typeof criClient>> | undefined;
  t.after(async () => {
    cri?.close();
    if (containerd) await stopContainerd(containerd);
    await mirror.close();
    await fsp.rm(dir, { recursive: true, force: true });
  });

  const names = ['docker.io/library/busybox:latest', 'quay.io/peapod/bb:1', 'localhost/peapod/bb:1', 'example.com/peapod/bb:1'];
  for (const [i, name] of names.entries()) {
    const archive = path.join(dir, `bb${i}.tar`);
    await buildBusyboxImageArchive(archive, name);
    assert.deepEqual(await loadImageArchives(path.join(dir, 'data'), [archive]), [name]);
  }
  const certs = path.join(dir, 'certs.d');
  await writeRegistryHosts(certs, mirror.url);
  containerd = await startContainerd(dir, certs);
  const sock = path.join(dir, 'containerd.sock');

  // ctr with --hosts-dir: the whole image comes from the mirror.
  await run('ctr', ['-a', sock, '-n', 'k8s.io', 'images', 'pull', '--hosts-dir', certs, names[0] ?? '']);
  const ctrSeen = seen.filter((s) => s.path.startsWith('/v2/library/busybox/'));
  assert.ok(ctrSeen.some((s) => s.method === 'HEAD' && s.path.endsWith('/manifests/latest') && s.url.includes('ns=docker.io') && s.status === 200));
  assert.ok(ctrSeen.filter((s) => s.method === 'GET' && s.path.includes('/blobs/') && s.status === 200).length >= 2, 'config and layer fetched');
  const { stdout } = await run('ctr', ['-a', sock, '-n', 'k8s.io', 'images', 'ls', '-q']);
  assert.match(stdout, /docker\.io\/library\/busybox:latest/);

  // CRI PullImage (uses config_path): per-registry dirs, localhost, and _default.
  cri = await criClient(dir, sock);
  const configDigest = (await store.readBlob((await store.getRef(names[0] ?? ''))?.digest ?? '')) ?? Buffer.alloc(0);
  const expectedRef = (JSON.parse(configDigest.toString()) as { config: { digest: string } }).config.digest;
  for (const name of names) {
    const before = seen.length;
    const res = await cri.call('PullImage', { image: { image: name } });
    assert.equal(res.image_ref, expectedRef, name);
    const ns = name.slice(0, name.indexOf('/'));
    assert.ok(seen.slice(before).some((s) => s.url.includes(`ns=${encodeURIComponent(ns)}`) && s.status === 200), `mirror served ${name}`);
  }
  // Pull again after RemoveImage (imagePullPolicy: Always on a fresh node).
  await cri.call('RemoveImage', { image: { image: names[0] } });
  assert.equal((await cri.call('PullImage', { image: { image: names[0] } })).image_ref, expectedRef);

  // Not loaded: 404 from the mirror, then the real registry is unreachable: a quick error.
  for (const missing of ['docker.io/library/notloaded:latest', 'localhost/notloaded:1', 'example.org/notloaded:1']) {
    const started = Date.now();
    await assert.rejects(cri.call('PullImage', { image: { image: missing } }), /notloaded/);
    assert.ok(Date.now() - started < 15_000, `${missing} failed fast (${Date.now() - started} ms)`);
    assert.ok(seen.some((s) => s.path.includes('/notloaded/manifests/') && s.status === 404), `mirror asked for ${missing}`);
  }
});
