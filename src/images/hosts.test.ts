import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { renderHostsToml, upstreamServer, writeRegistryHosts } from './hosts.js';

test('upstreamServer', () => {
  const cases: [string, string | undefined][] = [
    ['docker.io', 'https://registry-1.docker.io'],
    ['registry.k8s.io', 'https://registry.k8s.io'],
    ['quay.io', 'https://quay.io'],
    ['localhost', undefined],
    ['localhost:5000', undefined],
    ['_default', undefined],
  ];
  for (const [r, want] of cases) assert.equal(upstreamServer(r), want, r);
});

test('renderHostsToml puts the mirror host first with pull and resolve', () => {
  assert.equal(
    renderHostsToml('docker.io', 'http://127.0.0.1:5000/'),
    '# Written by peapod: the embedded registry mirror first, then the real registry.\n' +
      'server = "https://registry-1.docker.io"\n\n[host."http://127.0.0.1:5000"]\n  capabilities = ["pull", "resolve"]\n',
  );
  assert.doesNotMatch(renderHostsToml('_default', 'http://127.0.0.1:5000'), /server =/);
});

test('writeRegistryHosts writes one hosts.toml per registry plus _default', async (t) => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'peapod-hosts-'));
  t.after(() => fsp.rm(dir, { recursive: true, force: true }));
  const files = await writeRegistryHosts(dir, 'http://127.0.0.1:1234', ['docker.io', 'ghcr.io']);
  assert.deepEqual(files.map((f) => path.relative(dir, f)), ['docker.io/hosts.toml', 'ghcr.io/hosts.toml', '_default/hosts.toml']);
  assert.match(await fsp.readFile(path.join(dir, 'ghcr.io', 'hosts.toml'), 'utf8'), /server = "https:\/\/ghcr.io"\n\n\[host."http:\/\/127.0.0.1:1234"\]/);
  assert.deepEqual((await fsp.readdir(dir)).sort(), ['_default', 'docker.io', 'ghcr.io']);
});
