/**
 * iptables rules of the proxy, as kube-proxy's iptables mode writes them, generated as
 * one `iptables-restore --noflush` script (pure text; see proxier.ts for the I/O).
 *
 * nat table, per cluster tag `t` (6 hex digits, so that several peapod clusters on one
 * machine never share a chain):
 * - `PEAPOD-SERVICES-t` (jumped to from PREROUTING and OUTPUT): one rule per service port
 *   `-d clusterIP -p proto --dport port -j PEAPOD-SVC-…`, and last a jump to
 *   `PEAPOD-NODEPORTS-t` for local destinations (not 127.0.0.0/8);
 * - `PEAPOD-SVC-t<hash>`: traffic from outside the pod network is marked for masquerade,
 *   then one of the endpoints is chosen at random (`-m statistic --mode random
 *   --probability 1/(n-i)` for endpoint i of n);
 * - `PEAPOD-SEP-t<hash>`: hairpin traffic (from the endpoint itself) is marked, then DNAT;
 * - `PEAPOD-NODEPORTS-t`: node ports marked for masquerade, then the service chain;
 * - `PEAPOD-POSTROUTING-t` (first in POSTROUTING): masquerades marked packets;
 * - `PEAPOD-MARK-MASQ-t`: sets the mark bit 0x4000.
 * filter table: `PEAPOD-SERVICES-t` (from INPUT, FORWARD and OUTPUT for new connections)
 * rejects service ports without endpoints, so clients see "connection refused" at once.
 *
 * Jumps from the built-in chains carry the comment `peapod-services-t`; stale service and
 * endpoint chains are flushed and deleted in the same transaction.
 */
import { createHash } from 'node:crypto';
import { servicePortKey, type ServicePortInfo } from './model.js';

/** The mark bit of packets to masquerade (kube-proxy's 0x4000). */
export const MASQ_MARK = '0x4000';

/** Chain names of one cluster tag. */
export interface ChainNames {
  services: string;
  nodePorts: string;
  postrouting: string;
  markMasq: string;
  /** filter table chain. */
  filter: string;
  /** Prefix of per-service chains (`PEAPOD-SVC-<tag>`). */
  svcPrefix: string;
  /** Prefix of per-endpoint chains (`PEAPOD-SEP-<tag>`). */
  sepPrefix: string;
  /** Comment on the jump rules in built-in chains. */
  comment: string;
}

/** A cluster tag derived from a data directory: 6 hex digits. */
export function proxyTagFor(dataDir: string): string {
  return createHash('sha256').update(`proxy:${dataDir}`).digest('hex').slice(0, 6);
}

/** The chain names of `tag`. @throws RangeError for a tag that is not 6 hex digits. */
export function chainNames(tag: string): ChainNames {
  if (!/^[0-9a-f]{6}$/.test(tag)) throw new RangeError(`proxy tag must be 6 hex digits, got ${JSON.stringify(tag)}`);
  return {
    services: `PEAPOD-SERVICES-${tag}`,
    nodePorts: `PEAPOD-NODEPORTS-${tag}`,
    postrouting: `PEAPOD-POSTROUTING-${tag}`,
    markMasq: `PEAPOD-MARK-MASQ-${tag}`,
    filter: `PEAPOD-SERVICES-${tag}`,
    svcPrefix: `PEAPOD-SVC-${tag}`,
    sepPrefix: `PEAPOD-SEP-${tag}`,
    comment: `peapod-services-${tag}`,
  };
}

/** True when `chain` is one of the chains of `tag` (top-level or per service/endpoint). */
export function isTagChain(chain: string, tag: string): boolean {
  const n = chainNames(tag);
  return [n.services, n.nodePorts, n.postrouting, n.markMasq].includes(chain) || chain.startsWith(n.svcPrefix) || chain.startsWith(n.sepPrefix);
}

function hash10(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 10).toUpperCase();
}

/** `PEAPOD-SVC-<tag><10 hex>` of a service port (27 characters, under iptables' 28). */
export function svcChain(tag: string, p: ServicePortInfo): string {
  return `${chainNames(tag).svcPrefix}${hash10(`${servicePortKey(p)}/${p.protocol}`)}`;
}

/** `PEAPOD-SEP-<tag><10 hex>` of one endpoint of a service port. */
export function sepChain(tag: string, p: ServicePortInfo, ip: string, port: number): string {
  return `${chainNames(tag).sepPrefix}${hash10(`${servicePortKey(p)}/${p.protocol}/${ip}:${port}`)}`;
}

/** One rule in a built-in chain that jumps to a chain of ours. */
export interface JumpRule {
  table: 'nat' | 'filter';
  chain: string;
  /** The rule spec after `-A <chain>`, as iptables-save prints it. */
  spec: string;
}

/** The jumps from built-in chains (all must come before any foreign rule of their chain). */
export function jumpRules(tag: string): JumpRule[] {
  const n = chainNames(tag);
  const c = `-m comment --comment ${n.comment}`;
  return [
    { table: 'nat', chain: 'PREROUTING', spec: `${c} -j ${n.services}` },
    { table: 'nat', chain: 'OUTPUT', spec: `${c} -j ${n.services}` },
    { table: 'nat', chain: 'POSTROUTING', spec: `${c} -j ${n.postrouting}` },
    { table: 'filter', chain: 'INPUT', spec: `-m conntrack --ctstate NEW ${c} -j ${n.filter}` },
    { table: 'filter', chain: 'FORWARD', spec: `-m conntrack --ctstate NEW ${c} -j ${n.filter}` },
    { table: 'filter', chain: 'OUTPUT', spec: `-m conntrack --ctstate NEW ${c} -j ${n.filter}` },
  ];
}

/** What the current tables hold that matters to a sync (parsed from iptables-save). */
export interface TableState {
  /** Chain names present, per table. */
  chains: { nat: string[]; filter: string[] };
  /** `-A` lines of the built-in chains, per table, in order. */
  builtinRules: { nat: string[]; filter: string[] };
}

/** Parses `iptables-save -t <table>` output into chains and built-in chain rules. */
export function parseSave(text: string): { chains: string[]; builtinRules: string[] } {
  const chains: string[] = [];
  const builtinRules: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith(':')) chains.push(line.slice(1).split(' ')[0]!);
    else if (/^-A (PREROUTING|INPUT|FORWARD|OUTPUT|POSTROUTING) /.test(line)) builtinRules.push(line);
  }
  return { chains, builtinRules };
}

/**
 * The `-D`/`-I` lines that put each jump of `tag` in place: present once, and preceded
 * only by other peapod service jumps. Empty when everything is in place.
 */
export function jumpFixes(tag: string, table: 'nat' | 'filter', builtinRules: string[]): string[] {
  const out: string[] = [];
  for (const j of jumpRules(tag).filter((r) => r.table === table)) {
    const line = `-A ${j.chain} ${j.spec}`;
    const rules = builtinRules.filter((r) => r.startsWith(`-A ${j.chain} `));
    const at = rules.indexOf(line);
    const copies = rules.filter((r) => r === line).length;
    const foreignBefore = at < 0 || rules.slice(0, at).some((r) => !r.includes('--comment peapod-services-'));
    if (!foreignBefore && copies === 1) continue;
    for (let i = 0; i < copies; i++) out.push(`-D ${j.chain} ${j.spec}`);
    out.push(`-I ${j.chain} 1 ${j.spec}`);
  }
  return out;
}

function match(p: ServicePortInfo): string {
  const proto = p.protocol.toLowerCase();
  return `-p ${proto} -m ${proto}`;
}

/** Rules of one service port: its service chain and endpoint chains (nat), or a reject (filter). */
function servicePortRules(tag: string, p: ServicePortInfo, clusterCIDR: string, nat: string[], filter: string[], declared: Set<string>): void {
  const n = chainNames(tag);
  const key = servicePortKey(p);
  if (p.backends.length === 0) {
    filter.push(`-A ${n.filter} -d ${p.clusterIP}/32 ${match(p)} --dport ${p.port} -m comment --comment "${key} has no endpoints" -j REJECT --reject-with icmp-port-unreachable`);
    if (p.nodePort) filter.push(`-A ${n.filter} -m addrtype --dst-type LOCAL ${match(p)} --dport ${p.nodePort} -m comment --comment "${key} has no endpoints" -j REJECT --reject-with icmp-port-unreachable`);
    return;
  }
  const svc = svcChain(tag, p);
  declared.add(svc);
  nat.push(`-A ${n.services} -d ${p.clusterIP}/32 ${match(p)} --dport ${p.port} -m comment --comment "${key} cluster IP" -j ${svc}`);
  if (p.nodePort) {
    nat.push(`-A ${n.nodePorts} ${match(p)} --dport ${p.nodePort} -m comment --comment "${key} node port" -j ${n.markMasq}`);
    nat.push(`-A ${n.nodePorts} ${match(p)} --dport ${p.nodePort} -m comment --comment "${key} node port" -j ${svc}`);
  }
  nat.push(`-A ${svc} ! -s ${clusterCIDR} -d ${p.clusterIP}/32 ${match(p)} --dport ${p.port} -m comment --comment "${key} cluster IP" -j ${n.markMasq}`);
  const count = p.backends.length;
  p.backends.forEach((b, i) => {
    const sep = sepChain(tag, p, b.ip, b.port);
    declared.add(sep);
    const prob = i < count - 1 ? ` -m statistic --mode random --probability ${(1 / (count - i)).toFixed(11)}` : '';
    nat.push(`-A ${svc} -m comment --comment "${key} -> ${b.ip}:${b.port}"${prob} -j ${sep}`);
    nat.push(`-A ${sep} -s ${b.ip}/32 -m comment --comment "${key}" -j ${n.markMasq}`);
    nat.push(`-A ${sep} ${match(p)} -m comment --comment "${key}" -j DNAT --to-destination ${b.ip}:${b.port}`);
  });
}

/** Inputs of {@link buildRestoreScript}. */
export interface RestoreInput {
  tag: string;
  /** The cluster pod network: traffic from elsewhere to a cluster IP is masqueraded. */
  clusterCIDR: string;
  ports: ServicePortInfo[];
  /** Current state (chains to delete, jumps to fix). */
  state: TableState;
}

/** The whole `iptables-restore --noflush` script of one sync (nat and filter tables). */
export function buildRestoreScript(input: RestoreInput): string {
  const { tag, clusterCIDR, ports, state } = input;
  const n = chainNames(tag);
  const declared = new Set<string>();
  const nat: string[] = [
    `-A ${n.postrouting} -m mark ! --mark ${MASQ_MARK}/${MASQ_MARK} -j RETURN`,
    `-A ${n.postrouting} -j MARK --xor-mark ${MASQ_MARK}`,
    `-A ${n.postrouting} -m comment --comment "peapod service traffic requiring SNAT" -j MASQUERADE --random-fully`,
    `-A ${n.markMasq} -j MARK --or-mark ${MASQ_MARK}`,
  ];
  const filter: string[] = [];
  for (const p of ports) servicePortRules(tag, p, clusterCIDR, nat, filter, declared);
  nat.push(`-A ${n.services} -m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 -m comment --comment "peapod service node ports" -j ${n.nodePorts}`);
  const stale = state.chains.nat.filter((c) => (c.startsWith(n.svcPrefix) || c.startsWith(n.sepPrefix)) && !declared.has(c)).sort();
  const natChains = [n.services, n.nodePorts, n.postrouting, n.markMasq, ...[...declared].sort(), ...stale];
  return [
    '*nat',
    ...natChains.map((c) => `:${c} - [0:0]`),
    ...nat,
    ...jumpFixes(tag, 'nat', state.builtinRules.nat),
    ...stale.map((c) => `-X ${c}`),
    'COMMIT',
    '*filter',
    `:${n.filter} - [0:0]`,
    ...filter,
    ...jumpFixes(tag, 'filter', state.builtinRules.filter),
    'COMMIT',
    '',
  ].join('\n');
}

/**
 * The script that removes every rule and chain of `tag` from the given state (the jumps
 * first, then the chains, flushed and deleted); undefined when nothing is left.
 */
export function buildCleanupScript(tag: string, state: TableState): string | undefined {
  const n = chainNames(tag);
  const section = (table: 'nat' | 'filter'): string[] => {
    const jumps = state.builtinRules[table].filter((r) => r.includes(`--comment ${n.comment}`)).map((r) => `-D${r.slice(2)}`);
    const chains = state.chains[table].filter((c) => isTagChain(c, tag));
    if (!jumps.length && !chains.length) return [];
    return [`*${table}`, ...jumps, ...chains.map((c) => `:${c} - [0:0]`), ...chains.map((c) => `-X ${c}`), 'COMMIT'];
  };
  const lines = [...section('nat'), ...section('filter')];
  return lines.length ? [...lines, ''].join('\n') : undefined;
}
