import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import { StatusError } from '../api/errors.js';
import { decodeKubernetesProtobuf } from './protobuf.js';

// Builders mirroring Go's generated marshalers: fields in ascending order, zero
// values of non-pointer fields written explicitly.
type Part = (w: protobuf.Writer) => void;
const msg = (...parts: Part[]): Uint8Array => {
  const w = protobuf.Writer.create();
  for (const p of parts) p(w);
  return w.finish();
};
const s = (no: number, v: string): Part => (w) => void w.uint32((no << 3) | 2).string(v);
const b = (no: number, v: Uint8Array): Part => (w) => void w.uint32((no << 3) | 2).bytes(v);
const n = (no: number, v: number): Part => (w) => void w.uint32(no << 3).int64(v);
const t = (no: number, v: boolean): Part => (w) => void w.uint32(no << 3).bool(v);
const entry = (no: number, k: string, v: string): Part => b(no, msg(s(1, k), s(2, v)));
const entryBytes = (no: number, k: string, v: Uint8Array): Part => b(no, msg(s(1, k), b(2, v)));

function envelope(apiVersion: string, kind: string, raw: Uint8Array): Buffer {
  const unknown = msg(b(1, msg(s(1, apiVersion), s(2, kind))), b(2, raw), s(3, ''), s(4, ''));
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), unknown]);
}

/** ObjectMeta as Go writes it for a new object: empty strings, zero generation, empty creationTimestamp. */
function objectMeta(name: string, labels: Record<string, string> = {}, namespace = ''): Uint8Array {
  return msg(
    s(1, name), s(2, ''), s(3, namespace), s(4, ''), s(5, ''), s(6, ''), n(7, 0), b(8, new Uint8Array()),
    ...Object.entries(labels).map(([k, v]) => entry(11, k, v)),
  );
}

describe('decodeKubernetesProtobuf', () => {
  it('decodes DeleteOptions as typed clients send them (any group-version)', () => {
    const raw = msg(n(1, 0), b(2, msg(s(1, 'uid-1'))), s(4, 'Foreground'), s(5, 'All'));
    for (const gv of ['v1', 'apps/v1', 'meta.k8s.io/v1']) {
      const got = decodeKubernetesProtobuf(envelope(gv, 'DeleteOptions', raw));
      assert.equal(got.object.gracePeriodSeconds, 0, gv);
      assert.deepEqual(got.object.preconditions, { uid: 'uid-1' }, gv);
      assert.equal(got.object.propagationPolicy, 'Foreground', gv);
      assert.deepEqual(got.object.dryRun, ['All'], gv);
    }
  });

  it('decodes kubectl create namespace', () => {
    const raw = msg(b(1, objectMeta('x')), b(2, msg()), b(3, msg(s(1, ''))));
    const got = decodeKubernetesProtobuf(envelope('v1', 'Namespace', raw));
    assert.equal(got.apiVersion, 'v1');
    assert.equal(got.kind, 'Namespace');
    assert.deepEqual(got.object, { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'x', creationTimestamp: null }, spec: {}, status: {} });
  });

  it('decodes kubectl create deployment d --image=busybox -- sleep 1', () => {
    const labels = { app: 'd' };
    const container = msg(
      s(1, 'busybox'), s(2, 'busybox'), s(3, 'sleep'), s(3, '1'), s(5, ''), b(8, msg()),
      s(13, ''), s(14, ''), t(16, false), t(17, false), t(18, false), s(20, ''),
    );
    const podSpec = msg(b(2, container), s(3, ''), s(6, ''), s(8, ''), s(9, ''), s(10, ''), t(11, false), t(12, false), t(13, false), s(16, ''), s(17, ''), s(19, ''));
    const template = msg(b(1, objectMeta('', labels)), b(2, podSpec));
    const spec = msg(n(1, 1), b(2, msg(entry(1, 'app', 'd'))), b(3, template), b(4, msg(s(1, ''))), n(5, 0), t(7, false));
    const status = msg(n(1, 0), n(2, 0), n(3, 0), n(4, 0), n(5, 0), n(7, 0));
    const raw = msg(b(1, objectMeta('d', labels)), b(2, spec), b(3, status));
    const body = envelope('apps/v1', 'Deployment', raw);
    // The observed prefix: k8s\0, then typeMeta {apps/v1, Deployment}, then raw.
    assert.equal(
      body.subarray(0, 28).toString('hex'),
      '6b387300' + '0a15' + '0a07' + Buffer.from('apps/v1').toString('hex') + '120a' + Buffer.from('Deployment').toString('hex') + '12',
    );
    const got = decodeKubernetesProtobuf(body);
    assert.deepEqual(got.object, {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'd', creationTimestamp: null, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { creationTimestamp: null, labels },
          spec: { containers: [{ name: 'busybox', image: 'busybox', command: ['sleep', '1'], resources: {} }] },
        },
        strategy: {},
      },
      status: {},
    });
  });

  it('keeps zero values of pointer fields (replicas: 0)', () => {
    const raw = msg(b(1, objectMeta('d')), b(2, msg(n(1, 0), n(5, 0))));
    const got = decodeKubernetesProtobuf(envelope('apps/v1', 'Deployment', raw));
    assert.deepEqual(got.object.spec, { replicas: 0 });
  });

  it('decodes kubectl create configmap c --from-literal=a=b', () => {
    const raw = msg(b(1, objectMeta('c', {}, 'default')), entry(2, 'a', 'b'));
    const got = decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', raw));
    assert.deepEqual(got.object, { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c', namespace: 'default', creationTimestamp: null }, data: { a: 'b' } });
  });

  it('decodes kubectl create secret generic s --from-literal=a=b (bytes become base64)', () => {
    const raw = msg(b(1, objectMeta('s')), entryBytes(2, 'a', Buffer.from('b')), s(3, 'Opaque'));
    const got = decodeKubernetesProtobuf(envelope('v1', 'Secret', raw));
    assert.deepEqual(got.object, { kind: 'Secret', apiVersion: 'v1', metadata: { name: 's', creationTimestamp: null }, data: { a: 'Yg==' }, type: 'Opaque' });
  });

  it('decodes kubectl create serviceaccount sa', () => {
    const got = decodeKubernetesProtobuf(envelope('v1', 'ServiceAccount', msg(b(1, objectMeta('sa')))));
    assert.deepEqual(got.object, { kind: 'ServiceAccount', apiVersion: 'v1', metadata: { name: 'sa', creationTimestamp: null } });
  });

  it('decodes kubectl create service clusterip sv --tcp=80:8080 (string and int IntOrString)', () => {
    const port = msg(s(1, '80-8080'), s(2, 'TCP'), n(3, 80), b(4, msg(n(1, 0), n(2, 8080), s(3, ''))), n(5, 0));
    const spec = msg(b(1, port), entry(2, 'app', 'sv'), s(3, ''), s(4, 'ClusterIP'), s(7, ''), s(8, ''), s(10, ''), s(11, ''), n(12, 0), t(13, false));
    const raw = msg(b(1, objectMeta('sv', { app: 'sv' })), b(2, spec), b(3, msg(b(1, msg()))));
    const got = decodeKubernetesProtobuf(envelope('v1', 'Service', raw));
    assert.deepEqual(got.object, {
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { name: 'sv', creationTimestamp: null, labels: { app: 'sv' } },
      spec: { ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }], selector: { app: 'sv' }, type: 'ClusterIP' },
      status: { loadBalancer: {} },
    });
  });

  it('decodes Time, MicroTime, IntOrString, Quantity, inline embeds and negative ints', () => {
    const probe = msg(b(1, msg(b(2, msg(s(1, '/healthz'), b(2, msg(n(1, 1), n(2, 0), s(3, 'http'))))))), n(4, 5));
    const resources = msg(b(1, msg(s(1, 'cpu'), b(2, msg(s(1, '100m'))))));
    const env = msg(s(1, 'POD'), s(2, ''), b(3, msg(b(3, msg(b(1, msg(s(1, 'cm'))), s(2, 'k'))))));
    const container = msg(s(1, 'c'), b(7, env), b(8, resources), b(10, probe));
    const volume = msg(s(1, 'v'), b(2, msg(b(2, msg(s(1, 'Memory'))))));
    const spec = msg(b(1, volume), b(2, container), n(4, -1));
    const meta = msg(s(1, 'p'), b(8, msg(n(1, 1704067200))));
    const got = decodeKubernetesProtobuf(envelope('v1', 'Pod', msg(b(1, meta), b(2, spec))));
    assert.deepEqual(got.object, {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { name: 'p', creationTimestamp: '2024-01-01T00:00:00Z' },
      spec: {
        volumes: [{ name: 'v', emptyDir: { medium: 'Memory' } }],
        containers: [{
          name: 'c',
          env: [{ name: 'POD', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } }],
          resources: { limits: { cpu: '100m' } },
          livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
        }],
        terminationGracePeriodSeconds: -1,
      },
    });
    const lease = msg(b(1, objectMeta('n1')), b(2, msg(s(1, 'n1'), n(2, 40), b(4, msg(n(1, 1704067200), n(2, 123456789))))));
    const l = decodeKubernetesProtobuf(envelope('coordination.k8s.io/v1', 'Lease', lease));
    assert.deepEqual(l.object.spec, { holderIdentity: 'n1', leaseDurationSeconds: 40, renewTime: '2024-01-01T00:00:00.123456Z' });
  });

  it('decodes an integer IntOrString', () => {
    const tcp = msg(b(1, msg(n(1, 0), n(2, 8080), s(3, ''))));
    const container = msg(s(1, 'c'), b(11, msg(b(1, msg(b(3, tcp))))));
    const got = decodeKubernetesProtobuf(envelope('v1', 'Pod', msg(b(2, msg(b(2, container))))));
    assert.deepEqual(got.object.spec, { containers: [{ name: 'c', readinessProbe: { tcpSocket: { port: 8080 } } }] });
  });

  it('skips unknown fields of every wire type', () => {
    const meta = msg(s(1, 'x'), s(99, 'future'), n(98, 7), (w) => void w.uint32((97 << 3) | 1).fixed64(1), (w) => void w.uint32((96 << 3) | 5).fixed32(1));
    const got = decodeKubernetesProtobuf(envelope('v1', 'Namespace', msg(b(1, meta), s(50, 'x'))));
    assert.deepEqual(got.object, { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'x' } });
  });

  const bad: [string, Buffer, RegExp][] = [
    ['missing magic', Buffer.from('{"kind":"Pod"}'), /does not appear to be a protobuf message/],
    ['unknown kind', envelope('v1', 'Widget', msg()), /no kind "Widget" is registered for version "v1"/],
    ['truncated body', Buffer.concat([envelope('v1', 'Namespace', msg(b(1, objectMeta('x')))).subarray(0, 30)]), /unable to decode protobuf body/],
  ];
  for (const [name, body, re] of bad) {
    it(`rejects ${name} with 400 BadRequest`, () => {
      assert.throws(() => decodeKubernetesProtobuf(body), (e: unknown) => e instanceof StatusError && e.code === 400 && re.test(e.message));
    });
  }
});
