import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSlice, Endpoints } from '../servicetypes.js';
import { formatDiscoveryEndpoints, formatDiscoveryPorts, formatEndpoints } from './endpoints.js';
import { buildTable } from './table.js';

const ep = (subsets: Endpoints['subsets']): Endpoints => ({ metadata: { name: 'web' }, subsets });
const addr = (...ips: string[]) => ips.map((ip) => ({ ip }));

describe('Endpoints column', () => {
  const cases: [string, Endpoints, string][] = [
    ['none', ep(undefined), '<none>'],
    ['one port', ep([{ addresses: addr('10.0.0.1', '10.0.0.2'), ports: [{ port: 8080 }] }]), '10.0.0.1:8080,10.0.0.2:8080'],
    ['more than three', ep([{ addresses: addr('1.1.1.1', '1.1.1.2'), ports: [{ port: 80 }, { port: 443 }] }]), '1.1.1.1:80,1.1.1.2:80,1.1.1.1:443 + 1 more...'],
    ['no ports: bare IPs', ep([{ addresses: addr('1.1.1.1') }]), '1.1.1.1'],
    ['only not-ready addresses', ep([{ notReadyAddresses: addr('1.1.1.1'), ports: [{ port: 80 }] }]), ''],
  ];
  for (const [name, e, want] of cases) it(name, () => assert.equal(formatEndpoints(e), want));
});

describe('EndpointSlice columns', () => {
  const slice = (endpoints: EndpointSlice['endpoints'], ports: EndpointSlice['ports']): EndpointSlice => ({ metadata: { name: 's' }, addressType: 'IPv4', endpoints, ports });
  it('ports and endpoints', () => {
    const s = slice([{ addresses: ['1.1.1.1'] }, { addresses: ['1.1.1.2'] }, { addresses: ['1.1.1.3'] }, { addresses: ['1.1.1.4'] }], [{ port: 80 }, { port: 443 }]);
    assert.equal(formatDiscoveryPorts(s), '80,443');
    assert.equal(formatDiscoveryEndpoints(s), '1.1.1.1,1.1.1.2,1.1.1.3 + 1 more...');
  });
  it('empty slices print <unset>', () => {
    const s = slice([], []);
    assert.equal(formatDiscoveryPorts(s), '<unset>');
    assert.equal(formatDiscoveryEndpoints(s), '<unset>');
  });
  it('table columns: NAME ADDRESSTYPE PORTS ENDPOINTS AGE', () => {
    const t = buildTable('endpointslices', [slice([], [])]);
    assert.deepEqual(t.columnDefinitions.map((c) => c.name), ['Name', 'AddressType', 'Ports', 'Endpoints', 'Age']);
    assert.deepEqual(buildTable('endpoints', []).columnDefinitions.map((c) => c.name), ['Name', 'Endpoints', 'Age']);
  });
});
