/**
 * Leak detection and enforced cleanup for e2e clusters: processes, mounts,
 * network namespaces and CNI bridges a stopped cluster must not leave behind.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { multinodeNetworkFor } from '../../src/platform/netns.js';
import { cleanupMultinode, linksWithPrefix, rulesWithComment } from '../../src/platform/multinode-cleanup.js';
import { cleanupProxyRules, leftoverProxyRules } from '../../src/proxy/iptables.js';
import { proxyTagFor } from '../../src/proxy/rules.js';

const execFileP = promisify(execFile);
const NETNS_DIR = '/run/netns';

/** Host state taken before a cluster starts, so that only what it created counts as a leak. */
export interface HostBaseline {
  netns: Set<string>;
  bridges: Set<string>;
}

/** What a stopped cluster left behind. Empty arrays mean clean. */
export interface Leaks {
  /** `pid cmdline` of processes mentioning the data dir, and their descendants. */
  processes: Array<{ pid: number; cmdline: string }>;
  /** Mount points under the data dir (from /proc/self/mountinfo). */
  mounts: string[];
  /** Network namespaces (in /run/netns) created while the cluster ran. */
  netns: string[];
  /** Bridges named in the cluster's CNI conflists, or created while it ran. */
  bridges: string[];
  /** Host veths of `up --nodes` workers (netns.ts names). */
  links: string[];
  /** Host iptables rules carrying the multi-node cluster's comment, and the service proxy's jumps and chains. */
  iptables: string[];
}

/** Records the network namespaces and bridges present now. */
export async function takeBaseline(): Promise<HostBaseline> {
  return { netns: new Set(await listNetns()), bridges: new Set(await listBridges()) };
}

/** True when nothing leaked. */
export function isClean(l: Leaks): boolean {
  return l.processes.length + l.mounts.length + l.netns.length + l.bridges.length + l.links.length + l.iptables.length === 0;
}

/** One line per leaked item, for error messages. */
export function describeLeaks(l: Leaks): string {
  return [
    ...l.processes.map((p) => `process ${p.pid}: ${p.cmdline}`),
    ...l.mounts.map((m) => `mount ${m}`),
    ...l.netns.map((n) => `netns ${n}`),
    ...l.bridges.map((b) => `bridge ${b}`),
    ...l.links.map((b) => `link ${b}`),
    ...l.iptables.map((r) => `iptables ${r}`),
  ].join('\n');
}

/**
 * Lists what is left of a cluster rooted at `dir`: processes whose cmdline mentions
 * `dir` (plus all their descendants, e.g. container processes under a shim), mounts at
 * or below `dir`, `cni-*` netns absent from `baseline`, and bridges that are named in
 * a `10-peapod.conflist` under `dir` (or in `knownBridges`) or are new since `baseline`.
 */
export async function findLeaks(dir: string, baseline: HostBaseline, knownBridges: Iterable<string> = []): Promise<Leaks> {
  const bridgesNow = await listBridges();
  const net = multinodeNetworkFor(dir);
  const ours = new Set([...knownBridges, ...(await conflistBridges(dir)), net.bridge]);
  return {
    processes: await findProcesses(dir),
    mounts: await findMounts(dir),
    netns: (await listNetns()).filter((n) => (n.startsWith('cni-') && !baseline.netns.has(n)) || n.startsWith(net.netnsPrefix)),
    // Only this cluster's bridges: other clusters (a developer's, a parallel test) may create theirs meanwhile.
    bridges: bridgesNow.filter((b) => ours.has(b)),
    links: await linksWithPrefix(net.vethPrefix),
    iptables: [
      ...(await rulesWithComment(net.ruleComment)).map((r) => `-t ${r.table} ${r.rule}`),
      ...(await leftoverProxyRules(proxyTagFor(dir))),
    ],
  };
}

/**
 * Runs the node's own tear-down, `cleanupNode(dir)` from src/kubelet/containerd/supervisor.ts
 * (what `peapod down` does), when that module loads. Never throws; returns the errors it
 * reported (its `errors` array) or threw, one per entry.
 */
export async function runNodeCleanup(dir: string): Promise<string[]> {
  // Workers of `up --nodes N` first (agents, their containerds, netns, bridge, rules), then the server's node.
  const workers = await cleanupMultinode(dir);
  const problems = workers.errors.map((e) => `cleanupMultinode: ${e}`);
  const nodeCleanup = await loadCleanupNode();
  if (!nodeCleanup) return problems;
  try {
    const report: unknown = await nodeCleanup(dir);
    const errors = (report as { errors?: unknown } | undefined)?.errors;
    return [...problems, ...(Array.isArray(errors) ? errors.map((e) => `cleanupNode: ${String(e)}`) : [])];
  } catch (err) {
    return [...problems, `cleanupNode(${dir}) failed: ${String(err)}`];
  }
}

/**
 * Removes everything in `leaks` directly: SIGKILL processes, `umount -l` mounts
 * (deepest first), `ip netns del`, `ip link del`.
 * Never throws; returns the problems it met, one per line.
 */
export async function cleanupLeaks(dir: string, leaks: Leaks): Promise<string[]> {
  const problems: string[] = [];
  for (const p of leaks.processes) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await waitGone(leaks.processes.map((p) => p.pid), 10_000);
  for (const m of [...leaks.mounts].sort((a, b) => b.length - a.length)) {
    await run('umount', ['-l', m], problems, /not mounted|no mount point|No such file/);
  }
  for (const n of leaks.netns) {
    if (existsSync(join(NETNS_DIR, n))) await run('ip', ['netns', 'del', n], problems, /No such file/);
  }
  for (const b of [...leaks.bridges, ...leaks.links]) {
    await run('ip', ['link', 'del', b], problems, /Cannot find device/);
  }
  const tag = proxyTagFor(dir);
  if (leaks.iptables.some((r) => r.includes(tag))) {
    await cleanupProxyRules(tag).catch((e: unknown) => problems.push(`cleanupProxyRules ${tag}: ${String(e)}`));
  }
  for (const r of leaks.iptables.filter((x) => !x.includes(tag))) {
    const m = /^-t (\S+) -A (.*)$/.exec(r);
    if (m) await run('sh', ['-c', `iptables -w -t ${m[1]} -D ${m[2]}`], problems, /does a matching rule exist|Bad rule/);
  }
  if (leaks.mounts.length > 0 && (await findMounts(dir)).length > 0) problems.push(`mounts remain under ${dir}`);
  return problems;
}

type CleanupNode = (dataDir: string) => Promise<unknown>;

async function loadCleanupNode(): Promise<CleanupNode | undefined> {
  const url = new URL('../../src/kubelet/containerd/supervisor.js', import.meta.url);
  if (!existsSync(fileURLToPath(url))) return undefined;
  try {
    const mod: unknown = await import(url.href);
    const fn = (mod as { cleanupNode?: unknown }).cleanupNode;
    return typeof fn === 'function' ? (fn as CleanupNode) : undefined;
  } catch {
    return undefined;
  }
}

async function run(cmd: string, args: string[], problems: string[], ignore: RegExp): Promise<void> {
  try {
    await execFileP(cmd, args);
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? err);
    if (!ignore.test(stderr)) problems.push(`${cmd} ${args.join(' ')}: ${stderr.trim()}`);
  }
}

async function waitGone(pids: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const alive = pids.filter((pid) => existsSync(`/proc/${pid}`) && !isZombieSync(pid));
    if (alive.length === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function isZombieSync(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return parseStat(stat)?.state === 'Z';
  } catch {
    return true;
  }
}

function parseStat(stat: string): { state: string; ppid: number } | undefined {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = rest[0];
  const ppid = Number(rest[1]);
  return state === undefined || !Number.isFinite(ppid) ? undefined : { state, ppid };
}

interface ProcInfo {
  pid: number;
  ppid: number;
  state: string;
  cmdline: string;
}

async function listProcesses(): Promise<ProcInfo[]> {
  const out: ProcInfo[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = parseStat(await readFile(`/proc/${name}/stat`, 'utf8'));
      const cmdline = (await readFile(`/proc/${name}/cmdline`, 'utf8')).split('\0').join(' ').trim();
      if (stat) out.push({ pid: Number(name), ppid: stat.ppid, state: stat.state, cmdline });
    } catch {
      // exited while we looked
    }
  }
  return out;
}

async function findProcesses(dir: string): Promise<Array<{ pid: number; cmdline: string }>> {
  const procs = (await listProcesses()).filter((p) => p.state !== 'Z');
  const self = new Set<number>();
  for (let pid: number | undefined = process.pid; pid !== undefined && pid > 1 && !self.has(pid); ) {
    self.add(pid);
    pid = procs.find((p) => p.pid === pid)?.ppid;
  }
  const hit = new Set(procs.filter((p) => p.cmdline.includes(dir) && !self.has(p.pid)).map((p) => p.pid));
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) {
      if (!hit.has(p.pid) && hit.has(p.ppid) && !self.has(p.pid)) {
        hit.add(p.pid);
        grew = true;
      }
    }
  }
  return procs.filter((p) => hit.has(p.pid)).map((p) => ({ pid: p.pid, cmdline: p.cmdline || `[pid ${p.pid}]` }));
}

/** Mount points at or below `dir`, decoded from /proc/self/mountinfo's octal escapes. */
export async function findMounts(dir: string): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const points = text
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => p !== undefined)
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
  return [...new Set(points.filter((p) => p === dir || p.startsWith(dir + '/')))];
}

async function listNetns(): Promise<string[]> {
  try {
    return await readdir(NETNS_DIR);
  } catch {
    return [];
  }
}

async function listBridges(): Promise<string[]> {
  try {
    const { stdout } = await execFileP('ip', ['-j', 'link', 'show', 'type', 'bridge']);
    const parsed: unknown = JSON.parse(stdout || '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed
      .map((l: unknown) => (typeof l === 'object' && l !== null ? (l as { ifname?: unknown }).ifname : undefined))
      .filter((n): n is string => typeof n === 'string');
  } catch {
    return [];
  }
}

/** Bridge names from every `*.conflist` up to 4 levels below `dir` (bridge plugin's `bridge`). */
export async function conflistBridges(dir: string, depth = 4): Promise<string[]> {
  const names: string[] = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return names;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory() && depth > 0 && e.name !== 'containerd') names.push(...(await conflistBridges(p, depth - 1)));
    else if (e.isFile() && e.name.endsWith('.conflist')) names.push(...(await bridgesOf(p)));
  }
  return [...new Set(names)];
}

async function bridgesOf(file: string): Promise<string[]> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    const plugins = (parsed as { plugins?: unknown }).plugins;
    if (!Array.isArray(plugins)) return [];
    return plugins
      .map((p: unknown) => (p as { type?: unknown; bridge?: unknown } | null))
      .filter((p) => p?.type === 'bridge' && typeof p.bridge === 'string')
      .map((p) => String(p?.bridge));
  } catch {
    return [];
  }
}
