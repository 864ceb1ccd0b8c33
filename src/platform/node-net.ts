/** Node network facts: the node IP, and per-data-dir pod CIDR and bridge names. */
import { createHash } from 'node:crypto';
import { networkInterfaces } from 'node:os';

/** The first non-internal IPv4 address of the machine, or 127.0.0.1. */
export function primaryNodeIP(): string {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.family === 'IPv4' && !a.internal && !a.address.startsWith('169.254.')) return a.address;
    }
  }
  return '127.0.0.1';
}

/**
 * A pod CIDR and bridge name unique to a data directory, so that several
 * clusters (a user's and a test's) can run side by side: `10.244.N.0/24` and
 * `pp<8 hex>` (at most 15 characters, the Linux interface name limit).
 */
export function nodeNetworkFor(dataDir: string): { podCIDR: string; bridgeName: string } {
  const h = createHash('sha256').update(dataDir).digest();
  const n = (h[0]! % 250) + 1;
  return { podCIDR: `10.244.${n}.0/24`, bridgeName: `pp${h.subarray(1, 5).toString('hex')}` };
}

export { portOrFree } from '../machinery/net.js';
