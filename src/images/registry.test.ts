import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildImageArchive } from './busybox.js';
import { loadImageArchives } from './load.js';
import { parseRange, startRegistryMirror, type MirrorRequestInfo } from './registry.js';
import { ImageStore } from './store.js';

const sha = (b: Buffer): string => 'sha256:' + createHash('sha256').update(b).digest('hex');

async function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'peapod-registry-'));
  const seen: MirrorRequestInfo[] = [];
  const mirror = await startRegistryMirror({ store: new ImageStore(path.join(dir, 'images')), host: '127.0.0.1', onRequest: (i) => seen.push(i) });
  t.after(async () => {
    await mirror.close();
    await fsp.rm(dir, { recursive: true, force: true });
  });
  const load = async (name: string, content: string): Promise<void> => {
    const f = path.join(dir, 'a.tar');
    await buildImageArchive(f, { name, files: [{ path: '/f', content }], config: { Cmd: ['x'] } });
    await loadImageArchives(dir, [f]);
  };
  return { dir, mirror, seen, load };
}

test('GET /v2/ answers {}', async (t) => {
  const { mirror } = await setup(t);
  const res = await fetch(`${mirror.url}/v2/`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('docker-distribution-api-version'), 'registry/2.0');
  assert.deepEqual(await res.json(), {});
});

test('manifests and blobs are served with correct digests, types and lengths', async (t) => {
  const { mirror, load, seen } = await setup(t);
  await load('busybox', 'one');
  const url = `${mirror.url}/v2/library/busybox/manifests/latest?ns=docker.io`;
  const head = await fetch(url, { method: 'HEAD' });
  assert.equal(head.status, 200);
  const res = await fetch(url);
  const body = Buffer.from(await res.arrayBuffer());
  const digest = res.headers.get('docker-content-digest');
  assert.equal(digest, sha(body));
  assert.equal(head.headers.get('docker-content-digest'), digest);
  assert.equal(res.headers.get('content-type'), 'application/vnd.oci.image.manifest.v1+json');
  assert.equal(res.headers.get('content-length'), String(body.length));
  assert.equal(head.headers.get('content-length'), String(body.length));
  // Same manifest by digest, without ns (defaults to docker.io).
  const byDigest = await fetch(`${mirror.url}/v2/library/busybox/manifests/${digest}`);
  assert.equal(byDigest.status, 200);
  assert.equal(sha(Buffer.from(await byDigest.arrayBuffer())), digest);
  const manifest = JSON.parse(body.toString()) as { config: { digest: string; size: number }; layers: { digest: string; size: number }[] };
  for (const d of [manifest.config, ...manifest.layers]) {
    const b = await fetch(`${mirror.url}/v2/library/busybox/blobs/${d.digest}?ns=docker.io`);
    assert.equal(b.status, 200);
    const data = Buffer.from(await b.arrayBuffer());
    assert.equal(sha(data), d.digest);
    assert.equal(data.length, d.size);
    assert.equal(b.headers.get('docker-content-digest'), d.digest);
    assert.equal(b.headers.get('content-length'), String(d.size));
  }
  const ranged = await fetch(`${mirror.url}/v2/library/busybox/blobs/${manifest.config.digest}`, { headers: { Range: 'bytes=2-5' } });
  assert.equal(ranged.status, 206);
  assert.equal(ranged.headers.get('content-range'), `bytes 2-5/${manifest.config.size}`);
  assert.equal((await ranged.arrayBuffer()).byteLength, 4);
  assert.ok(seen.some((s) => s.method === 'HEAD' && s.registry === 'docker.io' && s.status === 200));
});

test('the ns parameter selects the registry; unknown things get distribution errors', async (t) => {
  const { mirror, load } = await setup(t);
  await load('quay.io/org/app:1', 'two');
  assert.equal((await fetch(`${mirror.url}/v2/org/app/manifests/1?ns=quay.io`)).status, 200);
  const wrongNs = await fetch(`${mirror.url}/v2/org/app/manifests/1?ns=docker.io`);
  assert.equal(wrongNs.status, 404);
  assert.equal(wrongNs.headers.get('content-type'), 'application/json');
  const err = (await wrongNs.json()) as { errors: { code: string }[] };
  assert.equal(err.errors[0]?.code, 'MANIFEST_UNKNOWN');
  const blob = await fetch(`${mirror.url}/v2/org/app/blobs/sha256:${'0'.repeat(64)}`);
  assert.equal(blob.status, 404);
  assert.equal(((await blob.json()) as { errors: { code: string }[] }).errors[0]?.code, 'BLOB_UNKNOWN');
  const headMissing = await fetch(`${mirror.url}/v2/org/app/manifests/2?ns=quay.io`, { method: 'HEAD' });
  assert.equal(headMissing.status, 404);
  assert.equal((await fetch(`${mirror.url}/v2/org/app/manifests/1`, { method: 'PUT' })).status, 405);
  assert.equal((await fetch(`${mirror.url}/v2/Bad/manifests/1`)).status, 400);
});

test('images loaded after the mirror started are visible at once, and retagging moves the tag', async (t) => {
  const { mirror, load } = await setup(t);
  const url = `${mirror.url}/v2/library/busybox/manifests/latest?ns=docker.io`;
  assert.equal((await fetch(url)).status, 404);
  await load('busybox', 'v1');
  const first = (await fetch(url)).headers.get('docker-content-digest');
  await load('busybox', 'v2');
  const second = (await fetch(url)).headers.get('docker-content-digest');
  assert.ok(first !== null && second !== null && first !== second);
});

test('parseRange', () => {
  const cases: [string | undefined, number, ReturnType<typeof parseRange>][] = [
    [undefined, 10, undefined],
    ['bytes=0-', 10, { start: 0, end: 9 }],
    ['bytes=2-5', 10, { start: 2, end: 5 }],
    ['bytes=5-100', 10, { start: 5, end: 9 }],
    ['bytes=-3', 10, { start: 7, end: 9 }],
    ['bytes=10-', 10, 'invalid'],
    ['bytes=5-2', 10, 'invalid'],
    ['items=1-2', 10, undefined],
  ];
  for (const [h, size, want] of cases) assert.deepEqual(parseRange(h, size), want, String(h));
});
