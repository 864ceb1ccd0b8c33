/**
 * Pod volumes on the node (pkg/volume + volumemanager, simplified to one node):
 * `emptyDir` (a directory under `<podsDir>/<uid>/volumes/kubernetes.io~empty-dir/<name>`;
 * with `medium: Memory` a tmpfs limited to `sizeLimit`), `hostPath` (created first for
 * `DirectoryOrCreate`/`FileOrCreate`), and the projections `configMap`, `secret`,
 * `downwardAPI` and `projected`, written with the AtomicWriter layout and rewritten on
 * every sync so updates to their sources reach the files. Everything under the pod
 * directory is unmounted and removed with the pod.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Container, Pod, Volume } from '../api/types.js';
import { writePayload } from './atomic-writer.js';
import type { ConfigSources } from './config-sources.js';
import type { Mount } from './cri/api.js';
import type { DownwardValues } from './env.js';
import { bytesOf } from './quantity.js';
import { volumePayload, VolumeSetupError } from './volume-payload.js';

const execFileP = promisify(execFile);

/** `<podsDir>/<uid>`, the pod's own directory. */
export function podDir(podsDir: string, uid: string): string {
  return join(podsDir, uid);
}

/** How one volume is provided on the host. */
export interface VolumeHostPath {
  path: string;
  /** `dir`: create a directory; `file`: create an empty file; `none`: use as is. */
  create: 'dir' | 'file' | 'none';
  /** tmpfs size in bytes (0 = no limit) when the volume is memory-backed. */
  tmpfs?: { sizeBytes: number };
  /** Plugin directory name for projections (`kubernetes.io~configmap`, ...). */
  projection?: boolean;
}

const PLUGIN_DIRS: Record<string, string> = {
  configMap: 'kubernetes.io~configmap', secret: 'kubernetes.io~secret', downwardAPI: 'kubernetes.io~downward-api', projected: 'kubernetes.io~projected',
};

/** Host path and setup of every volume the kubelet supports, by name. Pure. */
export function volumeHostPaths(pod: Pod, podsDir: string): Map<string, VolumeHostPath> {
  const out = new Map<string, VolumeHostPath>();
  const base = join(podDir(podsDir, pod.metadata.uid ?? ''), 'volumes');
  for (const v of pod.spec.volumes ?? []) {
    if (v.emptyDir !== undefined) {
      const ed = (v.emptyDir ?? {}) as { medium?: string; sizeLimit?: string };
      const hp: VolumeHostPath = { path: join(base, 'kubernetes.io~empty-dir', v.name), create: 'dir' };
      if (ed.medium === 'Memory') hp.tmpfs = { sizeBytes: ed.sizeLimit ? bytesOf(ed.sizeLimit) : 0 };
      out.set(v.name, hp);
    } else if (v.hostPath && typeof v.hostPath === 'object') {
      const h = v.hostPath as { path?: string; type?: string };
      if (h.path) out.set(v.name, { path: h.path, create: h.type === 'DirectoryOrCreate' ? 'dir' : h.type === 'FileOrCreate' ? 'file' : 'none' });
    } else {
      const kind = Object.keys(PLUGIN_DIRS).find((k) => v[k] !== undefined);
      if (kind) out.set(v.name, { path: join(base, PLUGIN_DIRS[kind]!, v.name), create: 'dir', projection: true });
    }
  }
  return out;
}

/** Mount points (from /proc/self/mounts) at or under `dir`, deepest first. */
export async function mountsUnder(dir: string): Promise<string[]> {
  const text = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
  const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
  return text.split('\n').map((l) => unescape(l.split(' ')[1] ?? '')).filter((p) => p === dir || p.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

async function ensureTmpfs(path: string, sizeBytes: number): Promise<void> {
  if ((await mountsUnder(path)).includes(path)) return;
  const opts = ['mode=0777', ...(sizeBytes > 0 ? [`size=${sizeBytes}`] : [])].join(',');
  await execFileP('mount', ['-t', 'tmpfs', '-o', opts, 'tmpfs', path]);
}

/** Result of prepareVolumes: host paths by volume name, and the volumes that failed. */
export interface PreparedVolumes {
  paths: Map<string, string>;
  errors: { volume: string; message: string }[];
}

async function prepareOne(pod: Pod, v: Volume, hp: VolumeHostPath, sources: ConfigSources, dv: DownwardValues): Promise<void> {
  if (hp.create === 'dir') {
    await mkdir(hp.path, { recursive: true });
    if (!hp.projection) await chmod(hp.path, 0o777).catch(() => {});
  } else if (hp.create === 'file') {
    await mkdir(dirname(hp.path), { recursive: true });
    await writeFile(hp.path, '', { flag: 'a' });
  }
  if (hp.tmpfs) await ensureTmpfs(hp.path, hp.tmpfs.sizeBytes);
  if (hp.projection) {
    const payload = volumePayload(pod, v, sources, dv);
    if (payload) await writePayload(hp.path, payload);
  }
}

/**
 * Sets up every volume (idempotent; projections rewritten only when their content
 * changed). A volume that fails is listed in `errors` (`configmap "x" not found`, ...).
 */
export async function prepareVolumes(pod: Pod, podsDir: string, sources: ConfigSources, dv: DownwardValues): Promise<PreparedVolumes> {
  const out: PreparedVolumes = { paths: new Map(), errors: [] };
  const hps = volumeHostPaths(pod, podsDir);
  for (const v of pod.spec.volumes ?? []) {
    const hp = hps.get(v.name);
    if (!hp) continue;
    try {
      await prepareOne(pod, v, hp, sources, dv);
      out.paths.set(v.name, hp.path);
    } catch (err) {
      out.errors.push({ volume: v.name, message: err instanceof VolumeSetupError || err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}

/** CRI mounts of a container's volumeMounts whose volumes are provided. Pure. */
export function containerMounts(c: Container, volumes: ReadonlyMap<string, string>): Mount[] {
  const out: Mount[] = [];
  for (const vm of c.volumeMounts ?? []) {
    const host = volumes.get(vm.name);
    if (!host) continue;
    out.push({ containerPath: vm.mountPath, hostPath: vm.subPath ? join(host, vm.subPath) : host, readonly: !!vm.readOnly });
  }
  return out;
}

/** Unmounts everything under the pod's directory (tmpfs volumes), then removes it. */
export async function removePodDir(podsDir: string, uid: string): Promise<void> {
  if (!uid) return;
  const dir = podDir(podsDir, uid);
  for (const m of await mountsUnder(dir)) await execFileP('umount', [m]).catch(() => execFileP('umount', ['-l', m]));
  await rm(dir, { recursive: true, force: true });
}
