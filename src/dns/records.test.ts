import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSlice, Service } from '../api/servicetypes.js';
import { answerQuestion, parseClusterName } from './records.js';

const Z = 'cluster.local';

function svc(name: string, spec: Service['spec'], ns = 'default'): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec };
}
function slice(svcName: string, eps: { ip: string; ready?: boolean; hostname?: string }[], ports: { name: string; port: number; protocol?: string }[]): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
    metadata: { name: `${svcName}-x`, namespace: 'default', labels: { 'kubernetes.io/service-name': svcName } },
    endpoints: eps.map((e) => ({ addresses: [e.ip], conditions: { ready: e.ready ?? true }, hostname: e.hostname })),
    ports,
  };
}

const VIEW = {
  services: [
    svc('web', { clusterIP: '10.96.5.5', ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { port: 81 }] }),
    svc('db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] }),
    svc('ext', { type: 'ExternalName', externalName: 'example.com.' }),
  ],
  slices: [
    slice('web', [{ ip: '10.244.0.7' }], [{ name: 'http', port: 8080 }]),
    slice('db', [{ ip: '10.244.0.9', hostname: 'db-0' }, { ip: '10.244.0.8' }, { ip: '10.244.0.10', ready: false }], [{ name: 'pg', port: 5432, protocol: 'TCP' }]),
  ],
};

describe('parseClusterName', () => {
  const cases: [string, unknown][] = [
    ['web.default.svc.cluster.local', { kind: 'service', service: 'web', namespace: 'default' }],
    ['WEB.Default.svc.cluster.local.', { kind: 'service', service: 'web', namespace: 'default' }],
    ['_http._tcp.web.default.svc.cluster.local', { kind: 'srv', port: 'http', protocol: 'tcp', service: 'web', namespace: 'default' }],
    ['db-0.db.default.svc.cluster.local', { kind: 'endpoint', hostname: 'db-0', service: 'db', namespace: 'default' }],
    ['default.svc.cluster.local', { kind: 'namespace', namespace: 'default' }],
    ['svc.cluster.local', { kind: 'apex' }],
    ['cluster.local', { kind: 'apex' }],
    ['web.default.svc.cluster.local.default.svc.cluster.local', { kind: 'unknown' }],
    ['foo.pod.cluster.local', { kind: 'unknown' }],
    ['example.com', undefined],
    ['notcluster.local', undefined],
  ];
  for (const [name, want] of cases) it(name, () => assert.deepEqual(parseClusterName(name, Z), want));
});

describe('answerQuestion', () => {
  const cases: [string, string, string, unknown][] = [
    ['cluster IP', 'web.default.svc.cluster.local', 'A', { rcode: 'NOERROR', answers: [{ name: 'web.default.svc.cluster.local', type: 'A', ttl: 5, data: '10.96.5.5' }], additionals: [] }],
    ['AAAA of a known name is NODATA', 'web.default.svc.cluster.local', 'AAAA', { rcode: 'NOERROR', answers: [], additionals: [] }],
    ['unknown service', 'nope.default.svc.cluster.local', 'A', { rcode: 'NXDOMAIN', answers: [], additionals: [] }],
    ['unknown namespace', 'web.other.svc.cluster.local', 'A', { rcode: 'NXDOMAIN', answers: [], additionals: [] }],
    ['search-path miss', 'web.default.svc.cluster.local.default.svc.cluster.local', 'A', { rcode: 'NXDOMAIN', answers: [], additionals: [] }],
    ['headless: ready endpoint IPs', 'db.default.svc.cluster.local', 'A', { rcode: 'NOERROR', additionals: [], answers: [
      { name: 'db.default.svc.cluster.local', type: 'A', ttl: 5, data: '10.244.0.8' },
      { name: 'db.default.svc.cluster.local', type: 'A', ttl: 5, data: '10.244.0.9' }] }],
    ['headless endpoint by hostname', 'db-0.db.default.svc.cluster.local', 'A', { rcode: 'NOERROR', additionals: [], answers: [{ name: 'db-0.db.default.svc.cluster.local', type: 'A', ttl: 5, data: '10.244.0.9' }] }],
    ['headless endpoint by dashed IP', '10-244-0-8.db.default.svc.cluster.local', 'A', { rcode: 'NOERROR', additionals: [], answers: [{ name: '10-244-0-8.db.default.svc.cluster.local', type: 'A', ttl: 5, data: '10.244.0.8' }] }],
    ['not-ready endpoint has no name', '10-244-0-10.db.default.svc.cluster.local', 'A', { rcode: 'NXDOMAIN', answers: [], additionals: [] }],
    ['SRV of a cluster IP service', '_http._tcp.web.default.svc.cluster.local', 'SRV', { rcode: 'NOERROR',
      answers: [{ name: '_http._tcp.web.default.svc.cluster.local', type: 'SRV', ttl: 5, data: { priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' } }],
      additionals: [{ name: 'web.default.svc.cluster.local', type: 'A', ttl: 5, data: '10.96.5.5' }] }],
    ['SRV wrong protocol', '_http._udp.web.default.svc.cluster.local', 'SRV', { rcode: 'NXDOMAIN', answers: [], additionals: [] }],
    ['SRV of a headless service', '_pg._tcp.db.default.svc.cluster.local', 'SRV', { rcode: 'NOERROR',
      answers: [
        { name: '_pg._tcp.db.default.svc.cluster.local', type: 'SRV', ttl: 5, data: { priority: 0, weight: 100, port: 5432, target: '10-244-0-8.db.default.svc.cluster.local' } },
        { name: '_pg._tcp.db.default.svc.cluster.local', type: 'SRV', ttl: 5, data: { priority: 0, weight: 100, port: 5432, target: 'db-0.db.default.svc.cluster.local' } }],
      additionals: [
        { name: '10-244-0-8.db.default.svc.cluster.local', type: 'A', ttl: 5, data: '10.244.0.8' },
        { name: 'db-0.db.default.svc.cluster.local', type: 'A', ttl: 5, data: '10.244.0.9' }] }],
    ['ExternalName is a CNAME', 'ext.default.svc.cluster.local', 'A', { rcode: 'NOERROR', additionals: [], answers: [{ name: 'ext.default.svc.cluster.local', type: 'CNAME', ttl: 5, data: 'example.com' }] }],
    ['namespace with services', 'default.svc.cluster.local', 'A', { rcode: 'NOERROR', answers: [], additionals: [] }],
    ['outside the zone', 'example.com', 'A', undefined],
  ];
  for (const [title, name, type, want] of cases) it(title, () => assert.deepEqual(answerQuestion(name, type, VIEW, Z), want));
});
