import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { importArchive, MediaType } from './archive.js';
import { buildImageArchive, writeTar, type TarEntry } from './busybox.js';
import { digestOf, ImageStore } from './store.js';
import { loadImageArchives } from './load.js';

async function tmpdir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'peapod-archive-'));
  t.after(() => fsp.rm(dir, { recursive: true, force: true }));
  return dir;
}

function file(p: string, data: string | Buffer): TarEntry {
  return { path: p, type: 'File', mode: 0o644, data: Buffer.from(data) };
}

async function manifestOf(store: ImageStore, name: string): Promise<{ config: { digest: string; mediaType: string }; layers: { digest: string; mediaType: string; size: number }[] }> {
  const ref = await store.getRef(name);
  assert.ok(ref, `ref ${name}`);
  const data = await store.readBlob(ref.digest);
  assert.ok(data);
  assert.equal(digestOf(data), ref.digest);
  return JSON.parse(data.toString()) as never;
}

test('docker-save archive from buildImageArchive imports as an OCI manifest', async (t) => {
  const dir = await tmpdir(t);
  const archive = path.join(dir, 'img.tar');
  const built = await buildImageArchive(archive, {
    name: 'foo/hello:1',
    files: [{ path: '/hello.txt', content: 'hi\n' }],
    symlinks: [{ path: '/bin/hi', target: '/hello.txt' }],
    dirs: [{ path: '/tmp', mode: 0o1777 }],
    config: { Cmd: ['cat', '/hello.txt'], WorkingDir: '/', ExposedPorts: { '80/tcp': {} } },
  });
  assert.equal(built.name, 'docker.io/foo/hello:1');
  const names = await loadImageArchives(path.join(dir, 'data'), [archive]);
  assert.deepEqual(names, ['docker.io/foo/hello:1']);
  const store = new ImageStore(path.join(dir, 'data', 'images'));
  const m = await manifestOf(store, 'docker.io/foo/hello:1');
  assert.equal(m.config.digest, built.imageId);
  assert.equal(m.config.mediaType, MediaType.config);
  const config = JSON.parse(String(await store.readBlob(m.config.digest))) as { rootfs: { diff_ids: string[] }; config: { Cmd: string[] } };
  assert.deepEqual(config.config.Cmd, ['cat', '/hello.txt']);
  assert.equal(m.layers.length, 1);
  assert.equal(m.layers[0]?.mediaType, MediaType.layer);
  assert.equal(m.layers[0]?.digest, config.rootfs.diff_ids[0], 'uncompressed layer digest is the diff_id');
  assert.equal(m.layers[0]?.size, await store.blobSize(m.layers[0]?.digest ?? ''));
  const list = await store.list();
  assert.deepEqual(list.map((r) => r.name), ['docker.io/foo/hello:1']);
  const tmpLeft = await fsp.readdir(path.join(dir, 'data', 'images', 'tmp'));
  assert.deepEqual(tmpLeft, [], 'staging area is cleaned up');
});

test('gzipped docker-save with gzipped and symlinked layers, several tags', async (t) => {
  const dir = await tmpdir(t);
  const layer = writeTar([file('a.txt', 'A')]);
  const gz = gzipSync(layer);
  const config = JSON.stringify({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [digestOf(layer), digestOf(layer)] } });
  const manifest = [{ Config: 'cfg.json', RepoTags: ['busybox', 'localhost:5000/x:2'], Layers: ['l1/layer.tar', 'l2/layer.tar'] }];
  const tarball = writeTar([
    file('cfg.json', config),
    file('l1/layer.tar', gz),
    { path: 'l2/layer.tar', type: 'SymbolicLink', mode: 0o777, linkpath: '../l1/layer.tar' },
    file('manifest.json', JSON.stringify(manifest)),
  ]);
  const archive = path.join(dir, 'img.tar.gz');
  await fsp.writeFile(archive, gzipSync(tarball));
  const store = new ImageStore(path.join(dir, 'images'));
  const imported = await importArchive(store, archive);
  assert.deepEqual(imported.map((i) => i.name), ['docker.io/library/busybox:latest', 'localhost:5000/x:2']);
  const m = await manifestOf(store, 'localhost:5000/x:2');
  assert.deepEqual(m.layers.map((l) => [l.mediaType, l.digest, l.size]), [
    [MediaType.layerGzip, digestOf(gz), gz.length],
    [MediaType.layerGzip, digestOf(gz), gz.length],
  ]);
  assert.equal(imported[0]?.manifest.digest, imported[1]?.manifest.digest);
});

function ociLayout(annotations: Record<string, string>): { tar: Buffer; manifestDigest: string } {
  const layer = gzipSync(writeTar([file('b.txt', 'B')]));
  const config = Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [] } }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.manifest,
    config: { mediaType: MediaType.config, digest: digestOf(config), size: config.length },
    layers: [{ mediaType: MediaType.layerGzip, digest: digestOf(layer), size: layer.length }],
  }));
  const blob = (b: Buffer): TarEntry => file(`blobs/sha256/${digestOf(b).slice(7)}`, b);
  const index = { schemaVersion: 2, manifests: [{ mediaType: MediaType.manifest, digest: digestOf(manifest), size: manifest.length, annotations }] };
  const tar = writeTar([file('oci-layout', '{"imageLayoutVersion":"1.0.0"}'), file('index.json', JSON.stringify(index)), blob(config), blob(layer), blob(manifest)]);
  return { tar, manifestDigest: digestOf(manifest) };
}

test('OCI layout archives: names from annotations', async (t) => {
  const dir = await tmpdir(t);
  const store = new ImageStore(path.join(dir, 'images'));
  const cases: [Record<string, string>, string][] = [
    [{ 'io.containerd.image.name': 'docker.io/library/alpine:3', 'org.opencontainers.image.ref.name': '3' }, 'docker.io/library/alpine:3'],
    [{ 'org.opencontainers.image.ref.name': 'ghcr.io/a/b:v1' }, 'ghcr.io/a/b:v1'],
    [{ 'org.opencontainers.image.ref.name': 'nginx:1' }, 'docker.io/library/nginx:1'],
  ];
  for (const [ann, want] of cases) {
    const { tar, manifestDigest } = ociLayout(ann);
    const f = path.join(dir, 'oci.tar');
    await fsp.writeFile(f, tar);
    const imported = await importArchive(store, f);
    assert.deepEqual(imported.map((i) => i.name), [want]);
    const d = await store.resolve(want.slice(0, want.indexOf('/')), want.slice(want.indexOf('/') + 1, want.lastIndexOf(':')), want.slice(want.lastIndexOf(':') + 1));
    assert.equal(d?.digest, manifestDigest);
    assert.equal(d?.mediaType, MediaType.manifest);
  }
});

test('archives that name nothing or are not image archives are rejected', async (t) => {
  const dir = await tmpdir(t);
  const store = new ImageStore(path.join(dir, 'images'));
  const f = path.join(dir, 'x.tar');
  await fsp.writeFile(f, ociLayout({ 'org.opencontainers.image.ref.name': 'latest' }).tar);
  await assert.rejects(importArchive(store, f), /names no image/);
  await fsp.writeFile(f, writeTar([file('hello', 'x')]));
  await assert.rejects(importArchive(store, f), /not a docker-save or OCI image archive/);
  await assert.rejects(loadImageArchives(dir, [path.join(dir, 'missing.tar')]), /missing\.tar/);
});
