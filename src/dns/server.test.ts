import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import * as dnsPacket from 'dns-packet';
import type { KubeObject } from '../api/types.js';
import type { ApiClient, ResourceRef } from '../client/types.js';
import { ClusterDNSServer, resolvConfNameservers } from './server.js';

/** The decoded rcode name (dns-packet sets it; its types omit it). */
const rcode = (p: dnsPacket.DecodedPacket): string => (p as unknown as { rcode: string }).rcode;

/** A client whose lists are fixed and whose watches stay open until aborted. */
function fakeClient(byResource: Record<string, KubeObject[]>): ApiClient {
  return {
    list: async (r: ResourceRef) => ({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '1' }, items: byResource[r.resource] ?? [] }),
    watch: (_r: ResourceRef, _o: unknown, signal: AbortSignal) => ({
      async *[Symbol.asyncIterator]() { await new Promise<void>((res) => signal.addEventListener('abort', () => res(), { once: true })); },
    }),
  } as unknown as ApiClient;
}

function udpQuery(port: number, name: string, type: dnsPacket.RecordType, payload?: Buffer): Promise<dnsPacket.DecodedPacket> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    const t = setTimeout(() => { s.close(); reject(new Error('timeout')); }, 3000);
    s.on('message', (m) => { clearTimeout(t); s.close(); resolve(dnsPacket.decode(m)); });
    s.send(payload ?? dnsPacket.encode({ type: 'query', id: 7, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type, class: 'IN' }] }), port, '127.0.0.1');
  });
}

function tcpQuery(port: number, name: string, type: dnsPacket.RecordType): Promise<dnsPacket.DecodedPacket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    s.on('error', reject);
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) { s.destroy(); resolve(dnsPacket.decode(buf.subarray(2))); }
    });
    const q = dnsPacket.encode({ type: 'query', id: 9, questions: [{ name, type, class: 'IN' }] });
    const hdr = Buffer.alloc(2);
    hdr.writeUInt16BE(q.length);
    s.write(Buffer.concat([hdr, q]));
  });
}

describe('ClusterDNSServer over UDP and TCP', () => {
  let server: ClusterDNSServer;
  before(async () => {
    const services = [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { clusterIP: '10.96.5.5', ports: [{ name: 'http', port: 80 }] } }];
    server = new ClusterDNSServer({ client: fakeClient({ services }), host: '127.0.0.1', upstreams: [], forwardTimeoutMs: 200 });
    await server.start();
  });
  after(async () => server.stop());

  it('A over UDP is authoritative with the cluster IP', async () => {
    const r = await udpQuery(server.port, 'web.default.svc.cluster.local', 'A');
    assert.equal(r.id, 7);
    assert.equal(rcode(r), 'NOERROR');
    assert.equal(r.flag_aa, true);
    assert.equal(r.flag_rd, true);
    assert.deepEqual(r.answers?.map((a) => [a.name, a.type, 'data' in a ? a.data : undefined]), [['web.default.svc.cluster.local', 'A', '10.96.5.5']]);
  });
  it('SRV over TCP', async () => {
    const r = await tcpQuery(server.port, '_http._tcp.web.default.svc.cluster.local', 'SRV');
    assert.equal(rcode(r), 'NOERROR');
    assert.deepEqual(r.answers?.map((a) => 'data' in a ? a.data : undefined), [{ priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' }]);
  });
  it('NXDOMAIN for an unknown cluster name', async () => {
    assert.equal(rcode(await udpQuery(server.port, 'nope.default.svc.cluster.local', 'A')), 'NXDOMAIN');
  });
  it('SERVFAIL quickly for other names when no upstream answers', async () => {
    const t0 = Date.now();
    assert.equal(rcode(await udpQuery(server.port, 'example.com', 'A')), 'SERVFAIL');
    assert.ok(Date.now() - t0 < 1000);
  });
  it('garbage is dropped, the server keeps serving', async () => {
    await assert.rejects(udpQuery(server.port, '', 'A', Buffer.from([1, 2, 3])), /timeout/);
    assert.equal(rcode(await udpQuery(server.port, 'web.default.svc.cluster.local', 'A')), 'NOERROR');
  });
});

describe('resolvConfNameservers', () => {
  it('keeps IP nameservers only', () => {
    assert.deepEqual(resolvConfNameservers('search x\nnameserver 10.0.0.2\n# nameserver 1.1.1.1\nnameserver ::1\nnameserver bogus\n'), ['10.0.0.2', '::1']);
  });
});
