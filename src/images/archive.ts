/**
 * Importing image archives into the {@link ImageStore}: `docker save` archives
 * (`manifest.json` = `[{Config, RepoTags, Layers}]`) and OCI image layouts
 * (`oci-layout`, `index.json`, `blobs/sha256/...`), either possibly gzipped.
 *
 * A docker-save image becomes an OCI image manifest whose config is the image's
 * config JSON (Docker's config format is the OCI one) and whose layers are the
 * archive's layer files as they are: `application/vnd.oci.image.layer.v1.tar`
 * when uncompressed (their digest is then the config's `diff_id`), `...tar+gzip`
 * when gzipped. containerd 1.6 pulls and unpacks both.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import { normalizeImageName } from './names.js';
import { isDigest, manifestMediaType, type Descriptor, type ImageStore } from './store.js';

/** OCI media types used for converted docker-save images. */
export const MediaType = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  index: 'application/vnd.oci.image.index.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

/** One file of an archive staged in the store's tmp dir, hashed on the way. */
interface StagedFile {
  tmp: string;
  digest: string;
  size: number;
  /** First bytes, to sniff gzip. */
  head: Buffer;
}

/** An unpacked archive: regular files by normalised path, symlinks resolved lazily. */
interface Staged {
  files: Map<string, StagedFile>;
  links: Map<string, string>;
  dir: string;
}

/** Result of importing one archive: the names it tagged, each with its manifest. */
export interface ImportedImage {
  name: string;
  manifest: Descriptor;
}

function cleanPath(p: string): string {
  return path.posix.normalize('/' + p).slice(1).replace(/\/$/, '');
}

async function stageArchive(store: ImageStore, file: string): Promise<Staged> {
  const dir = await store.tempPath('import');
  await fsp.mkdir(dir, { recursive: true });
  const staged: Staged = { files: new Map(), links: new Map(), dir };
  const pending: Promise<void>[] = [];
  let n = 0;
  await tar.t({
    file,
    onReadEntry: (entry) => {
      const p = cleanPath(entry.path);
      if (entry.type === 'SymbolicLink' && entry.linkpath !== undefined) {
        staged.links.set(p, cleanPath(path.posix.join(path.posix.dirname(p), entry.linkpath)));
      } else if (entry.type === 'Link' && entry.linkpath !== undefined) {
        staged.links.set(p, cleanPath(entry.linkpath));
      }
      if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'ContiguousFile') {
        entry.resume();
        return;
      }
      const tmp = path.join(dir, String(n++));
      const hash = createHash('sha256');
      let size = 0;
      let head = Buffer.alloc(0);
      const tap = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          hash.update(chunk);
          size += chunk.length;
          if (head.length < 8) head = Buffer.concat([head, chunk.subarray(0, 8 - head.length)]);
          cb(null, chunk);
        },
      });
      pending.push(
        pipeline(entry, tap, createWriteStream(tmp)).then(() => {
          staged.files.set(p, { tmp, digest: 'sha256:' + hash.digest('hex'), size, head });
        }),
      );
    },
  });
  await Promise.all(pending);
  return staged;
}

function lookup(staged: Staged, p: string): StagedFile | undefined {
  let cur = cleanPath(p);
  for (let i = 0; i < 16; i++) {
    const f = staged.files.get(cur);
    if (f !== undefined) return f;
    const next = staged.links.get(cur);
    if (next === undefined) return undefined;
    cur = next;
  }
  return undefined;
}

async function readJson(staged: Staged, p: string): Promise<unknown> {
  const f = lookup(staged, p);
  if (f === undefined) throw new Error(`archive has no ${p}`);
  return JSON.parse(await fsp.readFile(f.tmp, 'utf8')) as unknown;
}

/**
 * Moves a staged file into the store's blobs (a rename: no copy of big layers).
 * Later lookups of the same content (symlinked layers) find the blob present.
 */
async function commitFile(store: ImageStore, f: StagedFile): Promise<void> {
  if (await store.hasBlob(f.digest)) return;
  await store.commitTemp(f.tmp, f.digest);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringArray(v: unknown, what: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw new Error(`${what} must be a list of strings`);
  return v as string[];
}

/** Imports the images of a docker-save archive; returns one entry per RepoTag. */
async function importDockerSave(store: ImageStore, staged: Staged): Promise<ImportedImage[]> {
  const manifest = await readJson(staged, 'manifest.json');
  if (!Array.isArray(manifest)) throw new Error('manifest.json must be a list');
  const out: ImportedImage[] = [];
  for (const item of manifest as unknown[]) {
    if (!isObject(item) || typeof item.Config !== 'string') throw new Error('manifest.json entry needs Config');
    const configFile = lookup(staged, item.Config);
    if (configFile === undefined) throw new Error(`archive has no ${item.Config}`);
    await commitFile(store, configFile);
    const layers: Descriptor[] = [];
    for (const l of stringArray(item.Layers, 'Layers')) {
      const f = lookup(staged, l);
      if (f === undefined) throw new Error(`archive has no layer ${l}`);
      await commitFile(store, f);
      const gzip = f.head[0] === 0x1f && f.head[1] === 0x8b;
      layers.push({ mediaType: gzip ? MediaType.layerGzip : MediaType.layer, digest: f.digest, size: f.size });
    }
    const body = JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.manifest,
      config: { mediaType: MediaType.config, digest: configFile.digest, size: configFile.size },
      layers,
    });
    const { digest, size } = await store.putBlob(body);
    const desc: Descriptor = { mediaType: MediaType.manifest, digest, size };
    for (const tag of stringArray(item.RepoTags, 'RepoTags')) {
      const name = normalizeImageName(tag);
      await store.setRef(name, desc);
      out.push({ name, manifest: desc });
    }
  }
  return out;
}

/**
 * The image name an OCI index entry carries: `io.containerd.image.name`, else
 * `org.opencontainers.image.ref.name` when it is a full reference (has a `/` or
 * `:`); a bare tag (`latest`, as `docker save` 25+ writes beside the containerd
 * annotation) names nothing on its own.
 */
export function ociEntryName(annotations: unknown): string | undefined {
  if (!isObject(annotations)) return undefined;
  const ctr = annotations['io.containerd.image.name'];
  if (typeof ctr === 'string' && ctr !== '') return normalizeImageName(ctr);
  const ref = annotations['org.opencontainers.image.ref.name'];
  if (typeof ref === 'string' && (ref.includes('/') || ref.includes(':'))) return normalizeImageName(ref);
  return undefined;
}

/** Imports an OCI image layout: every blob, then a ref per named index entry. */
async function importOciLayout(store: ImageStore, staged: Staged): Promise<ImportedImage[]> {
  const index = await readJson(staged, 'index.json');
  if (!isObject(index) || !Array.isArray(index.manifests)) throw new Error('index.json must have manifests');
  for (const [p, f] of staged.files) {
    const m = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(p);
    if (m === null) continue;
    if (f.digest !== `sha256:${m[1]}`) throw new Error(`blob ${p} does not match its digest (${f.digest})`);
    await commitFile(store, f);
  }
  const out: ImportedImage[] = [];
  for (const entry of index.manifests as unknown[]) {
    if (!isObject(entry) || typeof entry.digest !== 'string' || !isDigest(entry.digest)) {
      throw new Error('index.json entry needs a sha256 digest');
    }
    const name = ociEntryName(entry.annotations);
    if (name === undefined) continue;
    const data = await store.readBlob(entry.digest);
    if (data === undefined) throw new Error(`archive lacks blob ${entry.digest} for ${name}`);
    const mediaType =
      typeof entry.mediaType === 'string' && entry.mediaType !== '' ? entry.mediaType : manifestMediaType(data);
    if (mediaType === undefined) throw new Error(`${entry.digest} is not a manifest`);
    const desc: Descriptor = { mediaType, digest: entry.digest, size: data.length };
    await store.setRef(name, desc);
    out.push({ name, manifest: desc });
  }
  if (out.length === 0) throw new Error('index.json names no image (need io.containerd.image.name or a full org.opencontainers.image.ref.name)');
  return out;
}

/**
 * Imports one archive (docker-save or OCI layout, plain or gzipped tar) into the
 * store and returns the fully qualified names it tagged. An archive that has both
 * layouts (as `docker save` 25+ writes) is read as OCI when its index names images.
 * @throws Error when the archive is neither format, is malformed, or names nothing.
 */
export async function importArchive(store: ImageStore, file: string): Promise<ImportedImage[]> {
  const staged = await stageArchive(store, file);
  try {
    const hasOci = lookup(staged, 'oci-layout') !== undefined && lookup(staged, 'index.json') !== undefined;
    const hasDocker = lookup(staged, 'manifest.json') !== undefined;
    if (hasOci) {
      try {
        return await importOciLayout(store, staged);
      } catch (err) {
        if (!hasDocker) throw err;
      }
    }
    if (hasDocker) return await importDockerSave(store, staged);
    throw new Error(`${file}: not a docker-save or OCI image archive (no manifest.json or index.json)`);
  } finally {
    await fsp.rm(staged.dir, { recursive: true, force: true });
  }
}
