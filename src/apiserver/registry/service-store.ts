/**
 * The Service registry store (pkg/registry/core/service/storage): the generic store
 * plus cluster IP and node port allocation around create, update and delete, as
 * upstream's `beginCreate`/`beginUpdate`/`afterDelete` hooks do. Values are claimed in
 * the store (./ipallocator.ts) before the Service is written and released when the
 * write fails, when an update drops them, and when the Service is gone.
 */
import { internalError, invalid, type FieldError } from '../../api/errors.js';
import type { Service } from '../../api/servicetypes.js';
import type { DeleteOptions, KubeObject } from '../../api/types.js';
import { child, index, invalid as invalidField } from '../../api/validation/field.js';
import type { Store } from '../../storage/store.js';
import { ipToNumber, numberToIP, RangeFullError, type ServiceAllocators } from './ipallocator.js';
import { RegistryStore, type DeletionHooks } from './store.js';
import type { RequestContext, Strategy } from './strategy.js';
import { defaultService, keepAllocatedValues, needsClusterIP, needsNodePorts } from './strategies/service-validation.js';

/** Values claimed by one request (released again if the request fails). */
interface Claimed {
  ips: number[];
  ports: number[];
}

class RetryUpdate extends Error {}

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

function clone<T>(o: T): T {
  return structuredClone(o);
}

/** The cluster IP (as a number) and node ports a Service holds. */
export function allocatedValues(svc: Service): { ips: number[]; ports: number[] } {
  const spec = svc.spec ?? {};
  const ips: number[] = [];
  if (needsClusterIP(spec) && spec.clusterIP) {
    try { ips.push(ipToNumber(spec.clusterIP)); } catch { /* not an address */ }
  }
  const ports = needsNodePorts(spec) ? (spec.ports ?? []).map((p) => p.nodePort ?? 0).filter((n) => n > 0) : [];
  return { ips, ports: [...new Set(ports)] };
}

/** Services with allocation: see the file comment. */
export class ServiceRegistryStore extends RegistryStore {
  constructor(store: Store, strategy: Strategy & DeletionHooks, namespaces: () => RegistryStore, private readonly alloc: ServiceAllocators) {
    super(store, strategy, namespaces);
  }

  override async create(namespace: string | undefined, body: KubeObject, ctx: RequestContext, dryRun = false): Promise<KubeObject> {
    const obj = clone(typeof body === 'object' && body !== null ? body : ({ metadata: {} } as KubeObject));
    if (typeof obj.metadata !== 'object' || obj.metadata === null) obj.metadata = {};
    if (!obj.metadata.name && obj.metadata.generateName) {
      let suffix = '';
      for (let i = 0; i < 5; i++) suffix += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
      obj.metadata.name = `${obj.metadata.generateName.slice(0, 58)}${suffix}`;
    }
    defaultService(obj);
    await super.create(namespace, clone(obj), ctx, true); // defaults, validation, namespace, AlreadyExists
    const owner = `${namespace ?? obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
    const claimed: Claimed = { ips: [], ports: [] };
    try {
      await this.allocate(obj as Service, undefined, owner, claimed, dryRun, ctx.now);
      return await super.create(namespace, obj, ctx, dryRun);
    } catch (e) {
      await this.releaseClaimed(claimed, owner);
      throw e;
    }
  }

  override async update(
    namespace: string | undefined,
    name: string,
    next: KubeObject | ((old: KubeObject) => KubeObject),
    ctx: RequestContext,
    opts: { subresource?: 'status' | 'binding'; dryRun?: boolean; createIfMissing?: boolean } = {},
  ): Promise<{ object: KubeObject; created: boolean }> {
    if (opts.subresource) return super.update(namespace, name, next, ctx, opts);
    const owner = `${namespace ?? ''}/${name}`;
    for (let attempt = 0; ; attempt++) {
      const old = await this.getOrUndefined(namespace, name);
      if (!old) return super.update(namespace, name, next, ctx, opts);
      const desired = typeof next === 'function' ? next(clone(old)) : clone(next);
      if (typeof desired !== 'object' || desired === null || typeof desired.metadata !== 'object') return super.update(namespace, name, desired, ctx, opts);
      defaultService(desired);
      keepAllocatedValues(desired, old);
      const claimed: Claimed = { ips: [], ports: [] };
      let result: { object: KubeObject; created: boolean };
      try {
        await this.allocate(desired as Service, old as Service, owner, claimed, !!opts.dryRun, ctx.now);
        const rv = old.metadata.resourceVersion;
        const step = typeof next === 'function'
          ? (cur: KubeObject) => { if (cur.metadata.resourceVersion !== rv) throw new RetryUpdate(); return clone(desired); }
          : desired;
        result = await super.update(namespace, name, step, ctx, opts);
      } catch (e) {
        await this.releaseClaimed(claimed, owner);
        if (e instanceof RetryUpdate && attempt < 5) continue;
        throw e;
      }
      if (!opts.dryRun) await this.releaseDropped(old as Service, namespace, name, owner);
      return result;
    }
  }

  override async delete(namespace: string | undefined, name: string, opts: DeleteOptions, ctx: RequestContext, dryRun = false): Promise<{ object: KubeObject; deleted: boolean }> {
    const res = await super.delete(namespace, name, opts, ctx, dryRun);
    if (res.deleted && !dryRun) await this.releaseAll(res.object as Service, `${namespace ?? ''}/${name}`);
    return res;
  }

  /** Releases what `old` held and the current object (if any) no longer does. */
  private async releaseDropped(old: Service, namespace: string | undefined, name: string, owner: string): Promise<void> {
    const cur = (await this.getOrUndefined(namespace, name)) as Service | undefined;
    const now = cur ? allocatedValues(cur) : { ips: [], ports: [] };
    const was = allocatedValues(old);
    await this.releaseClaimed({ ips: was.ips.filter((n) => !now.ips.includes(n)), ports: was.ports.filter((n) => !now.ports.includes(n)) }, owner);
  }

  private async releaseAll(svc: Service, owner: string): Promise<void> {
    await this.releaseClaimed(allocatedValues(svc), owner);
  }

  private async releaseClaimed(c: Claimed, owner: string): Promise<void> {
    for (const n of c.ips) await this.alloc.ips.release(n, owner).catch(() => undefined);
    for (const n of c.ports) await this.alloc.nodePorts.release(n, owner).catch(() => undefined);
  }

  /**
   * Fills and claims the cluster IP (unless `old` already has one) and node ports (those
   * `old` does not hold). With `dryRun` nothing is claimed. Fills `claimed`.
   * @throws StatusError 422 for a requested value outside the range or taken; 500 when a range is full.
   */
  private async allocate(svc: Service, old: Service | undefined, owner: string, claimed: Claimed, dryRun: boolean, now: Date): Promise<void> {
    const spec = (svc.spec ??= {});
    const errs: FieldError[] = [];
    try {
      const oldSpec = old?.spec ?? {};
      if (needsClusterIP(spec) && !(old && needsClusterIP(oldSpec) && oldSpec.clusterIP)) {
        const err = await this.allocateIP(svc, owner, claimed, dryRun, now);
        if (err) errs.push(err);
      }
      if (needsNodePorts(spec)) {
        const held = new Set(old && needsNodePorts(oldSpec) ? allocatedValues(old).ports : []);
        for (const [i, p] of (spec.ports ?? []).entries()) {
          if (p.nodePort && held.has(p.nodePort)) continue;
          const path = child(index('spec.ports', i), 'nodePort');
          if (!p.nodePort) {
            p.nodePort = await this.alloc.nodePorts.allocate(owner, dryRun, now);
            if (!dryRun) claimed.ports.push(p.nodePort);
            continue;
          }
          const r = dryRun ? (await this.alloc.nodePorts.isAllocated(p.nodePort) ? 'taken' : this.alloc.nodePorts.contains(p.nodePort) ? 'claimed' : 'out-of-range') : await this.alloc.nodePorts.claim(p.nodePort, owner, now);
          if (r === 'out-of-range') errs.push(invalidField(path, p.nodePort, 'provided port is not in the valid range. The range of valid ports is 30000-32767'));
          else if (r === 'taken') errs.push(invalidField(path, p.nodePort, 'provided port is already allocated'));
          else if (!dryRun) claimed.ports.push(p.nodePort);
        }
      }
    } catch (e) {
      if (e instanceof RangeFullError) throw internalError(e);
      throw e;
    }
    if (errs.length) throw invalid('Service', '', svc.metadata.name ?? '', errs);
  }

  private async allocateIP(svc: Service, owner: string, claimed: Claimed, dryRun: boolean, now: Date): Promise<FieldError | undefined> {
    const spec = svc.spec!;
    if (!spec.clusterIP) {
      const n = await this.alloc.ips.allocate(owner, dryRun, now);
      if (!dryRun) claimed.ips.push(n);
      spec.clusterIP = numberToIP(n);
      spec.clusterIPs = [spec.clusterIP];
      return undefined;
    }
    const ip = spec.clusterIP;
    const n = ipToNumber(ip);
    const path = index('spec.clusterIPs', 0);
    const r = dryRun ? (await this.alloc.ips.isAllocated(n) ? 'taken' : this.alloc.ips.contains(n) ? 'claimed' : 'out-of-range') : await this.alloc.ips.claim(n, owner, now);
    if (r === 'out-of-range') {
      return invalidField(path, ip, `failed to allocate IP ${ip}: the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.alloc.cidr}`);
    }
    if (r === 'taken') return invalidField(path, ip, `failed to allocate IP ${ip}: provided IP is already allocated`);
    if (!dryRun) claimed.ips.push(n);
    return undefined;
  }

  /**
   * Repair (upstream's repair controllers): claims values that Services hold but the
   * store lacks, and releases claims older than `graceMs` whose Service is gone or no
   * longer holds them. Returns counts of both.
   */
  async repairAllocations(now: Date, graceMs = 60_000): Promise<{ claimed: number; released: number }> {
    const services = (await this.list(undefined)).items as Service[];
    const held = { ips: new Map<number, string>(), ports: new Map<number, string>() };
    let claimedCount = 0;
    let released = 0;
    for (const s of services) {
      const owner = `${s.metadata.namespace ?? ''}/${s.metadata.name ?? ''}`;
      const v = allocatedValues(s);
      for (const n of v.ips) { held.ips.set(n, owner); if (!(await this.alloc.ips.isAllocated(n)) && (await this.alloc.ips.claim(n, owner, now)) === 'claimed') claimedCount++; }
      for (const n of v.ports) { held.ports.set(n, owner); if (!(await this.alloc.nodePorts.isAllocated(n)) && (await this.alloc.nodePorts.claim(n, owner, now)) === 'claimed') claimedCount++; }
    }
    for (const [a, map] of [[this.alloc.ips, held.ips], [this.alloc.nodePorts, held.ports]] as const) {
      for (const [n, entry] of await a.entries()) {
        if (map.get(n) === entry.owner || now.getTime() - Date.parse(entry.at) < graceMs) continue;
        await a.forget(n);
        released++;
      }
    }
    return { claimed: claimedCount, released };
  }
}

