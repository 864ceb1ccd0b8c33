import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../../api/errors.js';
import type { KubeObject } from '../../../api/types.js';
import { configMapStrategy, configKeyErrors } from './configmap.js';
import { base64ErrorOffset, secretStrategy } from './secret.js';

const ctx = { now: new Date(), user: 'test' };

const b64Cases: [string, number][] = [['', -1], ['YQ==', -1], ['YWI=', -1], ['YWJj', -1], ['!!', 0], ['YQ=', 0], ['YQ', 0], ['YW!j', 2], ['YQ==YQ==', 4], ['YWJjZA', 4]];
for (const [s, want] of b64Cases) test(`base64ErrorOffset(${JSON.stringify(s)}) = ${want}`, () => assert.equal(base64ErrorOffset(s), want));

test('secret: invalid base64 is a 400 with the decoder message; stringData merges into data; type defaults to Opaque', () => {
  const bad = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { k: '!!notbase64' } } as KubeObject;
  assert.throws(() => secretStrategy.prepareForCreate!(bad, ctx), (e: unknown) => e instanceof StatusError && e.code === 400
    && e.message === 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0');
  const ok = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'YQ==' }, stringData: { b: 'bee' } } as KubeObject & Record<string, unknown>;
  secretStrategy.prepareForCreate!(ok, ctx);
  assert.deepEqual(ok.data, { a: 'YQ==', b: Buffer.from('bee').toString('base64') });
  assert.equal(ok.stringData, undefined);
  assert.equal(ok.type, 'Opaque');
});

test('secret validation: keys, built-in types, immutability', () => {
  const mk = (o: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, ...o }) as KubeObject;
  assert.deepEqual(secretStrategy.validate!(mk({ type: 'Opaque', data: { 'a b': 'YQ==' } })).map((e) => e.field), ['data[a b]']);
  assert.deepEqual(secretStrategy.validate!(mk({ type: 'kubernetes.io/tls', data: { 'tls.crt': 'YQ==' } })).map((e) => `${e.field} ${e.type}`), ['data[tls.key] Required']);
  const old = mk({ type: 'Opaque', immutable: true, data: { a: 'YQ==' } });
  assert.deepEqual(secretStrategy.validateUpdate!(mk({ type: 'Opaque', immutable: true, data: { a: 'Yg==' } }), old).map((e) => `${e.field} ${e.type}`), ['data Forbidden']);
  assert.deepEqual(secretStrategy.validateUpdate!(mk({ type: 'Other', data: {} }), mk({ type: 'Opaque', data: {} })).map((e) => e.field), ['type']);
});

test('configmap validation: config keys, duplicates across data/binaryData, immutability', () => {
  assert.deepEqual(configKeyErrors('ok.key-1_x'), []);
  assert.equal(configKeyErrors('..x').length, 1);
  assert.equal(configKeyErrors('a/b').length, 1);
  const mk = (o: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, ...o }) as KubeObject;
  assert.deepEqual(configMapStrategy.validate!(mk({ data: { a: '1' }, binaryData: { a: 'YQ==' } })).map((e) => e.field), ['data[a]']);
  assert.deepEqual(configMapStrategy.validate!(mk({ data: { 'bad key': '1' } })).map((e) => e.field), ['data[bad key]']);
  const errs = configMapStrategy.validateUpdate!(mk({ data: { a: '2' } }), mk({ immutable: true, data: { a: '1' } }));
  assert.deepEqual(errs.map((e) => e.field).sort(), ['data', 'immutable']);
});
