import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString } from '../../../api/errors.js';
import type { Service } from '../../../api/servicetypes.js';
import { defaultService, validateService, validateServiceUpdate } from './service.js';
import { keepAllocatedValues } from './service-validation.js';

const svc = (spec: Record<string, unknown>, name = 'web'): Service => ({ metadata: { name, namespace: 'default' }, spec } as Service);

describe('Service defaulting', () => {
  const cases: { name: string; spec: Record<string, unknown>; want: Record<string, unknown> }[] = [
    {
      name: 'ClusterIP defaults',
      spec: { ports: [{ port: 80 }], selector: { app: 'web' } },
      want: {
        ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }], selector: { app: 'web' }, type: 'ClusterIP', sessionAffinity: 'None',
        internalTrafficPolicy: 'Cluster', ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'],
      },
    },
    {
      name: 'NodePort gets externalTrafficPolicy Cluster; named targetPort kept',
      spec: { type: 'NodePort', ports: [{ port: 80, targetPort: 'http', protocol: 'UDP' }] },
      want: {
        type: 'NodePort', ports: [{ port: 80, targetPort: 'http', protocol: 'UDP' }], sessionAffinity: 'None', externalTrafficPolicy: 'Cluster',
        internalTrafficPolicy: 'Cluster', ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'],
      },
    },
    {
      name: 'clusterIP copied into clusterIPs; ClientIP affinity gets a timeout',
      spec: { clusterIP: '10.96.0.10', sessionAffinity: 'ClientIP', ports: [{ port: 53, targetPort: 0 }] },
      want: {
        clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
        ports: [{ port: 53, targetPort: 53, protocol: 'TCP' }], type: 'ClusterIP', internalTrafficPolicy: 'Cluster', ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'],
      },
    },
    {
      name: 'headless without selector: RequireDualStack',
      spec: { clusterIP: 'None' },
      want: { clusterIP: 'None', clusterIPs: ['None'], type: 'ClusterIP', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster', ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4'] },
    },
    {
      name: 'ExternalName drops IP families',
      spec: { type: 'ExternalName', externalName: 'example.com', ipFamilies: ['IPv4'] },
      want: { type: 'ExternalName', externalName: 'example.com', sessionAffinity: 'None' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = svc(structuredClone(c.spec));
      defaultService(s);
      assert.deepEqual(s.spec, c.want);
    });
  }
});

describe('Service validation (field paths and messages)', () => {
  const v = (spec: Record<string, unknown>, name = 'web') => {
    const s = svc(spec, name);
    defaultService(s);
    return validateService(s).map(fieldErrorString);
  };
  const cases: { name: string; spec: Record<string, unknown>; svcName?: string; want: string[] }[] = [
    { name: 'valid', spec: { ports: [{ port: 80, targetPort: 8080 }], selector: { app: 'web' } }, want: [] },
    { name: 'ports required', spec: { selector: { app: 'web' } }, want: ['spec.ports: Required value'] },
    { name: 'headless needs no ports', spec: { clusterIP: 'None', selector: { app: 'web' } }, want: [] },
    { name: 'port range', spec: { ports: [{ port: 70000 }] }, want: ['spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive', 'spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive'] },
    {
      name: 'duplicate ports',
      spec: { ports: [{ name: 'a', port: 80 }, { name: 'b', port: 80 }] },
      want: ['spec.ports[1]: Duplicate value: {"name":"b","port":80,"protocol":"TCP","targetPort":80}'],
    },
    { name: 'names required with several ports', spec: { ports: [{ port: 80 }, { port: 81 }] }, want: ['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value'] },
    { name: 'duplicate names', spec: { ports: [{ name: 'a', port: 80 }, { name: 'a', port: 81 }] }, want: ['spec.ports[1].name: Duplicate value: "a"'] },
    { name: 'bad protocol', spec: { ports: [{ port: 80, protocol: 'ICMP' }] }, want: ['spec.ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"'] },
    {
      name: 'bad selector label', spec: { ports: [{ port: 80 }], selector: { app: 'we b' } },
      want: ["spec.selector: Invalid value: \"we b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"],
    },
    { name: 'type not supported', spec: { type: 'Magic', ports: [{ port: 80 }] }, want: ['spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'] },
    { name: 'nodePort on ClusterIP', spec: { ports: [{ port: 80, nodePort: 30080 }] }, want: ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"] },
    { name: 'headless NodePort', spec: { type: 'NodePort', clusterIP: 'None', ports: [{ port: 80 }] }, want: ["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"] },
    { name: 'bad cluster IP', spec: { clusterIP: '10.96.0.300', ports: [{ port: 80 }] }, want: ['spec.clusterIPs[0]: Invalid value: "10.96.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'] },
    { name: 'IPv6 family', spec: { ipFamilies: ['IPv6'], ports: [{ port: 80 }] }, want: ['spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster'] },
    {
      name: 'name must be a DNS-1035 label', spec: { ports: [{ port: 80 }] }, svcName: '1web',
      want: ["metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"],
    },
    { name: 'ExternalName needs a name', spec: { type: 'ExternalName' }, want: ['spec.externalName: Required value'] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(v(structuredClone(c.spec), c.svcName), c.want));
});

describe('Service update rules', () => {
  const old = (): Service => {
    const s = svc({ type: 'NodePort', clusterIP: '10.96.0.20', ports: [{ port: 80, nodePort: 30080 }], selector: { app: 'web' } });
    defaultService(s);
    return s;
  };
  it('a new cluster IP is refused with "may not change once set"', () => {
    const next = old();
    next.spec!.clusterIP = '10.96.0.21';
    keepAllocatedValues(next, old());
    assert.deepEqual(validateServiceUpdate(next, old()).map(fieldErrorString), ['spec.clusterIPs[0]: Invalid value: ["10.96.0.21"]: may not change once set']);
  });
  it('an update without clusterIP and nodePort keeps the allocated ones', () => {
    const next = svc({ type: 'NodePort', ports: [{ port: 80 }], selector: { app: 'web' } });
    defaultService(next);
    keepAllocatedValues(next, old());
    assert.equal(next.spec!.clusterIP, '10.96.0.20');
    assert.deepEqual(next.spec!.clusterIPs, ['10.96.0.20']);
    assert.equal(next.spec!.ports![0]!.nodePort, 30080);
    assert.deepEqual(validateServiceUpdate(next, old()), []);
  });
  it('switching to ExternalName may drop the cluster IP', () => {
    const next = svc({ type: 'ExternalName', externalName: 'example.com' });
    defaultService(next);
    keepAllocatedValues(next, old());
    assert.deepEqual(validateServiceUpdate(next, old()), []);
  });
});
