import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile, readdir } from 'node:fs/promises';
import { once } from 'node:events';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureClusterPki, certIdentity, type ClusterPki } from './pki.js';
import { readKubeconfig, writeKubeconfig } from './kubeconfig.js';

const KUBECTL = ['/usr/lib/google-cloud-sdk/bin/kubectl.1.32', '/usr/bin/kubectl'].find((p) => existsSync(p)) ?? 'kubectl';
const run = promisify(execFile);

describe('kubeconfig', () => {
  let dir: string;
  let pki: ClusterPki;
  let file: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'peapod-kubeconfig-'));
    pki = await ensureClusterPki(join(dir, 'pki'), { serverSANs: { dns: [], ips: [] }, nodeName: 'n1' });
    file = join(dir, 'kubeconfig');
    await writeKubeconfig(file, {
      server: 'https://127.0.0.1:6443',
      caPem: pki.ca.certPem,
      clientCertPem: pki.admin.certPem,
      clientKeyPem: pki.admin.keyPem,
      name: 'peapod',
    });
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips through readKubeconfig', async () => {
    const got = await readKubeconfig(file);
    assert.deepEqual(got, {
      context: 'peapod',
      server: 'https://127.0.0.1:6443',
      insecureSkipTLSVerify: false,
      caPem: pki.ca.certPem,
      clientCertPem: pki.admin.certPem,
      clientKeyPem: pki.admin.keyPem,
    });
  });

  it('is written with mode 0600 and leaves no temp files', async () => {
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.deepEqual((await readdir(dir)).sort(), ['kubeconfig', 'pki']);
  });

  it('is read by the real kubectl with current-context peapod', async () => {
    const { stdout } = await run(KUBECTL, ['config', 'view', '--kubeconfig', file, '-o', 'jsonpath={.current-context}']);
    assert.equal(stdout, 'peapod');
    const users = await run(KUBECTL, ['config', 'view', '--kubeconfig', file, '-o', 'jsonpath={.contexts[0].context.user}']);
    assert.equal(users.stdout, 'peapod');
  });

  it('lets the real kubectl trust the server and authenticate as admin/system:masters', async () => {
    const seen: unknown[] = [];
    const server = createServer(
      { cert: pki.apiserver.certPem, key: pki.apiserver.keyPem, ca: pki.ca.certPem, requestCert: true, rejectUnauthorized: false },
      (req, res) => {
        const sock = req.socket as TLSSocket;
        seen.push(sock.authorized ? certIdentity(sock.getPeerCertificate()) : 'anonymous');
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ major: '1', minor: '32', gitVersion: 'v1.32.0', platform: 'linux/amd64' }));
      },
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const kc = join(dir, 'kc-live');
      await writeKubeconfig(kc, {
        server: `https://127.0.0.1:${port}`,
        caPem: pki.ca.certPem,
        clientCertPem: pki.admin.certPem,
        clientKeyPem: pki.admin.keyPem,
        name: 'peapod',
      });
      const { stdout } = await run(KUBECTL, ['version', '-o', 'json', '--kubeconfig', kc, '--cache-dir', join(dir, 'cache')]);
      const parsed = JSON.parse(stdout) as { serverVersion?: { gitVersion?: string } };
      assert.equal(parsed.serverVersion?.gitVersion, 'v1.32.0');
      assert.ok(seen.length > 0);
      for (const id of seen) assert.deepEqual(id, { user: 'admin', groups: ['system:masters'] });
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });

  it('resolves file-path credentials relative to the kubeconfig', async () => {
    const kc = join(dir, 'pki', 'relative.yaml');
    await writeFile(
      kc,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c, cluster: {server: "https://10.0.0.1:6443", certificate-authority: ca.crt}}]',
        'users: [{name: u, user: {client-certificate: admin.crt, client-key: admin.key, token: abc}}]',
        'contexts: [{name: x, context: {cluster: c, user: u, namespace: kube-system}}]',
        'current-context: x',
        '',
      ].join('\n'),
    );
    const got = await readKubeconfig(kc);
    assert.equal(got.server, 'https://10.0.0.1:6443');
    assert.equal(got.caPem, pki.ca.certPem);
    assert.equal(got.clientCertPem, pki.admin.certPem);
    assert.equal(got.clientKeyPem, pki.admin.keyPem);
    assert.equal(got.token, 'abc');
    assert.equal(got.namespace, 'kube-system');
  });

  it('rejects a kubeconfig whose current context does not exist', async () => {
    const kc = join(dir, 'broken.yaml');
    await writeFile(kc, 'apiVersion: v1\nkind: Config\ncontexts: []\ncurrent-context: nope\n');
    await assert.rejects(readKubeconfig(kc), /context "nope" not found/);
  });
});
