/**
 * Network plumbing of `peapod up --nodes N`: every worker node stands for a separate host,
 * so it gets its own network namespace, plugged into one host bridge by a veth pair, with a
 * node IP on a private /24 (`172.31.K.0/24`, K derived from the data dir; the host is `.1`,
 * worker k is `.(10+k)`). Pod CIDRs reach each other as flannel's host-gw backend does:
 * the host routes each worker's pod CIDR via that worker's node IP, every worker's default
 * route is the host, and pod-to-pod traffic inside the cluster CIDR is never masqueraded.
 *
 * The plan is pure (names and `ip`/`iptables` argument vectors, tested in netns.test.ts);
 * {@link runCommands} carries it out.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

/** Network of one multi-node cluster, derived from its data dir. */
export interface MultinodeNetwork {
  /** Host bridge name (`ppb` + 8 hex, at most 15 characters). */
  bridge: string;
  /** `172.31.K` — the /24 of node IPs. */
  subnetPrefix: string;
  /** The host's address on the bridge (`172.31.K.1`): the workers' gateway and API server address. */
  hostIP: string;
  /** Prefix of this cluster's netns names (`peapod-<8 hex>-`). */
  netnsPrefix: string;
  /** Prefix of host-side veth names (`ppv<8 hex>`). */
  vethPrefix: string;
  /** iptables comment marking this cluster's host rules. */
  ruleComment: string;
}

/** One worker's place in the network. */
export interface WorkerNetwork {
  /** Node name, e.g. `peapod-worker` / `peapod-worker2` (kind's naming). */
  nodeName: string;
  /** Network namespace name (`/run/netns/<netns>`). */
  netns: string;
  /** Host end of the veth pair (attached to the bridge). */
  vethHost: string;
  /** The namespace end before it is renamed to `eth0`. */
  vethPeer: string;
  /** The node IP (`172.31.K.(10+index)`). */
  nodeIP: string;
}

/** The cluster pod network (pod CIDRs are /24s of it); traffic inside it is not masqueraded. */
export const CLUSTER_POD_CIDR = '10.244.0.0/16';

/** Derives the bridge, subnet and name prefixes for a data dir (pure; same dir, same answer). */
export function multinodeNetworkFor(dataDir: string): MultinodeNetwork {
  const h = createHash('sha256').update(`multinode:${dataDir}`).digest();
  const hex = h.subarray(1, 5).toString('hex');
  const k = (h[0]! % 240) + 10;
  return {
    bridge: `ppb${hex}`,
    subnetPrefix: `172.31.${k}`,
    hostIP: `172.31.${k}.1`,
    netnsPrefix: `peapod-${hex}-`,
    vethPrefix: `ppv${hex}`,
    ruleComment: `peapod-multinode-${hex}`,
  };
}

/**
 * Worker `index` (1-based, at most 200) of the cluster: kind-style name (`<prefix>-worker`,
 * `<prefix>-worker2`, ...), netns, veth names and node IP.
 * @throws RangeError for an index outside 1..200.
 */
export function workerNetwork(net: MultinodeNetwork, index: number, namePrefix = 'peapod'): WorkerNetwork {
  if (!Number.isInteger(index) || index < 1 || index > 200) throw new RangeError(`worker index ${index} outside 1..200`);
  const nodeName = `${namePrefix}-worker${index === 1 ? '' : index}`;
  return {
    nodeName,
    netns: `${net.netnsPrefix}w${index}`,
    vethHost: `${net.vethPrefix}${index}`,
    vethPeer: `${net.vethPrefix}p${index}`,
    nodeIP: `${net.subnetPrefix}.${10 + index}`,
  };
}

/** A command of the plan: program and arguments; `ignore` matches stderr that means "already so". */
export interface PlanCommand {
  argv: string[];
  ignore?: RegExp;
}

const EXISTS = /File exists|already exists|already assigned/;

/** Host bridge with the host IP, up (idempotent). */
export function bridgeSetup(net: MultinodeNetwork): PlanCommand[] {
  return [
    { argv: ['ip', 'link', 'add', net.bridge, 'type', 'bridge'], ignore: EXISTS },
    { argv: ['ip', 'addr', 'add', `${net.hostIP}/24`, 'dev', net.bridge], ignore: EXISTS },
    { argv: ['ip', 'link', 'set', net.bridge, 'up'] },
  ];
}

/** A worker's netns, veth pair (`eth0` inside), node IP, loopback, default route via the host, forwarding on. */
export function workerSetup(net: MultinodeNetwork, w: WorkerNetwork): PlanCommand[] {
  const inNs = (...argv: string[]): string[] => ['ip', '-n', w.netns, ...argv];
  return [
    { argv: ['ip', 'netns', 'add', w.netns], ignore: EXISTS },
    { argv: ['ip', 'link', 'add', w.vethHost, 'type', 'veth', 'peer', 'name', w.vethPeer, 'netns', w.netns], ignore: EXISTS },
    { argv: ['ip', 'link', 'set', w.vethHost, 'master', net.bridge, 'up'] },
    { argv: inNs('link', 'set', w.vethPeer, 'name', 'eth0'), ignore: /Cannot find device/ },
    { argv: inNs('addr', 'add', `${w.nodeIP}/24`, 'dev', 'eth0'), ignore: EXISTS },
    { argv: inNs('link', 'set', 'eth0', 'up') },
    { argv: inNs('link', 'set', 'lo', 'up') },
    { argv: inNs('route', 'replace', 'default', 'via', net.hostIP, 'dev', 'eth0') },
    { argv: ['nsenter', `--net=/run/netns/${w.netns}`, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1'] },
  ];
}

/** Host route of a worker's pod CIDR via its node IP (replace: idempotent). */
export function podRoute(net: MultinodeNetwork, podCIDR: string, nodeIP: string): PlanCommand {
  return { argv: ['ip', 'route', 'replace', podCIDR, 'via', nodeIP, 'dev', net.bridge] };
}

/**
 * iptables rules of the host (each `-C` checked first by {@link ensureIptablesRule}): the
 * control-plane node's pods reach other nodes' pods unmasqueraded, and the bridge forwards.
 */
export function hostRules(net: MultinodeNetwork, controlPlanePodCIDR: string): { table: string; chain: string; rule: string[] }[] {
  const c = ['-m', 'comment', '--comment', net.ruleComment];
  return [
    { table: 'nat', chain: 'POSTROUTING', rule: ['-s', controlPlanePodCIDR, '-d', CLUSTER_POD_CIDR, ...c, '-j', 'RETURN'] },
    { table: 'filter', chain: 'FORWARD', rule: ['-i', net.bridge, ...c, '-j', 'ACCEPT'] },
    { table: 'filter', chain: 'FORWARD', rule: ['-o', net.bridge, ...c, '-j', 'ACCEPT'] },
  ];
}

/** The no-masquerade rule a node puts first in its nat POSTROUTING: its pods talk to other pods with their own IPs. */
export function noMasqueradeRule(podCIDR: string, clusterCIDR = CLUSTER_POD_CIDR): { table: string; chain: string; rule: string[] } {
  return { table: 'nat', chain: 'POSTROUTING', rule: ['-s', podCIDR, '-d', clusterCIDR, '-m', 'comment', '--comment', 'peapod: pod-to-pod without NAT', '-j', 'RETURN'] };
}

/** Inserts `rule` at the top of `chain` unless an identical rule exists (`iptables -C`). */
export async function ensureIptablesRule(r: { table: string; chain: string; rule: string[] }): Promise<void> {
  try {
    await execFileP('iptables', ['-w', '-t', r.table, '-C', r.chain, ...r.rule]);
  } catch {
    await execFileP('iptables', ['-w', '-t', r.table, '-I', r.chain, '1', ...r.rule]);
  }
}

/**
 * Runs the commands in order; a failure whose stderr matches the command's `ignore` counts as done.
 * @throws Error naming the command and its stderr on any other failure.
 */
export async function runCommands(cmds: PlanCommand[]): Promise<void> {
  for (const c of cmds) {
    try {
      await execFileP(c.argv[0]!, c.argv.slice(1));
    } catch (e) {
      const stderr = String((e as { stderr?: unknown }).stderr ?? e);
      if (c.ignore?.test(stderr)) continue;
      throw new Error(`${c.argv.join(' ')}: ${stderr.trim()}`);
    }
  }
}
