import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeImageName, parseImageName } from './names.js';

const D = 'sha256:' + 'a'.repeat(64);

test('normalizeImageName follows Docker normalisation', () => {
  const cases: [string, string][] = [
    ['busybox', 'docker.io/library/busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['alpine', 'docker.io/library/alpine:latest'],
    ['foo/bar:1', 'docker.io/foo/bar:1'],
    ['foo/bar/baz', 'docker.io/foo/bar/baz:latest'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest'],
    ['index.docker.io/library/busybox:1', 'docker.io/library/busybox:1'],
    ['localhost:5000/x', 'localhost:5000/x:latest'],
    ['localhost/pause:1', 'localhost/pause:1'],
    ['registry.k8s.io/pause:3.9', 'registry.k8s.io/pause:3.9'],
    ['ghcr.io/a/b-c_d.e:v1.2-rc', 'ghcr.io/a/b-c_d.e:v1.2-rc'],
    [`busybox@${D}`, `docker.io/library/busybox@${D}`],
    [`quay.io/x/y:t@${D}`, `quay.io/x/y:t@${D}`],
  ];
  for (const [input, want] of cases) assert.equal(normalizeImageName(input), want, input);
});

test('parseImageName splits registry, repository, tag', () => {
  assert.deepEqual(parseImageName('localhost:5000/a/b:2'), { registry: 'localhost:5000', repository: 'a/b', tag: '2' });
  assert.deepEqual(parseImageName(`x@${D}`), { registry: 'docker.io', repository: 'library/x', digest: D });
});

test('parseImageName rejects malformed references', () => {
  for (const bad of ['', 'UPPER', 'foo/Bar', 'foo:bad tag', 'foo@sha256:123', 'a//b', 'foo:', 'bad_host_/x']) {
    assert.throws(() => parseImageName(bad), /invalid reference format/, bad);
  }
});
