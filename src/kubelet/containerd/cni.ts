/**
 * CNI network configuration for the node's pod network: one `bridge` network
 * (gateway + IP masquerade, host-local IPAM on the node's pod CIDR) chained with
 * `portmap` (hostPort support) and `loopback`.
 *
 * Mirrors what a Kubernetes node gets from a simple "bridge" CNI setup (as kind /
 * k3s's flannel host-gw setups do): every pod gets one IP from `podCIDR` and the
 * bridge is its default gateway.
 */
import { mkdir, writeFile, rename, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Options for {@link writeCniConfig}. */
export interface CniConfigOptions {
  /** The node's pod CIDR, IPv4 `a.b.c.d/n` (for example `10.244.7.0/24`). */
  podCIDR: string;
  /** Linux bridge interface name, at most 15 characters (IFNAMSIZ - 1). */
  bridgeName: string;
  /**
   * Where host-local keeps its IP allocations. Default: `<dir>/networks`, so
   * allocations live with the node's data and vanish with it (the plugin's own
   * default is the machine-wide `/var/lib/cni/networks`).
   */
  ipamDataDir?: string;
}

/** File name of the conflist written into the CNI conf dir. */
export const CNI_CONFLIST_NAME = '10-peapod.conflist';

/** CNI network name used for a bridge: unique per bridge so that iptables/cache entries never clash. */
export function cniNetworkName(bridgeName: string): string {
  return `peapod-${bridgeName}`;
}

/**
 * Builds the conflist object (CNI spec 1.0.0).
 *
 * @throws Error when `podCIDR` is not an IPv4 CIDR or `bridgeName` is not a valid
 *   interface name.
 */
export function buildCniConflist(dir: string, opts: CniConfigOptions): Record<string, unknown> {
  const gateway = gatewayFor(opts.podCIDR);
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(opts.bridgeName)) {
    throw new Error(`invalid bridge name ${JSON.stringify(opts.bridgeName)}: 1-15 chars [A-Za-z0-9_.-]`);
  }
  return {
    cniVersion: '1.0.0',
    name: cniNetworkName(opts.bridgeName),
    plugins: [
      {
        type: 'bridge',
        bridge: opts.bridgeName,
        isGateway: true,
        ipMasq: true,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: opts.podCIDR, gateway }]],
          routes: [{ dst: '0.0.0.0/0' }],
          dataDir: opts.ipamDataDir ?? join(dir, 'networks'),
        },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
      // Passes the bridge result through and makes sure `lo` is up (containerd's
      // CRI also runs its own built-in loopback network; both are idempotent).
      { type: 'loopback' },
    ],
  };
}

/**
 * Writes `<dir>/10-peapod.conflist` atomically (write + rename).
 * Must run BEFORE containerd starts: containerd 1.6 loads the conf dir once at
 * start and stays "cni plugin not initialized" if it is missing or deleted.
 *
 * @returns the absolute path of the written conflist.
 * @throws Error on invalid options (see {@link buildCniConflist}) or I/O failure.
 */
export async function writeCniConfig(dir: string, opts: CniConfigOptions): Promise<string> {
  const conflist = buildCniConflist(dir, opts);
  await mkdir(dir, { recursive: true });
  const file = join(dir, CNI_CONFLIST_NAME);
  const tmp = `${file}.tmp`;
  await writeFile(tmp, JSON.stringify(conflist, null, 2) + '\n', { mode: 0o644 });
  await rename(tmp, file);
  return file;
}

/**
 * Reads back the bridge name from conflists in `dir` (undefined when none is ours).
 * Used by cleanup to delete only the bridge this node created.
 */
export async function readCniBridgeName(dir: string): Promise<string | undefined> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return undefined;
  }
  if (!names.includes(CNI_CONFLIST_NAME)) return undefined;
  const parsed: unknown = JSON.parse(await readFile(join(dir, CNI_CONFLIST_NAME), 'utf8'));
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const plugins = (parsed as { plugins?: unknown }).plugins;
  if (!Array.isArray(plugins)) return undefined;
  for (const p of plugins as unknown[]) {
    if (typeof p === 'object' && p !== null && (p as { type?: unknown }).type === 'bridge') {
      const b = (p as { bridge?: unknown }).bridge;
      if (typeof b === 'string') return b;
    }
  }
  return undefined;
}

/** First usable address of an IPv4 CIDR (the bridge's gateway address). */
export function gatewayFor(cidr: string): string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) throw new Error(`invalid IPv4 CIDR ${JSON.stringify(cidr)}`);
  const octets = [m[1], m[2], m[3], m[4]].map((s) => Number(s));
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits < 8 || bits > 30) {
    throw new Error(`invalid IPv4 CIDR ${JSON.stringify(cidr)} (prefix must be 8..30)`);
  }
  const addr = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - bits);
  const network = addr - (addr % size);
  const gw = network + 1;
  return [24, 16, 8, 0].map((s) => Math.floor(gw / 2 ** s) % 256).join('.');
}
