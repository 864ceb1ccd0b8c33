/**
 * Kubernetes' AtomicWriter (pkg/volume/util/atomic_writer.go): a volume's files live
 * in a timestamped directory `..<ts>`; `..data` is a symlink to it and every
 * top-level entry is a symlink through `..data`. An update writes a new directory and
 * swaps `..data` with one rename, so containers see all new files at once (this is how
 * ConfigMap and Secret updates reach mounted volumes).
 */
import { chmod, mkdir, mkdtemp, readdir, readFile, readlink, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Payload } from './volume-payload.js';

const DATA = '..data';

function timestampDir(now: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `..${now.getUTCFullYear()}_${p(now.getUTCMonth() + 1)}_${p(now.getUTCDate())}_${p(now.getUTCHours())}_${p(now.getUTCMinutes())}_${p(now.getUTCSeconds())}.`;
}

async function currentTarget(dir: string): Promise<string | undefined> {
  try {
    return await readlink(join(dir, DATA));
  } catch {
    return undefined;
  }
}

/** Whether the files under `dir/target` are exactly `payload` (content and mode). */
async function samePayload(dir: string, target: string, payload: Payload): Promise<boolean> {
  const base = join(dir, target);
  const seen = await listFiles(base, '');
  if (seen.length !== payload.size) return false;
  for (const [rel, f] of payload) {
    try {
      const st = await stat(join(base, rel));
      if ((st.mode & 0o7777) !== f.mode) return false;
      if (!(await readFile(join(base, rel))).equals(f.data)) return false;
    } catch {
      return false;
    }
  }
  return true;
}

async function listFiles(base: string, rel: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(base, rel), { withFileTypes: true }).catch(() => [])) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(base, r)));
    else out.push(r);
  }
  return out;
}

/**
 * Makes `dir` hold exactly `payload`. Returns true when files changed. Idempotent:
 * an unchanged payload touches nothing.
 */
export async function writePayload(dir: string, payload: Payload, now: Date = new Date()): Promise<boolean> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const old = await currentTarget(dir);
  if (old && (await samePayload(dir, old, payload))) return false;
  const tsPath = await mkdtemp(join(dir, timestampDir(now)));
  await chmod(tsPath, 0o755);
  for (const [rel, f] of payload) {
    const file = join(tsPath, rel);
    await mkdir(dirname(file), { recursive: true, mode: 0o755 });
    await writeFile(file, f.data);
    await chmod(file, f.mode);
  }
  const tmpLink = join(dir, `${DATA}_tmp`);
  await rm(tmpLink, { force: true });
  await symlink(tsPath.slice(dir.length + 1), tmpLink);
  await rename(tmpLink, join(dir, DATA));
  const top = new Set([...payload.keys()].map((p) => p.split('/')[0]!));
  for (const name of top) {
    const link = join(dir, name);
    const target = `${DATA}/${name}`;
    if ((await readlink(link).catch(() => undefined)) === target) continue;
    await rm(link, { force: true, recursive: true });
    await symlink(target, link);
  }
  for (const e of await readdir(dir)) {
    if (e === DATA || e === tsPath.slice(dir.length + 1)) continue;
    if (e.startsWith('..') || !top.has(e)) await rm(join(dir, e), { recursive: true, force: true });
  }
  return true;
}
