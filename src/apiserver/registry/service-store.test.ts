import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.js';
import type { Service } from '../../api/servicetypes.js';
import type { KubeObject } from '../../api/types.js';
import { openMemoryStore } from '../../storage/memory/memory-store.js';
import type { Store } from '../../storage/store.js';
import { buildRegistries } from '../registries.js';
import {
  cidrContains, cidrRange, ipToNumber, numberToIP, serviceAllocators, StoreAllocator,
} from './ipallocator.js';

const ctx = { now: new Date('2024-01-01T00:00:00Z'), user: 'test' };

async function registries(store: Store = openMemoryStore()) {
  const r = buildRegistries(store);
  await r.ensureSystemNamespaces(ctx.now);
  return { r, store, services: r.get({ group: '', resource: 'services' }) };
}

const svc = (name: string, spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec });

async function rejects(p: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof StatusError && e.code === 422 && message.test(e.message));
}

describe('IP arithmetic', () => {
  const cases: [string, number][] = [['10.96.0.1', 0x0a600001], ['0.0.0.0', 0], ['255.255.255.255', 0xffffffff], ['10.111.255.254', 0x0a6ffffe]];
  for (const [ip, n] of cases) it(`${ip} <-> ${n}`, () => { assert.equal(ipToNumber(ip), n); assert.equal(numberToIP(n), ip); });
  it('10.96.0.0/12 spans 10.96.0.1 to 10.111.255.254', () => {
    const r = cidrRange('10.96.0.0/12');
    assert.equal(numberToIP(r.first), '10.96.0.1');
    assert.equal(numberToIP(r.last), '10.111.255.254');
    assert.ok(cidrContains('10.96.0.0/12', '10.100.1.1'));
    assert.ok(!cidrContains('10.96.0.0/12', '10.112.0.1'));
  });
});

describe('StoreAllocator', () => {
  it('never gives a value twice, releases only the owner\'s, and reports a full range', async () => {
    const store = openMemoryStore();
    const a = new StoreAllocator(store, { prefix: '/t/', first: 1, last: 4, format: String, what: 'nodePort', reserved: [2] });
    const got = new Set<number>();
    for (let i = 0; i < 3; i++) got.add(await a.allocate(`ns/s${i}`));
    assert.deepEqual([...got].sort(), [1, 3, 4], 'reserved 2 is never given dynamically');
    await assert.rejects(a.allocate('ns/x'), /failed to allocate a nodePort: range is full/);
    assert.equal(await a.claim(2, 'ns/k'), 'claimed', 'reserved values can be claimed explicitly');
    assert.equal(await a.claim(3, 'ns/other'), 'taken');
    assert.equal(await a.claim(9, 'ns/other'), 'out-of-range');
    await a.release(3, 'ns/other');
    assert.equal(await a.isAllocated(3), true, 'a non-owner cannot release');
    await a.release(3, 'ns/s1');
    await a.release(3, 'ns/s0');
    await a.release(3, 'ns/s2');
    assert.equal(await a.isAllocated(3), false);
  });
  it('allocations persist in the store (a new allocator over the same store sees them)', async () => {
    const store = openMemoryStore();
    const first = serviceAllocators(store);
    const ip = await first.ips.allocate('default/a');
    const again = serviceAllocators(store);
    assert.equal(await again.ips.claim(ip, 'default/b'), 'taken');
    assert.ok(ip >= ipToNumber('10.96.1.0'), 'dynamic allocation stays above the static band');
  });
});

describe('Service registry store: allocation', () => {
  it('allocates a cluster IP and node ports, refuses taken or out-of-range values, releases on delete', async () => {
    const { services } = await registries();
    const a = (await services.create('default', svc('a', { type: 'NodePort', ports: [{ port: 80 }] }), ctx)) as Service;
    assert.ok(cidrContains('10.96.0.0/12', a.spec!.clusterIP!));
    assert.deepEqual(a.spec!.clusterIPs, [a.spec!.clusterIP]);
    const np = a.spec!.ports![0]!.nodePort!;
    assert.ok(np >= 30000 && np <= 32767);
    await rejects(services.create('default', svc('b', { clusterIP: a.spec!.clusterIP, ports: [{ port: 80 }] }), ctx),
      new RegExp(`spec\\.clusterIPs\\[0\\]: Invalid value: "${a.spec!.clusterIP}": failed to allocate IP ${a.spec!.clusterIP}: provided IP is already allocated`));
    await rejects(services.create('default', svc('b', { clusterIP: '10.0.0.1', ports: [{ port: 80 }] }), ctx),
      /the provided IP \(10\.0\.0\.1\) is not in the valid range\. The range of valid IPs is 10\.96\.0\.0\/12/);
    await rejects(services.create('default', svc('b', { type: 'NodePort', ports: [{ port: 80, nodePort: np }] }), ctx),
      new RegExp(`spec\\.ports\\[0\\]\\.nodePort: Invalid value: ${np}: provided port is already allocated`));
    await rejects(services.create('default', svc('b', { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] }), ctx),
      /provided port is not in the valid range\. The range of valid ports is 30000-32767/);
    await services.delete('default', 'a', {}, ctx);
    const b = (await services.create('default', svc('b', { clusterIP: a.spec!.clusterIP, type: 'NodePort', ports: [{ port: 80, nodePort: np }] }), ctx)) as Service;
    assert.equal(b.spec!.clusterIP, a.spec!.clusterIP, 'a deleted service\'s IP can be requested again');
  });

  it('headless and ExternalName services get no IP; a failed create leaks nothing', async () => {
    const { services, store } = await registries();
    const h = (await services.create('default', svc('h', { clusterIP: 'None', selector: { app: 'x' } }), ctx)) as Service;
    assert.equal(h.spec!.clusterIP, 'None');
    await rejects(services.create('default', svc('bad', { type: 'NodePort', ports: [{ port: 80, nodePort: 30500 }, { name: 'x', port: 80 }] }), ctx), /Required value/);
    assert.equal((await store.list('/registry/ranges/')).items.length, 0);
  });

  it('updates keep the cluster IP, refuse a new one, and release dropped node ports', async () => {
    const { services, store } = await registries();
    const a = (await services.create('default', svc('a', { type: 'NodePort', ports: [{ port: 80 }] }), ctx)) as Service;
    const ip = a.spec!.clusterIP!;
    const np = a.spec!.ports![0]!.nodePort!;
    const kept = (await services.update('default', 'a', svc('a', { type: 'NodePort', ports: [{ port: 80 }] }), ctx)).object as Service;
    assert.equal(kept.spec!.clusterIP, ip);
    assert.equal(kept.spec!.ports![0]!.nodePort, np);
    await rejects(services.update('default', 'a', (o) => ({ ...o, spec: { ...(o.spec as object), clusterIP: '10.96.5.5' } }), ctx), /may not change once set/);
    await services.update('default', 'a', svc('a', { type: 'ClusterIP', ports: [{ port: 80 }] }), ctx);
    const allocs = serviceAllocators(store);
    assert.equal(await allocs.nodePorts.isAllocated(np), false, 'the node port went with type ClusterIP');
    assert.equal(await allocs.ips.isAllocated(ipToNumber(ip)), true);
  });

  it('the kubernetes service is 10.96.0.1:443 and survives a restart without a second allocation', async () => {
    const { r, store } = await registries();
    await r.ensureKubernetesService({ port: 6443, advertiseAddress: '192.0.2.2', now: ctx.now });
    const k = (await r.get({ group: '', resource: 'services' }).get('default', 'kubernetes')) as Service;
    assert.equal(k.spec!.clusterIP, '10.96.0.1');
    assert.deepEqual(k.spec!.ports, [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }]);
    const ep = await r.get({ group: '', resource: 'endpoints' }).get('default', 'kubernetes');
    assert.deepEqual(ep.subsets, [{ addresses: [{ ip: '192.0.2.2' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }]);
    const again = buildRegistries(store);
    await again.ensureKubernetesService({ port: 7443, advertiseAddress: '192.0.2.2', now: ctx.now });
    const k2 = (await again.get({ group: '', resource: 'services' }).get('default', 'kubernetes')) as Service;
    assert.equal(k2.spec!.ports![0]!.targetPort, 7443, 'a new port is corrected on restart');
    await rejects(again.get({ group: '', resource: 'services' }).create('default', svc('x', { clusterIP: '10.96.0.1', ports: [{ port: 1 }] }), ctx), /already allocated/);
  });
});
