import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../errors.js';
import { checkRequestBody, findTypeError, findUnknownFields, strictDecodingError } from './index.js';

const POD = 'io.k8s.api.core.v1.Pod';
const DEPLOYMENT = 'io.k8s.api.apps.v1.Deployment';

function pod(spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: 'p' }): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
}

describe('findUnknownFields', () => {
  const cases: { name: string; schema: string; obj: unknown; want: string[] }[] = [
    { name: 'valid pod', schema: POD, obj: pod({ containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }] }] }), want: [] },
    { name: 'top-level spec field', schema: POD, obj: pod({ foo: 1, containers: [] }), want: ['spec.foo'] },
    { name: 'container field with index', schema: POD, obj: pod({ containers: [{ name: 'a' }, { name: 'b', volumeMount: [] }] }), want: ['spec.containers[1].volumeMount'] },
    { name: 'metadata is checked', schema: POD, obj: pod({ containers: [] }, { name: 'p', region: 'x' }), want: ['metadata.region'] },
    { name: 'labels are not checked', schema: POD, obj: pod({ containers: [] }, { name: 'p', labels: { anything: 'x' } }), want: [] },
    { name: 'inline volume source', schema: POD, obj: pod({ containers: [], volumes: [{ name: 'v', emptyDir: {}, presistentVolumeClaim: {} }] }), want: ['spec.volumes[0].presistentVolumeClaim'] },
    { name: 'probe handler inline', schema: POD, obj: pod({ containers: [{ name: 'c', livenessProbe: { httpGet: { port: 80, bogus: 1 }, periodSeconds: 1 } }] }), want: ['spec.containers[0].livenessProbe.httpGet.bogus'] },
    { name: 'env valueFrom', schema: POD, obj: pod({ containers: [{ name: 'c', env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'x', x: 1 } } }] }] }), want: ['spec.containers[0].env[0].valueFrom.fieldRef.x'] },
    { name: 'free-form volume sources pass', schema: POD, obj: pod({ containers: [], volumes: [{ name: 'v', nfs: { server: 's', path: '/' } }] }), want: [] },
    { name: 'several, in document order', schema: POD, obj: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', a: 1 }, spec: { containers: [{ name: 'c', b: 1 }] }, c: 1 }, want: ['metadata.a', 'spec.containers[0].b', 'c'] },
    { name: 'deployment template', schema: DEPLOYMENT, obj: { spec: { selector: {}, template: { spec: { containers: [{ name: 'c', imagee: 'x' }] } } } }, want: ['spec.template.spec.containers[0].imagee'] },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(findUnknownFields(c.schema, c.obj), c.want));
  }
});

describe('findTypeError', () => {
  const cases: { name: string; schema: string; obj: unknown; want: string | undefined }[] = [
    { name: 'valid', schema: POD, obj: pod({ containers: [{ name: 'c', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '100m', memory: 1024 } } }] }), want: undefined },
    { name: 'string for int32', schema: POD, obj: pod({ containers: [{ name: 'c', ports: [{ containerPort: '80' }] }] }), want: 'json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32' },
    { name: 'fraction for int32', schema: POD, obj: pod({ containers: [{ name: 'c', ports: [{ containerPort: 1.5 }] }] }), want: 'json: cannot unmarshal number 1.5 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32' },
    { name: 'number for string', schema: POD, obj: pod({ containers: [{ name: 'c', image: 3 }] }), want: 'json: cannot unmarshal number into Go struct field Container.spec.containers.image of type string' },
    { name: 'string for []string', schema: POD, obj: pod({ containers: [{ name: 'c', command: 'sleep 1' }] }), want: 'json: cannot unmarshal string into Go struct field Container.spec.containers.command of type []string' },
    { name: 'string for struct', schema: POD, obj: { spec: 'x' }, want: 'json: cannot unmarshal string into Go struct field Pod.spec of type v1.PodSpec' },
    { name: 'object for map value', schema: 'io.k8s.api.core.v1.ConfigMap', obj: { data: { a: { b: 1 } } }, want: 'json: cannot unmarshal object into Go struct field ConfigMap.data of type string' },
    { name: 'string for bool', schema: POD, obj: pod({ containers: [{ name: 'c', tty: 'yes' }] }), want: 'json: cannot unmarshal string into Go struct field Container.spec.containers.tty of type bool' },
    { name: 'named string type', schema: POD, obj: pod({ containers: [], restartPolicy: 1 }), want: 'json: cannot unmarshal number into Go struct field PodSpec.spec.restartPolicy of type v1.RestartPolicy' },
    { name: 'deployment replicas', schema: DEPLOYMENT, obj: { spec: { replicas: '3' } }, want: 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32' },
    { name: 'bad quantity aborts', schema: POD, obj: pod({ containers: [{ name: 'c', resources: { limits: { cpu: 'lots' } } }] }), want: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'" },
    { name: 'bool for IntOrString', schema: POD, obj: pod({ containers: [{ name: 'c', livenessProbe: { tcpSocket: { port: true } } }] }), want: 'json: cannot unmarshal bool into Go value of type int32' },
    { name: 'number for Time', schema: POD, obj: { metadata: { creationTimestamp: 5 } }, want: 'json: cannot unmarshal number into Go value of type string' },
    { name: 'bad base64', schema: 'io.k8s.api.core.v1.Secret', obj: { data: { a: 'ab$d' } }, want: 'illegal base64 data at input byte 2' },
    { name: 'short base64', schema: 'io.k8s.api.core.v1.Secret', obj: { data: { a: 'abcde' } }, want: 'illegal base64 data at input byte 4' },
    { name: 'nulls are fine', schema: POD, obj: { metadata: { creationTimestamp: null }, spec: { containers: null } }, want: undefined },
    { name: 'non-object body', schema: POD, obj: [1], want: 'json: cannot unmarshal array into Go value of type v1.Pod' },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(findTypeError(c.schema, c.obj), c.want));
  }
});

describe('strictDecodingError', () => {
  it('builds the upstream 400 message for one field', () => {
    const e = strictDecodingError('Pod', 'v1', ['spec.foo']);
    assert.equal(e.code, 400);
    assert.equal(e.reason, 'BadRequest');
    assert.equal(e.message, 'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo"');
  });
  it('joins several fields with ", "', () => {
    const e = strictDecodingError('Deployment', 'v1', ['a', 'b']);
    assert.equal(e.status.message, 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "a", unknown field "b"');
  });
});

describe('checkRequestBody', () => {
  const gvk = { group: '', version: 'v1', kind: 'Pod' };
  const body = pod({ containers: [{ name: 'c', foo: 1 }] });
  it('Strict rejects unknown fields', () => {
    assert.throws(() => checkRequestBody(gvk, body, 'Strict'), (e: unknown) => e instanceof StatusError && /unknown field "spec.containers\[0\].foo"/.test(e.message));
  });
  it('Warn returns warnings', () => {
    assert.deepEqual(checkRequestBody(gvk, body, 'Warn').warnings, ['unknown field "spec.containers[0].foo"']);
  });
  it('Ignore returns nothing', () => {
    assert.deepEqual(checkRequestBody(gvk, body, 'Ignore').warnings, []);
  });
  it('type errors fail even under Ignore', () => {
    assert.throws(
      () => checkRequestBody(gvk, pod({ containers: [{ name: 7 }] }), 'Ignore'),
      (e: unknown) => e instanceof StatusError && e.message === 'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field Container.spec.containers.name of type string',
    );
  });
  it('kinds without a schema pass', () => {
    assert.deepEqual(checkRequestBody({ group: 'batch', version: 'v1', kind: 'Job' }, { x: 1 }, 'Strict').warnings, []);
  });
});
