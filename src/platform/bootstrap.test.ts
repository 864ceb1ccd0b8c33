import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { allocatePodCIDR, caHash, ensureJoinToken, formatJoinToken, issueNodeCertificate, parseJoinToken } from './bootstrap.js';
import { ensureClusterPki } from './pki.js';

describe('allocatePodCIDR', () => {
  const cases: { name: string; taken: string[]; want: string }[] = [
    { name: 'empty cluster', taken: [], want: '10.244.1.0/24' },
    { name: 'skips taken ones', taken: ['10.244.1.0/24', '10.244.2.0/24'], want: '10.244.3.0/24' },
    { name: 'fills holes first', taken: ['10.244.1.0/24', '10.244.3.0/24'], want: '10.244.2.0/24' },
    { name: 'ignores foreign ranges', taken: ['10.245.1.0/24', '192.168.1.0/24'], want: '10.244.1.0/24' },
  ];
  for (const c of cases) it(c.name, () => assert.equal(allocatePodCIDR(c.taken), c.want));
  it('throws when the /16 is full', () => {
    assert.throws(() => allocatePodCIDR(Array.from({ length: 254 }, (_, i) => `10.244.${i + 1}.0/24`)), /no free \/24/);
  });
});

describe('join token', () => {
  const ca = '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n';
  it('round-trips and pins the CA hash', () => {
    const t = formatJoinToken(ca, '0123456789abcdef0123');
    assert.deepEqual(parseJoinToken(t), { caHash: caHash(ca), secret: '0123456789abcdef0123' });
    assert.deepEqual(parseJoinToken(`${t}\n`), parseJoinToken(t));
  });
  for (const bad of ['', 'K10abc::server:x', `PP10${'0'.repeat(64)}::join:short`, `PP10${'g'.repeat(64)}::join:0123456789abcdef`]) {
    it(`rejects ${JSON.stringify(bad.slice(0, 20))}`, () => assert.equal(parseJoinToken(bad), undefined));
  }
  it('is written once (0600) and kept while the CA stays', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'peapod-token-'));
    try {
      const a = await ensureJoinToken(dir, ca);
      assert.equal((await stat(join(dir, 'token'))).mode & 0o777, 0o600);
      assert.equal(await ensureJoinToken(dir, ca), a);
      assert.equal((await readFile(join(dir, 'token'), 'utf8')).trim(), a);
      const b = await ensureJoinToken(dir, ca.replace('abc', 'xyz'));
      assert.notEqual(b, a, 'a new CA gets a new token');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('issueNodeCertificate', () => {
  it('issues a kubelet certificate for the node, signed by the cluster CA', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'peapod-boot-'));
    try {
      const pki = await ensureClusterPki(join(dir, 'pki'), { serverSANs: { dns: [], ips: [] }, nodeName: 'cp', nodeIPs: [] });
      const issued = await issueNodeCertificate(pki.ca, 'w1', ['172.31.40.11']);
      const cert = new X509Certificate(issued.certPem);
      assert.ok(cert.verify(new X509Certificate(pki.ca.certPem).publicKey));
      assert.match(cert.subject, /CN=system:node:w1/);
      assert.match(cert.subject, /O=system:nodes/);
      assert.equal(cert.subjectAltName, 'DNS:w1, IP Address:172.31.40.11');
      assert.ok(cert.checkPrivateKey((await import('node:crypto')).createPrivateKey(issued.keyPem)));
      await assert.rejects(issueNodeCertificate(pki.ca, 'w1', ['not-an-ip']), /invalid node IP/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('bootstrap endpoints', () => {
  it('hands out credentials and distinct pod CIDRs for the join token only', async () => {
    const { startApiServer } = await import('../apiserver/server.js');
    const { openMemoryStore } = await import('../storage/memory/memory-store.js');
    const { bootstrapRoutes, fetchNodeCredentials, joinTokenUsers } = await import('./bootstrap.js');
    const dir = await mkdtemp(join(tmpdir(), 'peapod-boot-'));
    const pki = await ensureClusterPki(join(dir, 'pki'), { serverSANs: { dns: [], ips: [] }, nodeName: 'cp', nodeIPs: [] });
    const token = await ensureJoinToken(dir, pki.ca.certPem);
    const server = await startApiServer({
      store: openMemoryStore(), port: 0, host: '127.0.0.1',
      tls: { certPem: pki.apiserver.certPem, keyPem: pki.apiserver.keyPem, caPem: pki.ca.certPem },
      kubelet: { caPem: pki.ca.certPem, certPem: pki.apiserverKubeletClient.certPem, keyPem: pki.apiserverKubeletClient.keyPem },
      tokens: joinTokenUsers(token),
      extraRoutes: bootstrapRoutes({ pki, takenCIDRs: async () => ['10.244.1.0/24'] }),
    });
    try {
      const url = `https://127.0.0.1:${server.port}`;
      const [a, b] = await Promise.all([
        fetchNodeCredentials(url, token, { nodeName: 'w1', nodeIPs: ['172.31.9.11'] }),
        fetchNodeCredentials(url, token, { nodeName: 'w2', nodeIPs: ['172.31.9.12'] }),
      ]);
      assert.deepEqual([a.podCIDR, b.podCIDR].sort(), ['10.244.2.0/24', '10.244.3.0/24']);
      assert.equal(a.caPem, pki.ca.certPem);
      assert.match(new X509Certificate(a.certPem).subject, /CN=system:node:w1/);
      const again = await fetchNodeCredentials(url, token, { nodeName: 'w1', nodeIPs: ['172.31.9.11'] });
      assert.equal(again.podCIDR, a.podCIDR, 'a rejoining node keeps its CIDR');
      const own = await fetchNodeCredentials(url, token, { nodeName: 'w3', nodeIPs: [], podCIDR: '10.244.77.0/24' });
      assert.equal(own.podCIDR, '10.244.77.0/24');
      const wrongSecret = token.replace(/::join:.*/, '::join:ffffffffffffffffffff');
      await assert.rejects(fetchNodeCredentials(url, wrongSecret, { nodeName: 'x', nodeIPs: [] }), /HTTP 401/);
      const wrongCa = `PP10${'0'.repeat(64)}::join:${parseJoinToken(token)!.secret}`;
      await assert.rejects(fetchNodeCredentials(url, wrongCa, { nodeName: 'x', nodeIPs: [] }), /does not match the join token/);
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
