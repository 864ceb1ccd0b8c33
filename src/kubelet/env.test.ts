import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container } from '../api/types.js';
import type { ConfigMapData, ConfigSources, SecretData } from './config-sources.js';
import { ContainerConfigError, makeEnvironment, resourceFieldValue } from './env.js';
import { expand } from './expansion.js';
import { makePod } from './testing/builders.js';

const vars = new Map([['A', 'a'], ['EMPTY', ''], ['B', 'b c']]);
const expansionCases: [string, string][] = [
  ['$(A)', 'a'],
  ['x$(A)y$(B)', 'xayb c'],
  ['$(UNKNOWN)', '$(UNKNOWN)'],
  ['$$(A)', '$(A)'],
  ['$$$(A)', '$a'],
  ['$$', '$'],
  ['$', '$'],
  ['a$', 'a$'],
  ['$(A', '$(A'],
  ['$A', '$A'],
  ['$(EMPTY)-', '-'],
  ['$()', '$()'],
  ['$(A)$(A)', 'aa'],
];
for (const [input, want] of expansionCases) {
  test(`expand ${JSON.stringify(input)} → ${JSON.stringify(want)}`, () => assert.equal(expand(input, (n) => vars.get(n)), want));
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const cms: Record<string, ConfigMapData> = {
  cfg: { metadata: { name: 'cfg', namespace: 'default' }, data: { mode: 'fast', 'bad key': 'x', level: '3' }, binaryData: { bin: b64('raw') } },
};
const secrets: Record<string, SecretData> = { creds: { metadata: { name: 'creds', namespace: 'default' }, data: { password: b64('s3cret') } } };
const sources: ConfigSources = { configMap: (_ns, n) => cms[n], secret: (_ns, n) => secrets[n] };
const dv = { podIP: '10.244.0.7', hostIP: '192.168.1.5', nodeName: 'node1', allocatable: { cpuMilli: 4000, memoryBytes: 8 * 2 ** 30, ephemeralStorageBytes: 10 * 2 ** 30 } };

interface EnvCase { name: string; c: Partial<Container>; want?: Record<string, string>; error?: string; warnings?: string[] }
const envCases: EnvCase[] = [
  { name: 'literal values expand earlier variables only', c: { env: [{ name: 'X', value: 'x' }, { name: 'Y', value: '$(X)-$(Z)' }, { name: 'Z', value: 'z' }] },
    want: { X: 'x', Y: 'x-$(Z)', Z: 'z' } },
  { name: 'fieldRef: pod and node facts', c: { env: [
    { name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    { name: 'UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } }, { name: 'L', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
    { name: 'AN', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['note']" } } }, { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
    { name: 'HIP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } }, { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
    { name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } }] },
    want: { N: 'p', NS: 'default', UID: 'uid-p', L: 'web', AN: 'hi', IP: '10.244.0.7', HIP: '192.168.1.5', NODE: 'node1', SA: 'default' } },
  { name: 'resourceFieldRef: limits, requests, divisors and allocatable fallback', c: {
    resources: { limits: { cpu: '500m', memory: '64Mi' }, requests: { cpu: '250m', memory: '32Mi' } },
    env: [
      { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
      { name: 'CPU_M', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
      { name: 'MEM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
      { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'requests.memory' } } },
      { name: 'EPH', valueFrom: { resourceFieldRef: { resource: 'limits.ephemeral-storage', divisor: '1Gi' } } },
    ] },
    want: { CPU: '1', CPU_M: '250', MEM_MI: '64', MEM: String(32 * 2 ** 20), EPH: '10' } },
  { name: 'configMapKeyRef and secretKeyRef', c: { env: [
    { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode' } } }, { name: 'PW', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } }] },
    want: { MODE: 'fast', PW: 's3cret' } },
  { name: 'optional references to missing objects and keys are skipped', c: { env: [
    { name: 'A', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k', optional: true } } }, { name: 'B', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'nokey', optional: true } } },
    { name: 'C', valueFrom: { secretKeyRef: { name: 'nope', key: 'k', optional: true } } }], envFrom: [{ configMapRef: { name: 'nope', optional: true } }] },
    want: {} },
  { name: 'envFrom with prefix, invalid names skipped with a warning, env overrides', c: {
    envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'cfg' } }, { secretRef: { name: 'creds' } }], env: [{ name: 'CFG_level', value: 'override' }] },
    want: { CFG_mode: 'fast', CFG_level: 'override', password: 's3cret' },
    warnings: ['Keys [CFG_bad key] from the EnvFrom configMap default/cfg were skipped since they are considered invalid environment variable names.'] },
  { name: 'missing ConfigMap: CreateContainerConfigError message', c: { env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'missing', key: 'k' } } }] }, error: 'configmap "missing" not found' },
  { name: 'missing key', c: { env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } }] }, error: "couldn't find key k in ConfigMap default/cfg" },
  { name: 'missing Secret', c: { env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'missing', key: 'k' } } }] }, error: 'secret "missing" not found' },
  { name: 'missing Secret key', c: { env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'creds', key: 'k' } } }] }, error: "couldn't find key k in Secret default/creds" },
  { name: 'missing envFrom ConfigMap', c: { envFrom: [{ configMapRef: { name: 'gone' } }] }, error: 'configmap "gone" not found' },
];
for (const tc of envCases) {
  test(`makeEnvironment: ${tc.name}`, () => {
    const pod = makePod('p', { serviceAccountName: 'default' }, { labels: { app: 'web' }, annotations: { note: 'hi' } });
    const c: Container = { name: 'c', image: 'busybox', ...tc.c };
    pod.spec.containers = [c];
    if (tc.error) {
      assert.throws(() => makeEnvironment(pod, c, sources, dv), (e: unknown) => e instanceof ContainerConfigError && e.message === tc.error);
      return;
    }
    const env = makeEnvironment(pod, c, sources, dv);
    assert.deepEqual(Object.fromEntries(env.env.map((e) => [e.key, e.value])), tc.want);
    assert.deepEqual(env.warnings, tc.warnings ?? []);
  });
}

test('resourceFieldRef of another container by name', () => {
  const pod = makePod('p', { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'x', resources: { limits: { memory: '1Gi' } } }] });
  assert.equal(resourceFieldValue(pod, pod.spec.containers[0]!, { containerName: 'b', resource: 'limits.memory', divisor: '1Mi' }, dv), '1024');
});
