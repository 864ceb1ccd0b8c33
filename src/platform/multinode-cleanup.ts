/**
 * Tear-down of what `peapod up --nodes N` leaves on the machine after it stopped (or died):
 * worker agent processes, each worker node's containerd, shims, containers, mounts and cgroups
 * (cleanupNode on `<dataDir>/nodes/<name>`), the workers' network namespaces and veths, the
 * host bridge (its routes go with it) and the host iptables rules marked with the cluster's
 * comment, and the control-plane node's service proxy chains (proxy/rules.ts; workers' go with
 * their namespaces). Everything is found from the data dir alone (names are derived from it).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { cleanupNode } from '../kubelet/containerd/cleanup.js';
import { cleanupProxyRules } from '../proxy/iptables.js';
import { proxyTagFor } from '../proxy/rules.js';
import { multinodeNetworkFor } from './netns.js';

const execFileP = promisify(execFile);

/** What {@link cleanupMultinode} removed; `errors` lists failed steps (it goes on after each). */
export interface MultinodeCleanupReport {
  agentsKilled: number;
  workerNodes: string[];
  netnsDeleted: string[];
  linksDeleted: string[];
  iptablesRulesDeleted: number;
  /** Service proxy jumps and chains (rules.ts) removed from the host's tables. */
  proxyRulesDeleted: number;
  errors: string[];
}

/** PIDs of live processes whose command line names a path under `dir` (not this process). */
async function processesUnder(dir: string): Promise<number[]> {
  const out: number[] = [];
  for (const name of await readdir('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    const comm = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
    if (comm.startsWith('containerd')) continue; // cleanupNode stops those in order
    if (args.some((a) => a.startsWith(dir + '/'))) out.push(pid);
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function killAll(pids: number[]): Promise<void> {
  for (const pid of pids) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
  const end = Date.now() + 5000;
  while (pids.some(alive) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}

/** Host interfaces whose name starts with `prefix` (`ip -j link`). */
export async function linksWithPrefix(prefix: string): Promise<string[]> {
  try {
    const { stdout } = await execFileP('ip', ['-j', 'link', 'show']);
    const parsed: unknown = JSON.parse(stdout || '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed.map((l: unknown) => (l as { ifname?: unknown }).ifname).filter((n): n is string => typeof n === 'string' && n.startsWith(prefix));
  } catch {
    return [];
  }
}

/** Network namespaces (in /run/netns) whose name starts with `prefix`. */
export async function netnsWithPrefix(prefix: string): Promise<string[]> {
  return (await readdir('/run/netns').catch(() => [] as string[])).filter((n) => n.startsWith(prefix));
}

/** Host iptables rules (`-A ...` lines of iptables-save, per table) carrying `comment`. */
export async function rulesWithComment(comment: string): Promise<{ table: string; rule: string }[]> {
  const out: { table: string; rule: string }[] = [];
  for (const table of ['nat', 'filter']) {
    const { stdout } = await execFileP('iptables-save', ['-t', table]).catch(() => ({ stdout: '' }));
    for (const line of stdout.split('\n')) if (line.startsWith('-A ') && line.includes(comment)) out.push({ table, rule: line });
  }
  return out;
}

async function deleteRules(rules: { table: string; rule: string }[]): Promise<void> {
  for (const table of new Set(rules.map((r) => r.table))) {
    const script = [`*${table}`, ...rules.filter((r) => r.table === table).map((r) => `-D${r.rule.slice(2)}`), 'COMMIT', ''].join('\n');
    await new Promise<void>((resolve, reject) => {
      const child = execFile('iptables-restore', ['-w', '--noflush'], (err, _o, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve()));
      child.stdin?.end(script);
    });
  }
}

/**
 * Removes every trace of the workers of the cluster in `dataDir` (see the file comment).
 * Safe to run when nothing is left, and when `up` still runs (it then kills its agents).
 * Never throws; failures are in `errors`.
 */
export async function cleanupMultinode(dataDir: string, log: (line: string) => void = () => {}): Promise<MultinodeCleanupReport> {
  const net = multinodeNetworkFor(dataDir);
  const nodesDir = path.join(dataDir, 'nodes');
  const report: MultinodeCleanupReport = { agentsKilled: 0, workerNodes: [], netnsDeleted: [], linksDeleted: [], iptablesRulesDeleted: 0, proxyRulesDeleted: 0, errors: [] };
  const step = async (name: string, fn: () => Promise<void>): Promise<void> => {
    try { await fn(); } catch (e) { report.errors.push(`${name}: ${e instanceof Error ? e.message : String(e)}`); }
  };
  await step('agents', async () => {
    const pids = await processesUnder(nodesDir);
    await killAll(pids);
    report.agentsKilled = pids.length;
  });
  for (const name of await readdir(nodesDir).catch(() => [] as string[])) {
    const dir = path.join(nodesDir, name);
    if (!existsSync(path.join(dir, 'containerd'))) continue;
    report.workerNodes.push(name);
    await step(`node ${name}`, async () => {
      const r = await cleanupNode(dir);
      report.errors.push(...r.errors.map((e) => `node ${name}: ${e}`));
    });
  }
  await step('netns', async () => {
    for (const ns of await netnsWithPrefix(net.netnsPrefix)) {
      await execFileP('ip', ['netns', 'del', ns]);
      report.netnsDeleted.push(ns);
    }
  });
  await step('links', async () => {
    for (const l of [...(await linksWithPrefix(net.vethPrefix)), ...(await linksWithPrefix(net.bridge))]) {
      await execFileP('ip', ['link', 'del', l]).catch((e: unknown) => {
        if (!/Cannot find device/.test(String((e as { stderr?: unknown }).stderr ?? e))) throw e;
      });
      report.linksDeleted.push(l);
    }
  });
  await step('iptables', async () => {
    const rules = await rulesWithComment(net.ruleComment);
    if (rules.length) await deleteRules(rules);
    report.iptablesRulesDeleted = rules.length;
  });
  await step('service proxy rules', async () => {
    report.proxyRulesDeleted = await cleanupProxyRules(proxyTagFor(dataDir));
  });
  log(`cleanupMultinode ${dataDir}: ${JSON.stringify(report)}`);
  return report;
}
