import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey as createKey } from 'node:crypto';
import { mkdtemp, rm, stat, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { execFileSync } from 'node:child_process';
import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { certIdentity, ensureClusterPki, issueClientCert, type ClusterPki } from './pki.js';

const SANS = { dns: ['node-a.example'], ips: ['192.0.2.7'] };

describe('ensureClusterPki', () => {
  let dir: string;
  let pki: ClusterPki;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'peapod-pki-'));
    pki = await ensureClusterPki(join(dir, 'pki'), { serverSANs: SANS, nodeName: 'node-a' });
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a self-signed CA that verifies every issued certificate', () => {
    const ca = new X509Certificate(pki.ca.certPem);
    assert.equal(ca.ca, true);
    assert.ok(ca.verify(ca.publicKey), 'CA is self-signed');
    for (const pair of [pki.apiserver, pki.admin, pki.kubelet, pki.apiserverKubeletClient]) {
      const leaf = new X509Certificate(pair.certPem);
      assert.equal(leaf.ca, false);
      assert.ok(leaf.checkIssued(ca), `${pair.certPath} issued by CA`);
      assert.ok(leaf.verify(ca.publicKey), `${pair.certPath} signature verifies`);
      assert.ok(leaf.checkPrivateKey(createKey(pair.keyPem)), `${pair.keyPath} matches`);
    }
    const validTo = Date.parse(ca.validTo);
    assert.ok(validTo - Date.now() > 9.9 * 365 * 24 * 3600 * 1000, 'CA valid ~10 years');
  });

  it('is accepted by openssl verify with the right purposes', () => {
    const table: Array<[string, string]> = [
      ['apiserver.crt', 'sslserver'],
      ['admin.crt', 'sslclient'],
      ['kubelet.crt', 'sslserver'],
      ['kubelet.crt', 'sslclient'],
      ['apiserver-kubelet-client.crt', 'sslclient'],
    ];
    for (const [file, purpose] of table) {
      const out = execFileSync('openssl', ['verify', '-purpose', purpose, '-CAfile', pki.ca.certPath, join(pki.dir, file)], {
        encoding: 'utf8',
      });
      assert.match(out, /: OK/, `${file} ${purpose}`);
    }
  });

  it('puts the Kubernetes SANs on the serving certificate', () => {
    const cert = new X509Certificate(pki.apiserver.certPem);
    for (const host of [
      'localhost',
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      'kubernetes.default.svc.cluster.local',
      'node-a.example',
    ]) {
      assert.equal(cert.checkHost(host), host, `DNS SAN ${host}`);
    }
    for (const ip of ['127.0.0.1', '192.0.2.7']) assert.equal(cert.checkIP(ip), ip, `IP SAN ${ip}`);
    assert.equal(cert.checkIP('192.0.2.8'), undefined);
  });

  it('gives each certificate the Kubernetes identity in its subject', () => {
    const subject = (pem: string): string => new X509Certificate(pem).subject;
    assert.match(subject(pki.admin.certPem), /^O=system:masters\nCN=admin$/);
    assert.match(subject(pki.kubelet.certPem), /^O=system:nodes\nCN=system:node:node-a$/);
    assert.match(subject(pki.apiserverKubeletClient.certPem), /^O=system:masters\nCN=kube-apiserver-kubelet-client$/);
    const kubelet = new X509Certificate(pki.kubelet.certPem);
    assert.equal(kubelet.checkHost('node-a'), 'node-a');
    assert.equal(kubelet.checkIP('192.0.2.7'), '192.0.2.7');
  });

  it('writes keys with mode 0600', async () => {
    for (const pair of [pki.ca, pki.apiserver, pki.admin, pki.kubelet, pki.apiserverKubeletClient]) {
      assert.equal((await stat(pair.keyPath)).mode & 0o777, 0o600, pair.keyPath);
      assert.equal(await readFile(pair.certPath, 'utf8'), pair.certPem);
    }
  });

  it('reuses existing files on a second call', async () => {
    const again = await ensureClusterPki(pki.dir, { serverSANs: SANS, nodeName: 'node-a' });
    assert.deepEqual(again, pki);
  });

  it('regenerates only the serving certificate when the SANs change', async () => {
    const changed = await ensureClusterPki(pki.dir, {
      serverSANs: { dns: ['node-a.example'], ips: ['192.0.2.9'] },
      nodeName: 'node-a',
      nodeIPs: ['192.0.2.7'],
    });
    assert.equal(changed.ca.certPem, pki.ca.certPem);
    assert.equal(changed.admin.certPem, pki.admin.certPem);
    assert.equal(changed.kubelet.certPem, pki.kubelet.certPem);
    assert.notEqual(changed.apiserver.certPem, pki.apiserver.certPem);
    const cert = new X509Certificate(changed.apiserver.certPem);
    assert.equal(cert.checkIP('192.0.2.9'), '192.0.2.9');
    assert.equal(cert.checkIP('192.0.2.7'), undefined);
    pki = await ensureClusterPki(pki.dir, { serverSANs: SANS, nodeName: 'node-a' });
  });

  it('reissues a certificate whose key no longer matches', async () => {
    const other = await issueClientCert(pki, 'x', []);
    await writeFile(pki.admin.keyPath, other.keyPem);
    const fixed = await ensureClusterPki(pki.dir, { serverSANs: SANS, nodeName: 'node-a' });
    assert.notEqual(fixed.admin.certPem, pki.admin.certPem);
    assert.ok(new X509Certificate(fixed.admin.certPem).checkPrivateKey(createKey(fixed.admin.keyPem)));
    pki = fixed;
  });

  it('issues client certificates that authenticate over TLS as CN/O', async () => {
    const client = await issueClientCert(pki, 'jane', ['dev', 'ops']);
    const identity = await handshake(pki, client.certPem, client.keyPem);
    assert.deepEqual(identity, { user: 'jane', groups: ['dev', 'ops'] });
    const admin = await handshake(pki, pki.admin.certPem, pki.admin.keyPem);
    assert.deepEqual(admin, { user: 'admin', groups: ['system:masters'] });
  });
});

describe('certIdentity', () => {
  const table: Array<{ name: string; input: unknown; want: unknown }> = [
    { name: 'no certificate', input: {}, want: undefined },
    { name: 'undefined', input: undefined, want: undefined },
    { name: 'CN only', input: { subject: { CN: 'bob' } }, want: { user: 'bob', groups: [] } },
    { name: 'one O', input: { subject: { CN: 'bob', O: 'g1' } }, want: { user: 'bob', groups: ['g1'] } },
    { name: 'many O', input: { subject: { CN: 'bob', O: ['g1', 'g2'] } }, want: { user: 'bob', groups: ['g1', 'g2'] } },
    { name: 'no CN', input: { subject: { O: 'g1' } }, want: undefined },
  ];
  for (const tc of table) {
    it(tc.name, () => {
      assert.deepEqual(certIdentity(tc.input as tls.PeerCertificate), tc.want);
    });
  }
});


async function handshake(pki: ClusterPki, cert: string, key: string): Promise<unknown> {
  const server = tls.createServer({
    cert: pki.apiserver.certPem,
    key: pki.apiserver.keyPem,
    ca: pki.ca.certPem,
    requestCert: true,
    rejectUnauthorized: true,
  });
  const seen = new Promise<unknown>((resolve) => {
    server.on('secureConnection', (sock) => {
      resolve(sock.authorized ? certIdentity(sock.getPeerCertificate()) : 'unauthorized');
      sock.end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const sock = tls.connect({ host: '127.0.0.1', port, ca: pki.ca.certPem, cert, key, servername: 'kubernetes' });
  sock.on('error', () => undefined);
  await once(sock, 'secureConnect');
  const result = await seen;
  sock.destroy();
  server.close();
  return result;
}
