import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../api/types.js';
import { podDNSConfig } from './dns.js';

const CLUSTER = { servers: ['10.96.0.10'], domain: 'cluster.local' };
const SEARCH_NS1 = ['ns1.svc.cluster.local', 'svc.cluster.local', 'cluster.local'];

function pod(spec: Record<string, unknown>, namespace = 'ns1'): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace }, spec: { containers: [], ...spec } } as unknown as Pod;
}

describe('podDNSConfig', () => {
  const cases: [string, Pod, typeof CLUSTER, unknown][] = [
    ['ClusterFirst', pod({ dnsPolicy: 'ClusterFirst' }), CLUSTER, { servers: ['10.96.0.10'], searches: SEARCH_NS1, options: ['ndots:5'] }],
    ['unset policy means ClusterFirst', pod({}, 'default'), CLUSTER,
      { servers: ['10.96.0.10'], searches: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], options: ['ndots:5'] }],
    ['Default keeps the host resolv.conf', pod({ dnsPolicy: 'Default' }), CLUSTER, undefined],
    ['ClusterFirst on host network keeps the host', pod({ dnsPolicy: 'ClusterFirst', hostNetwork: true }), CLUSTER, undefined],
    ['ClusterFirstWithHostNet on host network', pod({ dnsPolicy: 'ClusterFirstWithHostNet', hostNetwork: true }), CLUSTER,
      { servers: ['10.96.0.10'], searches: SEARCH_NS1, options: ['ndots:5'] }],
    ['no cluster DNS configured', pod({ dnsPolicy: 'ClusterFirst' }), { servers: [], domain: 'cluster.local' }, undefined],
    ['None uses only spec.dnsConfig', pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.2.3.4'], searches: ['a.b'], options: [{ name: 'ndots', value: '2' }] } }), CLUSTER,
      { servers: ['1.2.3.4'], searches: ['a.b'], options: ['ndots:2'] }],
    ['spec.dnsConfig merges into ClusterFirst', pod({ dnsConfig: { searches: ['x.y', 'svc.cluster.local'], options: [{ name: 'ndots', value: '1' }, { name: 'edns0' }] } }), CLUSTER,
      { servers: ['10.96.0.10'], searches: [...SEARCH_NS1, 'x.y'], options: ['ndots:1', 'edns0'] }],
  ];
  for (const [name, p, cluster, want] of cases) {
    it(name, () => assert.deepEqual(podDNSConfig(p, cluster), want));
  }
});
