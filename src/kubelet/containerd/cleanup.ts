/**
 * Tear-down of everything a peapod node's containerd left on the machine: pod
 * sandboxes (via CRI while containerd answers), containerd and shim processes,
 * container processes, mounts under the data dir (overlay rootfs, shm, netns), the
 * CNI bridge, CNI iptables rules and cache entries, and pod cgroups.
 *
 * Meant for test harnesses and `peapod` uninstall paths; a normal kubelet removes
 * pods one by one through the CRI instead.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readdir, readFile, rm, rmdir, stat } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { promisify } from 'node:util';
import { createRemoteRuntime } from '../cri/remote.js';
import { readCniBridgeName, cniNetworkName } from './cni.js';
import { containerdPaths } from './config.js';

const execFileP = promisify(execFile);

/** Options of {@link cleanupNode}. */
export interface CleanupNodeOptions {
  /** Extra cgroup paths (relative to each hierarchy, e.g. `/kubepods/pod<uid>`) the kubelet created. */
  cgroupParents?: string[];
  /** Also delete the data dir itself after everything is unmounted. Default false. */
  removeDataDir?: boolean;
  log?: (line: string) => void;
}

/** What {@link cleanupNode} did; `errors` lists steps that failed (best effort goes on). */
export interface CleanupReport {
  sandboxesRemoved: number;
  processesKilled: number;
  unmounted: string[];
  cgroupsRemoved: string[];
  bridgeDeleted: boolean;
  errors: string[];
}

interface BundleInfo { id: string; cgroupsPath?: string; netnsPath?: string; pid?: number; shimAddress?: string }

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Unescapes the octal escapes (`\040`) of /proc/self/mountinfo paths. */
export function unescapeMountPath(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Mount points (from mountinfo text) at or under `dir`, deepest first. */
export function mountsUnder(mountinfo: string, dir: string): string[] {
  const base = dir.replace(/\/+$/, '');
  const found = new Set<string>();
  for (const line of mountinfo.split('\n')) {
    const mp = line.split(' ')[4];
    if (!mp) continue;
    const p = unescapeMountPath(mp);
    if (p === base || p.startsWith(base + '/')) found.add(p);
  }
  return [...found].sort((a, b) => b.length - a.length);
}

async function collectBundles(stateDir: string): Promise<BundleInfo[]> {
  const out: BundleInfo[] = [];
  const taskRoot = join(stateDir, 'io.containerd.runtime.v2.task');
  for (const ns of await readdir(taskRoot).catch(() => [] as string[])) {
    for (const id of await readdir(join(taskRoot, ns)).catch(() => [] as string[])) {
      const dir = join(taskRoot, ns, id);
      const info: BundleInfo = { id };
      try {
        const spec: unknown = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
        const linux = (spec as { linux?: { cgroupsPath?: unknown; namespaces?: unknown } }).linux;
        if (typeof linux?.cgroupsPath === 'string') info.cgroupsPath = linux.cgroupsPath;
        if (Array.isArray(linux?.namespaces)) {
          for (const n of linux.namespaces as { type?: unknown; path?: unknown }[]) {
            if (n.type === 'network' && typeof n.path === 'string' && n.path) info.netnsPath = n.path;
          }
        }
      } catch { /* bundle without spec */ }
      const pid = Number((await readFile(join(dir, 'init.pid'), 'utf8').catch(() => '')).trim());
      if (pid > 0) info.pid = pid;
      const addr = (await readFile(join(dir, 'address'), 'utf8').catch(() => '')).trim();
      if (addr) info.shimAddress = addr.replace(/^unix:\/\//, '');
      out.push(info);
    }
  }
  return out;
}

/** Stops and removes every sandbox through the CRI; 0 when containerd does not answer. */
async function criTeardown(socket: string, errors: string[]): Promise<number> {
  if (!(await stat(socket).catch(() => undefined))) return 0;
  const cri = createRemoteRuntime(socket, { timeoutMs: 20_000 });
  let n = 0;
  try {
    await cri.runtime.version(AbortSignal.timeout(2000));
    for (const sb of await cri.runtime.listPodSandbox()) {
      try {
        await cri.runtime.stopPodSandbox(sb.id);
        await cri.runtime.removePodSandbox(sb.id);
        n++;
      } catch (e) {
        errors.push(`sandbox ${sb.id}: ${(e as Error).message}`);
      }
    }
  } catch {
    /* containerd not answering: manual path below */
  } finally {
    cri.close();
  }
  return n;
}

/** PIDs of containerd / containerd-shim processes whose command line mentions `dataDir`. */
async function containerdProcesses(dataDir: string): Promise<{ pid: number; shim: boolean }[]> {
  const out: { pid: number; shim: boolean }[] = [];
  for (const name of await readdir('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const comm = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
    if (!comm.startsWith('containerd')) continue;
    const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (args.some((a) => a === dataDir || a.startsWith(dataDir + '/'))) out.push({ pid, shim: comm.includes('shim') });
  }
  return out;
}

/** True while `pid` exists and is not a zombie (a zombie is dead, just not reaped yet). */
function alive(pid: number): boolean {
  try { process.kill(pid, 0); } catch { return false; }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch { return false; }
}

async function waitGone(pids: number[], ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (pids.some(alive)) {
    if (Date.now() > end) return false;
    await delay(25);
  }
  return true;
}

/** Mount points of the cgroup (v1 and v2) hierarchies. */
async function cgroupMounts(): Promise<string[]> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  const out: string[] = [];
  for (const line of info.split('\n')) {
    const [pre, post] = line.split(' - ');
    const fstype = post?.split(' ')[0];
    const mp = pre?.split(' ')[4];
    if (mp && (fstype === 'cgroup' || fstype === 'cgroup2')) out.push(unescapeMountPath(mp));
  }
  return out;
}

/** Kills every process in the given cgroups (all hierarchies) and returns how many. */
async function killCgroupProcs(paths: string[], mounts: string[]): Promise<number[]> {
  const pids = new Set<number>();
  for (const m of mounts) {
    for (const p of paths) {
      const procs = await readFile(join(m, p, 'cgroup.procs'), 'utf8').catch(() => '');
      for (const s of procs.split('\n')) if (Number(s) > 0) pids.add(Number(s));
    }
  }
  for (const pid of pids) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  return [...pids];
}

async function hasChildCgroups(dir: string): Promise<boolean> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.some((e) => e.isDirectory());
}

/** rmdir each cgroup (children first) in every hierarchy, then empty ancestors. */
async function removeCgroups(paths: string[], mounts: string[]): Promise<string[]> {
  const removed: string[] = [];
  const all = new Set<string>();
  for (const p of paths) {
    for (let d = p; d && d !== '/' && d !== '.'; d = dirname(d)) all.add(d);
  }
  const ordered = [...all].sort((a, b) => b.split('/').length - a.split('/').length);
  for (const p of ordered) {
    let any = false;
    for (const m of mounts) {
      for (let i = 0; i < 40; i++) {
        try { await rmdir(join(m, p)); any = true; break; } catch (e) {
          // ENOENT: not in this hierarchy. EBUSY (v1) / ENOTEMPTY: child cgroups (in use
          // by someone else: leave it) or processes still exiting (retry briefly).
          const code = (e as NodeJS.ErrnoException).code;
          if ((code !== 'EBUSY' && code !== 'ENOTEMPTY') || (await hasChildCgroups(join(m, p)))) break;
          await delay(25);
        }
      }
    }
    if (any) removed.push(p);
  }
  return removed;
}

async function unmountAll(dirs: string[]): Promise<string[]> {
  const done: string[] = [];
  for (let pass = 0; pass < 4; pass++) {
    const info = await readFile('/proc/self/mountinfo', 'utf8');
    const targets = [...new Set(dirs.flatMap((d) => mountsUnder(info, d)))].sort((a, b) => b.length - a.length);
    if (targets.length === 0) break;
    for (const t of targets) {
      try { await execFileP('umount', [t]); } catch {
        await execFileP('umount', ['-l', t]).catch(() => undefined);
      }
      done.push(t);
    }
  }
  return done;
}

/** Deletes nat rules/chains the bridge plugin's ipMasq created for `network` (comment `name: "<network>"`). */
async function cleanupIptables(network: string): Promise<void> {
  const { stdout } = await execFileP('iptables-save', ['-t', 'nat']).catch(() => ({ stdout: '' }));
  const marker = `name: \\"${network}\\"`;
  const rules = stdout.split('\n').filter((l) => l.startsWith('-A ') && l.includes(marker));
  if (rules.length === 0) return;
  const chains = new Set<string>();
  for (const r of rules) {
    const m = / -j (CNI-[0-9a-f]+)\b/.exec(r);
    if (m?.[1]) chains.add(m[1]);
  }
  const script = ['*nat', ...rules.map((r) => '-D' + r.slice(2)), ...[...chains].flatMap((c) => [`-F ${c}`, `-X ${c}`]), 'COMMIT', ''];
  await new Promise<void>((resolve, reject) => {
    const child = execFile('iptables-restore', ['--noflush'], (err) => (err ? reject(err) : resolve()));
    child.stdin?.end(script.join('\n'));
  });
}

/**
 * Leaves nothing of the node behind: stops/removes all sandboxes via the CRI (if
 * containerd answers), stops this data dir's containerd (SIGTERM) and kills leftover
 * shims and container processes (SIGKILL), unmounts everything under `dataDir` and
 * any netns outside it, deletes the CNI bridge named in `<dataDir>/cni`, CNI nat
 * rules and cache entries of its network, shim sockets, and removes the pod cgroups
 * (from the containers' specs plus `cgroupParents`) with their empty ancestors.
 * Never throws for a failed step: see `errors` in the report.
 */
export async function cleanupNode(dataDir: string, options: CleanupNodeOptions = {}): Promise<CleanupReport> {
  const log = options.log ?? (() => {});
  const paths = containerdPaths(dataDir);
  const report: CleanupReport = { sandboxesRemoved: 0, processesKilled: 0, unmounted: [], cgroupsRemoved: [], bridgeDeleted: false, errors: [] };
  const step = async (name: string, fn: () => Promise<void>): Promise<void> => {
    const t0 = Date.now();
    try { await fn(); } catch (e) { report.errors.push(`${name}: ${(e as Error).message}`); }
    log(`cleanupNode step ${name}: ${Date.now() - t0} ms`);
  };
  const bundles = await collectBundles(paths.state);
  const bridge = await readCniBridgeName(paths.cniConfDir).catch(() => undefined);
  await step('cri', async () => { report.sandboxesRemoved = await criTeardown(paths.socket, report.errors); });
  const mounts = await cgroupMounts().catch(() => [] as string[]);
  const cgroupPaths = [...bundles.flatMap((b) => (b.cgroupsPath ? [b.cgroupsPath] : [])), ...(options.cgroupParents ?? [])];

  await step('processes', async () => {
    const daemons = (await containerdProcesses(dataDir)).filter((p) => !p.shim).map((p) => p.pid);
    for (const pid of daemons) { try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ } }
    if (!(await waitGone(daemons, 10_000))) for (const pid of daemons) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    const victims = await killCgroupProcs(cgroupPaths, mounts);
    for (const b of bundles) if (b.pid && alive(b.pid)) { try { process.kill(b.pid, 'SIGKILL'); victims.push(b.pid); } catch { /* exited meanwhile */ } }
    await waitGone(victims, 2000); // let the shims reap and record their containers' exit
    const shims = (await containerdProcesses(dataDir)).map((p) => p.pid);
    for (const pid of shims) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    report.processesKilled = daemons.length + victims.length + shims.length;
    if (!(await waitGone([...daemons, ...victims, ...shims], 5000))) throw new Error('some processes survived SIGKILL');
  });
  await step('mounts', async () => {
    const netns = bundles.flatMap((b) => (b.netnsPath && !b.netnsPath.startsWith('/proc/') ? [b.netnsPath] : []));
    report.unmounted = await unmountAll([dataDir, ...netns.filter((n) => !n.startsWith(dataDir + '/'))]);
    for (const n of netns) await rm(n, { force: true }).catch(() => undefined);
  });
  await step('shim sockets', async () => {
    for (const b of bundles) if (b.shimAddress?.startsWith('/run/containerd/s/')) await rm(b.shimAddress, { force: true });
  });
  if (bridge) {
    await step('bridge', async () => {
      if (await stat(`/sys/class/net/${bridge}`).catch(() => undefined)) {
        await execFileP('ip', ['link', 'delete', bridge]);
        report.bridgeDeleted = true;
      }
    });
    const network = cniNetworkName(bridge);
    await step('iptables', () => cleanupIptables(network));
    await step('cni cache', async () => {
      const dir = '/var/lib/cni/results';
      const ids = new Set(bundles.map((b) => b.id));
      for (const f of await readdir(dir).catch(() => [] as string[])) {
        const lo = /^cni-loopback-([0-9a-f]+)-lo$/.exec(f);
        if (f.startsWith(`${network}-`) || (lo?.[1] && ids.has(lo[1]))) await rm(join(dir, f), { force: true });
      }
    });
  }
  await step('cgroups', async () => { report.cgroupsRemoved = await removeCgroups(cgroupPaths, mounts); });
  if (options.removeDataDir) await step('data dir', () => rm(dataDir, { recursive: true, force: true }));
  log(`cleanupNode ${dataDir}: ${JSON.stringify(report)}`);
  return report;
}
