/**
 * The proxy's iptables I/O: `iptables-save -t <table>` and `iptables-restore -w --noflush`
 * (one atomic transaction per table), behind a small interface with a fake for tests.
 * Also the clean-up of one cluster tag's rules (for `peapod down` and test harnesses).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { buildCleanupScript, chainNames, isTagChain, parseSave, type TableState } from './rules.js';

const execFileP = promisify(execFile);

/** What the proxier needs from iptables. */
export interface IptablesRunner {
  /** `iptables-save -t <table>` output. */
  save(table: 'nat' | 'filter'): Promise<string>;
  /** Feeds `script` to `iptables-restore -w --noflush`. @throws Error with iptables' stderr on failure. */
  restore(script: string): Promise<void>;
}

/** The real runner (needs root and iptables 1.8 with the nf_tables or legacy backend). */
export const execRunner: IptablesRunner = {
  async save(table) {
    const { stdout } = await execFileP('iptables-save', ['-t', table], { maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  },
  restore(script) {
    return new Promise<void>((resolve, reject) => {
      const child = execFile('iptables-restore', ['-w', '--noflush'], (err, _out, stderr) => {
        if (err) reject(new Error(`iptables-restore: ${String(stderr || err.message).trim()}`));
        else resolve();
      });
      child.stdin?.end(script);
    });
  },
};

/** The chains and built-in chain rules of both tables. */
export async function readTableState(runner: IptablesRunner): Promise<TableState> {
  const nat = parseSave(await runner.save('nat'));
  const filter = parseSave(await runner.save('filter'));
  return { chains: { nat: nat.chains, filter: filter.chains }, builtinRules: { nat: nat.builtinRules, filter: filter.builtinRules } };
}

/** Rules and chains of `tag` still present (for leak checks): `-t <table> <line>` texts. */
export async function leftoverProxyRules(tag: string, runner: IptablesRunner = execRunner): Promise<string[]> {
  const state = await readTableState(runner).catch(() => undefined);
  if (!state) return [];
  const n = chainNames(tag);
  const out: string[] = [];
  for (const table of ['nat', 'filter'] as const) {
    for (const r of state.builtinRules[table]) if (r.includes(`--comment ${n.comment}`)) out.push(`-t ${table} ${r}`);
    for (const c of state.chains[table]) if (isTagChain(c, tag)) out.push(`-t ${table} chain ${c}`);
  }
  return out;
}

/**
 * Removes every rule and chain of `tag` in the current network namespace.
 * Returns how many jumps and chains went. Never throws when nothing is there.
 * @throws Error when iptables-restore fails.
 */
export async function cleanupProxyRules(tag: string, runner: IptablesRunner = execRunner): Promise<number> {
  const state = await readTableState(runner);
  const script = buildCleanupScript(tag, state);
  if (!script) return 0;
  await runner.restore(script);
  return script.split('\n').filter((l) => l.startsWith('-D') || l.startsWith('-X')).length;
}
