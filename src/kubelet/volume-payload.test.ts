import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Volume } from '../api/types.js';
import { writePayload } from './atomic-writer.js';
import type { ConfigSources } from './config-sources.js';
import { makePod } from './testing/builders.js';
import { volumePayload, VolumeSetupError } from './volume-payload.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const sources: ConfigSources = {
  configMap: (_ns, n) => (n === 'cfg' ? { metadata: { name: 'cfg' }, data: { 'app.conf': 'a=1', other: 'o' }, binaryData: { 'logo.bin': b64('\x00\x01') } } : undefined),
  secret: (_ns, n) => (n === 'creds' ? { metadata: { name: 'creds' }, data: { user: b64('admin'), pass: b64('pw') } } : undefined),
};
const dv = { podIP: '10.244.0.9', hostIP: '192.168.1.5', nodeName: 'node1' };

interface Case { name: string; v: Volume; want?: Record<string, [string, number]>; error?: string }
const cases: Case[] = [
  { name: 'configMap: every key, defaultMode', v: { name: 'v', configMap: { name: 'cfg', defaultMode: 0o640 } },
    want: { 'app.conf': ['a=1', 0o640], other: ['o', 0o640], 'logo.bin': ['\x00\x01', 0o640] } },
  { name: 'configMap items: key to path with its own mode', v: { name: 'v', configMap: { name: 'cfg', items: [{ key: 'app.conf', path: 'conf/app.conf', mode: 0o400 }] } },
    want: { 'conf/app.conf': ['a=1', 0o400] } },
  { name: 'configMap missing: error', v: { name: 'v', configMap: { name: 'nope' } }, error: 'configmap "nope" not found' },
  { name: 'configMap missing but optional: empty', v: { name: 'v', configMap: { name: 'nope', optional: true } }, want: {} },
  { name: 'configMap item key missing', v: { name: 'v', configMap: { name: 'cfg', items: [{ key: 'x', path: 'x' }] } }, error: 'configmap references non-existent config key: x' },
  { name: 'secret: decoded bytes, default 0644', v: { name: 'v', secret: { secretName: 'creds' } }, want: { user: ['admin', 0o644], pass: ['pw', 0o644] } },
  { name: 'secret missing', v: { name: 'v', secret: { secretName: 'nope' } }, error: 'secret "nope" not found' },
  { name: 'downwardAPI: fields and label map', v: { name: 'v', downwardAPI: { items: [
    { path: 'name', fieldRef: { fieldPath: 'metadata.name' } }, { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
    { path: 'cpu', resourceFieldRef: { containerName: 'c', resource: 'limits.cpu', divisor: '1m' } }] } },
    want: { name: ['p', 0o644], labels: ['app="web"\ntier="front"', 0o644], cpu: ['500', 0o644] } },
  { name: 'projected: sources merged, projected defaultMode', v: { name: 'v', projected: { defaultMode: 0o600, sources: [
    { configMap: { name: 'cfg', items: [{ key: 'other', path: 'o' }] } }, { secret: { name: 'creds', items: [{ key: 'user', path: 'u' }] } },
    { downwardAPI: { items: [{ path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } }] } }, { serviceAccountToken: { path: 'token' } }] } },
    want: { o: ['o', 0o600], u: ['admin', 0o600], ns: ['default', 0o600] } },
];

for (const tc of cases) {
  test(`volumePayload: ${tc.name}`, () => {
    const pod = makePod('p', { containers: [{ name: 'c', image: 'x', resources: { limits: { cpu: '500m' } } }] }, { labels: { tier: 'front', app: 'web' } });
    if (tc.error) {
      assert.throws(() => volumePayload(pod, tc.v, sources, dv), (e: unknown) => e instanceof VolumeSetupError && e.message === tc.error);
      return;
    }
    const got = volumePayload(pod, tc.v, sources, dv)!;
    assert.deepEqual(Object.fromEntries([...got].map(([k, f]) => [k, [f.data.toString('latin1'), f.mode]])), tc.want);
  });
}

test('volumePayload: other volume kinds are not projections', () => {
  assert.equal(volumePayload(makePod('p'), { name: 'e', emptyDir: {} }, sources, dv), undefined);
});

test('writePayload: ..data symlink swap, top-level links, unchanged payload is a no-op, removed keys vanish', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'atomic-'));
  try {
    const v = join(dir, 'vol');
    const p1 = new Map([['a', { data: Buffer.from('1'), mode: 0o644 }], ['sub/b', { data: Buffer.from('2'), mode: 0o600 }]]);
    assert.equal(await writePayload(v, p1), true);
    assert.equal(readlinkSync(join(v, 'a')), '..data/a');
    assert.ok(lstatSync(join(v, '..data')).isSymbolicLink());
    assert.equal(readFileSync(join(v, 'sub', 'b'), 'utf8'), '2');
    assert.equal(statSync(join(v, 'sub', 'b')).mode & 0o777, 0o600);
    const first = readlinkSync(join(v, '..data'));
    assert.equal(await writePayload(v, p1), false, 'same payload: nothing written');
    assert.equal(readlinkSync(join(v, '..data')), first);
    const p2 = new Map([['a', { data: Buffer.from('updated'), mode: 0o644 }]]);
    assert.equal(await writePayload(v, p2), true);
    assert.equal(readFileSync(join(v, 'a'), 'utf8'), 'updated');
    assert.notEqual(readlinkSync(join(v, '..data')), first);
    assert.deepEqual(readdirSync(v).filter((e) => !e.startsWith('..')), ['a']);
    assert.equal(readdirSync(v).filter((e) => e.startsWith('..') && e !== '..data').length, 1, 'old timestamped directory removed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
