/**
 * peapod's on-disk image store: content-addressed blobs plus tag references.
 *
 * Layout under the store directory (normally `<dataDir>/images/`):
 *
 * ```
 * blobs/sha256/<hex>            immutable content, named by its sha256
 * refs/<encoded name>.json      one file per image name: {name, digest, mediaType, size}
 * tmp/                          staging area (same filesystem, so renames are atomic)
 * ```
 *
 * Every write goes to `tmp/` first and is renamed into place, so a reader in another
 * process (the registry mirror inside `peapod server` while `peapod image load` runs)
 * never sees a partial blob or a partial reference. One file per reference means two
 * concurrent loads never lose each other's updates (no read-modify-write of a shared
 * index). This mirrors a registry's storage driver (distribution's `_manifests/tags/`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fsp, type ReadStream } from 'node:fs';
import * as path from 'node:path';

/** A content descriptor (OCI image-spec `Descriptor` subset). `size` is in bytes. */
export interface Descriptor {
  mediaType: string;
  /** `sha256:<64 hex>` */
  digest: string;
  size: number;
}

/** One named image in the store. */
export interface ImageRecord {
  /** Fully qualified name, e.g. `docker.io/library/busybox:latest`. */
  name: string;
  digest: string;
  mediaType: string;
  size: number;
}

/** Media types that are manifests (served from `/v2/<name>/manifests/`). */
export const MANIFEST_MEDIA_TYPES: readonly string[] = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];

const DIGEST_RE = /^sha256:([a-f0-9]{64})$/;

/** True when `s` is a well-formed `sha256:<64 lowercase hex>` digest. */
export function isDigest(s: string): boolean {
  return DIGEST_RE.test(s);
}

/** Computes the `sha256:<hex>` digest of a buffer. */
export function digestOf(data: Buffer | string): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}

function hexOf(digest: string): string {
  const m = DIGEST_RE.exec(digest);
  if (!m || m[1] === undefined) throw new Error(`invalid digest ${JSON.stringify(digest)}`);
  return m[1];
}

/**
 * Content-addressed image store on disk. All methods re-read the disk, so several
 * processes may share one directory; writes are atomic (tmp file + rename).
 */
export class ImageStore {
  /** Absolute store directory (`<dataDir>/images`). */
  readonly dir: string;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  /** Path of a blob file (it may not exist). Throws on a malformed digest. */
  blobPath(digest: string): string {
    return path.join(this.dir, 'blobs', 'sha256', hexOf(digest));
  }

  /** Creates (if needed) and returns a fresh, unique staging path under `tmp/`. */
  async tempPath(prefix = 'tmp'): Promise<string> {
    const dir = path.join(this.dir, 'tmp');
    await fsp.mkdir(dir, { recursive: true });
    return path.join(dir, `${prefix}-${process.pid}-${randomBytes(6).toString('hex')}`);
  }

  /** Whether a blob is present. */
  async hasBlob(digest: string): Promise<boolean> {
    if (!isDigest(digest)) return false;
    try {
      return (await fsp.stat(this.blobPath(digest))).isFile();
    } catch {
      return false;
    }
  }

  /** Size in bytes of a present blob, or undefined. */
  async blobSize(digest: string): Promise<number | undefined> {
    if (!isDigest(digest)) return undefined;
    try {
      const st = await fsp.stat(this.blobPath(digest));
      return st.isFile() ? st.size : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Stores `data` and returns its digest and size. If `expectedDigest` is given and
   * differs, throws without storing anything. Idempotent.
   */
  async putBlob(data: Buffer | string, expectedDigest?: string): Promise<{ digest: string; size: number }> {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    const digest = digestOf(buf);
    if (expectedDigest !== undefined && expectedDigest !== digest) {
      throw new Error(`digest mismatch: expected ${expectedDigest}, got ${digest}`);
    }
    if (!(await this.hasBlob(digest))) {
      const tmp = await this.tempPath('blob');
      await fsp.writeFile(tmp, buf);
      await this.commitTemp(tmp, digest);
    }
    return { digest, size: buf.length };
  }

  /**
   * Moves a staged file (from {@link tempPath}, already hashed by the caller) into
   * `blobs/` under `digest`. The file is renamed, so it must be on the store's
   * filesystem; an existing blob is kept and the staged file removed.
   */
  async commitTemp(tmpFile: string, digest: string): Promise<void> {
    const dest = this.blobPath(digest);
    await fsp.mkdir(path.dirname(dest), { recursive: true });
    if (await this.hasBlob(digest)) {
      await fsp.rm(tmpFile, { force: true });
      return;
    }
    await fsp.chmod(tmpFile, 0o444);
    await fsp.rename(tmpFile, dest);
  }

  /**
   * Opens a blob for reading, optionally a byte range (`start`..`end` inclusive);
   * `size` is the whole blob's size in bytes. Undefined when absent.
   */
  async openBlob(digest: string, range?: { start: number; end: number }): Promise<{ stream: ReadStream; size: number } | undefined> {
    const size = await this.blobSize(digest);
    if (size === undefined) return undefined;
    return { stream: createReadStream(this.blobPath(digest), range), size };
  }

  /** Reads a whole blob into memory; undefined when absent. */
  async readBlob(digest: string): Promise<Buffer | undefined> {
    if (!isDigest(digest)) return undefined;
    try {
      return await fsp.readFile(this.blobPath(digest));
    } catch {
      return undefined;
    }
  }

  /**
   * Points `name` (fully qualified `registry/repository:tag`) at a manifest. The
   * manifest blob must already be stored. Atomic: readers see the old or new target.
   */
  async setRef(name: string, desc: Descriptor): Promise<void> {
    if (!(await this.hasBlob(desc.digest))) throw new Error(`manifest ${desc.digest} is not in the store`);
    const dir = path.join(this.dir, 'refs');
    await fsp.mkdir(dir, { recursive: true });
    const tmp = await this.tempPath('ref');
    const record: ImageRecord = { name, digest: desc.digest, mediaType: desc.mediaType, size: desc.size };
    await fsp.writeFile(tmp, JSON.stringify(record) + '\n');
    await fsp.rename(tmp, path.join(dir, encodeURIComponent(name) + '.json'));
  }

  /** Reads one reference by its fully qualified name, or undefined. */
  async getRef(name: string): Promise<ImageRecord | undefined> {
    try {
      const text = await fsp.readFile(path.join(this.dir, 'refs', encodeURIComponent(name) + '.json'), 'utf8');
      return parseRecord(JSON.parse(text));
    } catch {
      return undefined;
    }
  }

  /**
   * Resolves a manifest the way a registry does: `reference` is a tag (looked up in
   * refs) or a digest (any stored blob that parses as a manifest). Returns the
   * manifest's descriptor, or undefined when it is not in the store.
   */
  async resolve(registry: string, repository: string, reference: string): Promise<Descriptor | undefined> {
    if (reference.startsWith('sha256:')) {
      const data = await this.readBlob(reference);
      if (data === undefined) return undefined;
      const mediaType = manifestMediaType(data);
      return mediaType === undefined ? undefined : { digest: reference, mediaType, size: data.length };
    }
    const rec = await this.getRef(`${registry}/${repository}:${reference}`);
    if (rec === undefined || !(await this.hasBlob(rec.digest))) return undefined;
    return { digest: rec.digest, mediaType: rec.mediaType, size: rec.size };
  }

  /** Every named image, sorted by name. */
  async list(): Promise<ImageRecord[]> {
    let files: string[];
    try {
      files = await fsp.readdir(path.join(this.dir, 'refs'));
    } catch {
      return [];
    }
    const out: ImageRecord[] = [];
    for (const f of files) {
      if (!f.endsWith('.json')) continue;
      const rec = await this.getRef(decodeURIComponent(f.slice(0, -'.json'.length)));
      if (rec !== undefined) out.push(rec);
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }
}

function parseRecord(v: unknown): ImageRecord | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const r = v as Record<string, unknown>;
  if (typeof r.name !== 'string' || typeof r.digest !== 'string' || !isDigest(r.digest)) return undefined;
  if (typeof r.mediaType !== 'string' || typeof r.size !== 'number') return undefined;
  return { name: r.name, digest: r.digest, mediaType: r.mediaType, size: r.size };
}

/**
 * The media type of a manifest blob (its `mediaType` field, or inferred from its
 * shape for OCI manifests that omit it); undefined when the blob is not a manifest.
 */
export function manifestMediaType(data: Buffer): string | undefined {
  if (data.length === 0 || data[0] !== 0x7b /* '{' */) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(data.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const m = v as Record<string, unknown>;
  if (typeof m.mediaType === 'string') {
    return MANIFEST_MEDIA_TYPES.includes(m.mediaType) ? m.mediaType : undefined;
  }
  if (m.schemaVersion !== 2) return undefined;
  if (Array.isArray(m.manifests)) return 'application/vnd.oci.image.index.v1+json';
  if (Array.isArray(m.layers) && typeof m.config === 'object') return 'application/vnd.oci.image.manifest.v1+json';
  return undefined;
}
