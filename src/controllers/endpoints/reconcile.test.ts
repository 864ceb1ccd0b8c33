import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSlice, Service } from '../../api/servicetypes.js';
import type { Pod } from '../../api/types.js';
import { pod as basePod } from '../testing/builders.js';
import { computeSubsets, desiredEndpoints, desiredSliceContents, findPort, planSlices } from './reconcile.js';

function service(ports: Service['spec'] extends infer S ? S extends { ports?: infer P } ? P : never : never, extra: Record<string, unknown> = {}): Service {
  return { metadata: { name: 'web', namespace: 'default', uid: 'uid-svc', labels: { app: 'web' } }, spec: { selector: { app: 'web' }, ports, ...extra } } as Service;
}

function pod(name: string, ip: string | undefined, o: { ready?: boolean; deleting?: boolean; labels?: Record<string, string>; phase?: 'Running' | 'Failed' } = {}): Pod {
  const p = basePod(name, { node: 'n1', readySince: o.ready === false ? undefined : 10, deleting: o.deleting, labels: o.labels, phase: o.phase });
  p.spec.containers[0]!.ports = [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 5353, protocol: 'UDP' }];
  if (ip) p.status!.podIP = ip;
  return p;
}

const ref = (name: string) => ({ kind: 'Pod', namespace: 'default', name, uid: `uid-${name}` });

describe('findPort', () => {
  const p = pod('a', '10.244.0.2');
  const cases: [string, Parameters<typeof findPort>[1], number | undefined][] = [
    ['number', { port: 80, targetPort: 9000 }, 9000],
    ['defaults to port', { port: 80 }, 80],
    ['name', { port: 80, targetPort: 'http' }, 8080],
    ['name with protocol', { port: 53, targetPort: 'dns', protocol: 'UDP' }, 5353],
    ['name, wrong protocol', { port: 53, targetPort: 'dns', protocol: 'TCP' }, undefined],
    ['unknown name', { port: 80, targetPort: 'nope' }, undefined],
  ];
  for (const [name, sp, want] of cases) it(name, () => assert.equal(findPort(p, sp), want));
});

describe('Endpoints subsets', () => {
  const cases: { name: string; svc: Service; pods: Pod[]; want: unknown }[] = [
    {
      name: 'ready and not-ready pods; others skipped (no IP, other labels, terminating, failed)',
      svc: service([{ port: 80, targetPort: 'http', protocol: 'TCP' }]),
      pods: [
        pod('b', '10.244.0.10'), pod('a', '10.244.0.9'), pod('c', '10.244.0.3', { ready: false }), pod('noip', undefined),
        pod('other', '10.244.0.4', { labels: { app: 'x' } }), pod('gone', '10.244.0.5', { deleting: true }), pod('dead', '10.244.0.6', { phase: 'Failed' }),
      ],
      want: [{
        ports: [{ name: '', port: 8080, protocol: 'TCP' }],
        addresses: [{ ip: '10.244.0.9', nodeName: 'n1', targetRef: ref('a') }, { ip: '10.244.0.10', nodeName: 'n1', targetRef: ref('b') }],
        notReadyAddresses: [{ ip: '10.244.0.3', nodeName: 'n1', targetRef: ref('c') }],
      }],
    },
    {
      name: 'named port missing on a pod: that pod is left out',
      svc: service([{ port: 80, targetPort: 'web', protocol: 'TCP' }]),
      pods: [pod('a', '10.244.0.2')],
      want: [],
    },
    {
      name: 'publishNotReadyAddresses puts every pod in addresses',
      svc: service([{ port: 80, targetPort: 8080, protocol: 'TCP' }], { publishNotReadyAddresses: true }),
      pods: [pod('a', '10.244.0.2', { ready: false })],
      want: [{ ports: [{ name: '', port: 8080, protocol: 'TCP' }], addresses: [{ ip: '10.244.0.2', nodeName: 'n1', targetRef: ref('a') }] }],
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(computeSubsets(c.svc, c.pods), c.want));

  it('the Endpoints object carries the service labels and no subsets when empty', () => {
    const ep = desiredEndpoints(service([{ port: 80, protocol: 'TCP' }], { clusterIP: 'None' }), []);
    assert.deepEqual(ep.metadata, { name: 'web', namespace: 'default', labels: { app: 'web', 'service.kubernetes.io/headless': '' } });
    assert.equal(ep.subsets, undefined);
  });
});

describe('EndpointSlices', () => {
  const svc = service([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
  it('conditions: ready, not ready, terminating (kept with ready false)', () => {
    const got = desiredSliceContents(svc, [pod('a', '10.244.0.2'), pod('b', '10.244.0.3', { ready: false }), pod('c', '10.244.0.4', { deleting: true })]);
    assert.deepEqual(got, [{
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      endpoints: [
        { addresses: ['10.244.0.2'], conditions: { ready: true, serving: true, terminating: false }, targetRef: ref('a'), nodeName: 'n1' },
        { addresses: ['10.244.0.3'], conditions: { ready: false, serving: false, terminating: false }, targetRef: ref('b'), nodeName: 'n1' },
        { addresses: ['10.244.0.4'], conditions: { ready: false, serving: true, terminating: true }, targetRef: ref('c'), nodeName: 'n1' },
      ],
    }]);
  });
  it('no backends: one empty placeholder', () => {
    assert.deepEqual(desiredSliceContents(svc, []), [{ ports: [], endpoints: [] }]);
  });

  const existing = (name: string, content: { ports: unknown[]; endpoints: unknown[] }, labels?: Record<string, string>): EndpointSlice => ({
    metadata: { name, namespace: 'default', labels: labels ?? { app: 'web', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' } },
    addressType: 'IPv4', ...content,
  } as EndpointSlice);
  const want = desiredSliceContents(svc, [pod('a', '10.244.0.2')]);
  const cases: { name: string; have: EndpointSlice[]; create: number; update: string[]; remove: string[] }[] = [
    { name: 'none yet: create one owned by the service', have: [], create: 1, update: [], remove: [] },
    { name: 'up to date: nothing', have: [existing('web-a', want[0]!)], create: 0, update: [], remove: [] },
    { name: 'stale content: update in place', have: [existing('web-a', { ports: [], endpoints: [] })], create: 0, update: ['web-a'], remove: [] },
    { name: 'labels changed: update', have: [existing('web-a', want[0]!, { 'kubernetes.io/service-name': 'web' })], create: 0, update: ['web-a'], remove: [] },
    { name: 'extra slices: delete', have: [existing('web-a', want[0]!), existing('web-b', { ports: [], endpoints: [] })], create: 0, update: [], remove: ['web-b'] },
  ];
  for (const c of cases) {
    it(`planSlices: ${c.name}`, () => {
      const plan = planSlices(svc, want, c.have);
      assert.equal(plan.create.length, c.create);
      assert.deepEqual(plan.update.map((s) => s.metadata.name), c.update);
      assert.deepEqual(plan.remove.map((s) => s.metadata.name), c.remove);
      for (const s of plan.create) {
        assert.equal(s.metadata.generateName, 'web-');
        assert.deepEqual(s.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'uid-svc', controller: true, blockOwnerDeletion: true }]);
        assert.equal(s.metadata.labels?.['kubernetes.io/service-name'], 'web');
      }
      for (const s of plan.update) assert.deepEqual({ ports: s.ports, endpoints: s.endpoints }, want[0]);
    });
  }
});
