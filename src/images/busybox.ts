/**
 * Building small single-layer images without a registry or a Docker daemon:
 * {@link buildImageArchive} writes a `docker save` archive from a list of files,
 * and {@link buildBusyboxImageArchive} uses it to make a busybox image from the
 * machine's static `/bin/busybox` (Debian's busybox-static). End-to-end tests load
 * these with `peapod image load`.
 *
 * Archives are deterministic: fixed mtimes, uid/gid 0, sorted entries, so the same
 * inputs always give the same image digest.
 */
import { execFile } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Header } from 'tar';
import { digestOf } from './store.js';
import { normalizeImageName } from './names.js';

/** One regular file of the image. `mode` defaults to 0o644 (0o755 when copied from an executable). */
export interface ImageFile {
  /** Absolute path inside the image, e.g. `/bin/busybox`. */
  path: string;
  content?: string | Buffer;
  /** Host file to copy (read fully into memory). */
  sourcePath?: string;
  mode?: number;
}

/** The parts of an image config (`config` in the OCI image config) that can be set. */
export interface ImageConfigSpec {
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  WorkingDir?: string;
  /** e.g. `{ "80/tcp": {} }` */
  ExposedPorts?: Record<string, Record<string, never>>;
  User?: string;
}

/** Everything {@link buildImageArchive} needs. */
export interface ImageArchiveSpec {
  /** Image name; normalised (`busybox` → `docker.io/library/busybox:latest`). */
  name: string;
  files?: ImageFile[];
  /** Symlinks: `path` → `target` (target written as given). */
  symlinks?: { path: string; target: string }[];
  /** Directories; `mode` defaults to 0o755 (parents are created implicitly at 0o755). */
  dirs?: { path: string; mode?: number }[];
  config?: ImageConfigSpec;
}

const EPOCH = new Date(0);
const BLOCK = 512;

/** One entry for {@link writeTar}. `data` is a regular file's content. */
export interface TarEntry {
  path: string;
  type: 'File' | 'Directory' | 'SymbolicLink';
  mode: number;
  data?: Buffer;
  linkpath?: string;
}

/**
 * Encodes entries as an uncompressed ustar stream (uid/gid 0, mtime 0).
 * @throws Error when a path or link target needs more than ustar allows (255/100 bytes).
 */
export function writeTar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const block = Buffer.alloc(BLOCK);
    const size = e.data?.length ?? 0;
    const h = new Header({
      path: e.path, mode: e.mode, uid: 0, gid: 0, size, mtime: EPOCH, type: e.type,
      linkpath: e.linkpath, uname: 'root', gname: 'root',
    });
    if (h.encode(block, 0)) throw new Error(`tar: ${e.path} needs a pax header (path or link too long)`);
    parts.push(block);
    if (e.data !== undefined && size > 0) {
      parts.push(e.data);
      const pad = (BLOCK - (size % BLOCK)) % BLOCK;
      if (pad > 0) parts.push(Buffer.alloc(pad));
    }
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

function rel(p: string): string {
  const r = path.posix.normalize('/' + p).slice(1);
  if (r === '' || r.startsWith('..')) throw new Error(`bad image path ${JSON.stringify(p)}`);
  return r;
}

async function layerEntries(spec: ImageArchiveSpec): Promise<TarEntry[]> {
  const byPath = new Map<string, TarEntry>();
  const addParents = (p: string): void => {
    for (let d = path.posix.dirname(p); d !== '.' && d !== ''; d = path.posix.dirname(d)) {
      if (!byPath.has(d + '/')) byPath.set(d + '/', { path: d + '/', type: 'Directory', mode: 0o755 });
    }
  };
  for (const d of spec.dirs ?? []) {
    const p = rel(d.path) + '/';
    addParents(p.slice(0, -1));
    byPath.set(p, { path: p, type: 'Directory', mode: d.mode ?? 0o755 });
  }
  for (const f of spec.files ?? []) {
    const p = rel(f.path);
    addParents(p);
    let data: Buffer;
    let mode = f.mode ?? 0o644;
    if (f.sourcePath !== undefined) {
      data = await fsp.readFile(f.sourcePath);
      if (f.mode === undefined) mode = (await fsp.stat(f.sourcePath)).mode & 0o111 ? 0o755 : 0o644;
    } else {
      data = typeof f.content === 'string' ? Buffer.from(f.content) : (f.content ?? Buffer.alloc(0));
    }
    byPath.set(p, { path: p, type: 'File', mode, data });
  }
  for (const s of spec.symlinks ?? []) {
    const p = rel(s.path);
    addParents(p);
    byPath.set(p, { path: p, type: 'SymbolicLink', mode: 0o777, linkpath: s.target });
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Writes a single-layer `docker save` archive (`manifest.json`, `<config>.json`,
 * `<layer>/layer.tar`, `repositories`) to `outFile` and returns the image name
 * (normalised) and its config digest (the Docker image ID).
 */
export async function buildImageArchive(outFile: string, spec: ImageArchiveSpec): Promise<{ name: string; imageId: string }> {
  const name = normalizeImageName(spec.name);
  const layer = writeTar(await layerEntries(spec));
  const diffId = digestOf(layer);
  const c = spec.config ?? {};
  const config = {
    architecture: process.arch === 'arm64' ? 'arm64' : process.arch === 'x64' ? 'amd64' : process.arch,
    os: 'linux',
    created: EPOCH.toISOString(),
    config: {
      ...(c.User !== undefined ? { User: c.User } : {}),
      ...(c.ExposedPorts !== undefined ? { ExposedPorts: c.ExposedPorts } : {}),
      Env: c.Env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      ...(c.Entrypoint !== undefined ? { Entrypoint: c.Entrypoint } : {}),
      ...(c.Cmd !== undefined ? { Cmd: c.Cmd } : {}),
      ...(c.WorkingDir !== undefined ? { WorkingDir: c.WorkingDir } : {}),
    },
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created: EPOCH.toISOString(), created_by: 'peapod buildImageArchive' }],
  };
  const configJson = Buffer.from(JSON.stringify(config));
  const imageId = digestOf(configJson);
  const configFile = `${imageId.slice('sha256:'.length)}.json`;
  const layerDir = diffId.slice('sha256:'.length);
  const shortName = name.startsWith('docker.io/library/') ? name.slice('docker.io/library/'.length) : name;
  const colon = shortName.lastIndexOf(':');
  const manifest = [{ Config: configFile, RepoTags: [shortName], Layers: [`${layerDir}/layer.tar`] }];
  const repositories = { [shortName.slice(0, colon)]: { [shortName.slice(colon + 1)]: layerDir } };
  const archive = writeTar([
    { path: configFile, type: 'File', mode: 0o644, data: configJson },
    { path: `${layerDir}/`, type: 'Directory', mode: 0o755 },
    { path: `${layerDir}/layer.tar`, type: 'File', mode: 0o644, data: layer },
    { path: 'manifest.json', type: 'File', mode: 0o644, data: Buffer.from(JSON.stringify(manifest)) },
    { path: 'repositories', type: 'File', mode: 0o644, data: Buffer.from(JSON.stringify(repositories)) },
  ]);
  await fsp.mkdir(path.dirname(path.resolve(outFile)), { recursive: true });
  await fsp.writeFile(outFile, archive);
  return { name, imageId };
}

/**
 * Builds a busybox image archive from the host's static busybox: `/bin/busybox`
 * plus a symlink `/bin/<applet>` → `busybox` per applet (`busybox --list`, as the
 * official image lays them out), `/etc/passwd` (root, nobody),
 * `/etc/group`, `/tmp` (1777), `/root`, Cmd `["sh"]` and the usual PATH.
 * @throws Error when `busyboxPath` is missing or is not a working busybox.
 */
export async function buildBusyboxImageArchive(
  outFile: string,
  name = 'docker.io/library/busybox:latest',
  busyboxPath = '/bin/busybox',
): Promise<{ name: string; imageId: string }> {
  const { stdout } = await promisify(execFile)(busyboxPath, ['--list'], { encoding: 'utf8' });
  const applets = stdout.split('\n').map((s) => s.trim()).filter((s) => /^[\w.[-]+$/.test(s) && s !== 'busybox');
  return buildImageArchive(outFile, {
    name,
    files: [
      { path: '/bin/busybox', sourcePath: busyboxPath, mode: 0o755 },
      { path: '/etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' },
      { path: '/etc/group', content: 'root:x:0:\nnobody:x:65534:\n' },
    ],
    symlinks: applets.map((a) => ({ path: `/bin/${a}`, target: 'busybox' })),
    dirs: [{ path: '/tmp', mode: 0o1777 }, { path: '/root', mode: 0o700 }, { path: '/home' }],
    config: { Cmd: ['sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
  });
}
