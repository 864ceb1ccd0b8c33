/**
 * Cluster IP and node port allocation persisted in the store (Kubernetes keeps a
 * bitmap in `/registry/ranges/serviceips` and `.../servicenodeports`; peapod keeps
 * one key per allocated value, `/registry/ranges/serviceips/10.96.12.7`, whose value
 * names the owning Service). A value is given out by an atomic key create, so it is
 * never given twice, and allocations survive restarts with the store.
 *
 * Dynamic allocation picks at random (as upstream) from the upper part of the range,
 * leaving the lower band (`10.96.0.0`–`10.96.0.255` for a /12) to static requests such
 * as the `kubernetes` service's `10.96.0.1`; it falls back to a scan of the whole range.
 */
import { StoreKeyExistsError, StoreKeyNotFoundError, type Store } from '../../storage/store.js';

/** The service IP range (kube-apiserver's `--service-cluster-ip-range` default in kind/kubeadm). */
export const SERVICE_CIDR = '10.96.0.0/12';
/** The `kubernetes` service's address: the first address of the range. */
export const KUBERNETES_SERVICE_IP = '10.96.0.1';
/** The node port range (`--service-node-port-range` default), inclusive. */
export const NODE_PORT_RANGE = { first: 30000, last: 32767 } as const;

/** Dotted IPv4 to a 32-bit unsigned number. @throws RangeError for a malformed address. */
export function ipToNumber(ip: string): number {
  const parts = ip.split('.').map((p) => Number(p));
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new RangeError(`not an IPv4 address: ${ip}`);
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

/** A 32-bit unsigned number to dotted IPv4. */
export function numberToIP(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** The usable addresses of a CIDR (network and broadcast excluded), inclusive bounds. */
export function cidrRange(cidr: string): { first: number; last: number } {
  const [ip, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (!ip || !Number.isInteger(bits) || bits < 1 || bits > 30) throw new RangeError(`bad CIDR ${cidr}`);
  const size = 2 ** (32 - bits);
  const base = ipToNumber(ip) - (ipToNumber(ip) % size);
  return { first: base + 1, last: base + size - 2 };
}

/** True when `ip` lies in `cidr` (network and broadcast addresses included). */
export function cidrContains(cidr: string, ip: string): boolean {
  const r = cidrRange(cidr);
  try {
    const n = ipToNumber(ip);
    return n >= r.first - 1 && n <= r.last + 1;
  } catch {
    return false;
  }
}

/** Size of the static lower band of a service IP range of `size` addresses: min(max(16, size/16), 256), as upstream (node ports use min(max(16, size/32), 128)). */
export function staticBandSize(size: number): number {
  return Math.min(Math.max(16, Math.floor(size / 16)), 256);
}

/** The outcome of claiming a specific value. */
export type ClaimResult = 'claimed' | 'taken' | 'out-of-range';

/** What is stored for an allocated value. */
export interface Allocation {
  /** `namespace/name` of the owning Service. */
  owner: string;
  /** RFC 3339 time of allocation. */
  at: string;
}

/** Thrown when no free value is left. */
export class RangeFullError extends Error {
  constructor(what: string) {
    super(`failed to allocate a ${what}: range is full`);
    this.name = 'RangeFullError';
  }
}

/** Options of {@link StoreAllocator}. */
export interface StoreAllocatorOptions {
  /** Key prefix, ending in `/`. */
  prefix: string;
  first: number;
  last: number;
  /** Text form of a value in keys and messages. */
  format(n: number): string;
  /** Values never given out dynamically. */
  reserved?: number[];
  /** Dynamic allocation starts here (the static band lies below). */
  dynamicFirst?: number;
  /** `serviceIP` or `nodePort`, for errors. */
  what: string;
  random?: () => number;
}

/** A range of values allocated through store keys. */
export class StoreAllocator {
  constructor(private readonly store: Store, private readonly o: StoreAllocatorOptions) {}

  /** True when `n` lies in the range. */
  contains(n: number): boolean {
    return Number.isInteger(n) && n >= this.o.first && n <= this.o.last;
  }

  private key(n: number): string {
    return `${this.o.prefix}${this.o.format(n)}`;
  }

  /** Claims a specific value for `owner`; a value the same owner holds counts as claimed. */
  async claim(n: number, owner: string, now = new Date()): Promise<ClaimResult> {
    if (!this.contains(n)) return 'out-of-range';
    const value: Allocation = { owner, at: now.toISOString() };
    try {
      await this.store.create(this.key(n), JSON.stringify(value));
      return 'claimed';
    } catch (e) {
      if (!(e instanceof StoreKeyExistsError)) throw e;
      const cur = await this.get(n);
      return cur?.owner === owner ? 'claimed' : 'taken';
    }
  }

  /** True when `n` is allocated (to anyone). */
  async isAllocated(n: number): Promise<boolean> {
    return (await this.store.get(this.key(n))) !== undefined;
  }

  /** The allocation of `n`, if any. */
  async get(n: number): Promise<Allocation | undefined> {
    const kv = await this.store.get(this.key(n));
    return kv ? (JSON.parse(kv.value) as Allocation) : undefined;
  }

  /**
   * Allocates a free value for `owner` (random in the dynamic band, then a scan).
   * With `peek`, returns a free value without claiming it (dry run).
   * @throws RangeFullError when every value is taken.
   */
  async allocate(owner: string, peek = false, now = new Date()): Promise<number> {
    const random = this.o.random ?? Math.random;
    const lo = this.o.dynamicFirst ?? this.o.first;
    const reserved = new Set(this.o.reserved ?? []);
    for (let i = 0; i < 32; i++) {
      const n = lo + Math.floor(random() * (this.o.last - lo + 1));
      if (reserved.has(n)) continue;
      if (peek ? !(await this.isAllocated(n)) : (await this.claim(n, owner, now)) === 'claimed') return n;
    }
    const taken = new Set((await this.entries()).keys());
    for (const start of [lo, this.o.first]) {
      for (let n = start; n <= this.o.last; n++) {
        if (taken.has(n) || reserved.has(n)) continue;
        if (peek || (await this.claim(n, owner, now)) === 'claimed') return n;
      }
    }
    throw new RangeFullError(this.o.what);
  }

  /** Releases `n` if `owner` holds it (idempotent). */
  async release(n: number, owner: string): Promise<void> {
    const kv = await this.store.get(this.key(n));
    if (!kv || (JSON.parse(kv.value) as Allocation).owner !== owner) return;
    try {
      await this.store.delete(this.key(n), kv.modRevision);
    } catch (e) {
      if (!(e instanceof StoreKeyNotFoundError)) throw e;
    }
  }

  /** Every allocation, by value. */
  async entries(): Promise<Map<number, Allocation>> {
    const out = new Map<number, Allocation>();
    const list = await this.store.list(this.o.prefix);
    for (const kv of list.items) {
      const text = kv.key.slice(this.o.prefix.length);
      const n = this.o.what === 'serviceIP' ? ipToNumber(text) : Number(text);
      out.set(n, JSON.parse(kv.value) as Allocation);
    }
    return out;
  }

  /** Removes the allocation of `n` whoever holds it (repair). */
  async forget(n: number): Promise<void> {
    await this.store.delete(this.key(n)).catch((e: unknown) => {
      if (!(e instanceof StoreKeyNotFoundError)) throw e;
    });
  }
}

/** The service IP and node port allocators of one store. */
export interface ServiceAllocators {
  ips: StoreAllocator;
  nodePorts: StoreAllocator;
  /** The service CIDR, for messages. */
  cidr: string;
}

/** Allocators for {@link SERVICE_CIDR} (10.96.0.1 reserved) and {@link NODE_PORT_RANGE}. */
export function serviceAllocators(store: Store, random?: () => number): ServiceAllocators {
  const ipRange = cidrRange(SERVICE_CIDR);
  const ipSize = ipRange.last - ipRange.first + 1;
  const portSize = NODE_PORT_RANGE.last - NODE_PORT_RANGE.first + 1;
  return {
    cidr: SERVICE_CIDR,
    ips: new StoreAllocator(store, {
      prefix: '/registry/ranges/serviceips/', ...ipRange, format: numberToIP, what: 'serviceIP', random,
      reserved: [ipToNumber(KUBERNETES_SERVICE_IP)], dynamicFirst: ipRange.first + staticBandSize(ipSize),
    }),
    nodePorts: new StoreAllocator(store, {
      prefix: '/registry/ranges/servicenodeports/', ...NODE_PORT_RANGE, format: String, what: 'nodePort', random,
      dynamicFirst: NODE_PORT_RANGE.first + Math.min(Math.max(16, Math.floor(portSize / 32)), 128),
    }),
  };
}
