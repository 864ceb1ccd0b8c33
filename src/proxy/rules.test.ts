import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSlice, Service } from '../api/servicetypes.js';
import { buildServicePorts, type ServicePortInfo } from './model.js';
import { buildCleanupScript, buildRestoreScript, chainNames, jumpFixes, parseSave, sepChain, svcChain, type TableState } from './rules.js';

const TAG = 'abc123';
const empty: TableState = { chains: { nat: [], filter: [] }, builtinRules: { nat: [], filter: [] } };

const web = (backends: { ip: string; port: number }[], nodePort?: number): ServicePortInfo => ({
  namespace: 'default', name: 'web', portName: '', protocol: 'TCP', clusterIP: '10.96.10.20', port: 80, backends, ...(nodePort ? { nodePort } : {}),
});

describe('buildServicePorts', () => {
  const svc = (name: string, spec: Service['spec']): Service => ({ metadata: { name, namespace: 'default' }, spec });
  const slice = (svcName: string, endpoints: EndpointSlice['endpoints'], ports: EndpointSlice['ports']): EndpointSlice => ({
    metadata: { name: `${svcName}-x`, namespace: 'default', labels: { 'kubernetes.io/service-name': svcName } }, addressType: 'IPv4', endpoints, ports,
  });
  it('joins ports by name and protocol, keeps ready endpoints, skips headless and ExternalName', () => {
    const got = buildServicePorts(
      [
        svc('web', { type: 'NodePort', clusterIP: '10.96.10.20', ports: [{ name: 'http', port: 80, protocol: 'TCP', nodePort: 30080 }, { name: 'dns', port: 53, protocol: 'UDP' }] }),
        svc('hl', { clusterIP: 'None', ports: [{ port: 80 }] }),
        svc('ext', { type: 'ExternalName', externalName: 'example.com' }),
      ],
      [slice('web', [
        { addresses: ['10.244.1.3'], conditions: { ready: true } },
        { addresses: ['10.244.1.2'] },
        { addresses: ['10.244.1.4'], conditions: { ready: false, serving: true, terminating: true } },
      ], [{ name: 'http', port: 8080, protocol: 'TCP' }])],
    );
    assert.deepEqual(got, [
      { namespace: 'default', name: 'web', portName: 'dns', protocol: 'UDP', clusterIP: '10.96.10.20', port: 53, backends: [] },
      { namespace: 'default', name: 'web', portName: 'http', protocol: 'TCP', clusterIP: '10.96.10.20', port: 80, nodePort: 30080, backends: [{ ip: '10.244.1.2', port: 8080 }, { ip: '10.244.1.3', port: 8080 }] },
    ]);
  });
  it('falls back to serving terminating endpoints when none is ready', () => {
    const got = buildServicePorts([svc('web', { clusterIP: '10.96.10.20', ports: [{ port: 80, protocol: 'TCP' }] })],
      [slice('web', [{ addresses: ['10.244.1.4'], conditions: { ready: false, serving: true, terminating: true } }], [{ name: '', port: 8080, protocol: 'TCP' }])]);
    assert.deepEqual(got[0]?.backends, [{ ip: '10.244.1.4', port: 8080 }]);
  });
});

describe('buildRestoreScript', () => {
  it('two endpoints: random 1/2 then the rest, hairpin and outside traffic marked, DNAT', () => {
    const p = web([{ ip: '10.244.1.2', port: 8080 }, { ip: '10.244.1.3', port: 8080 }]);
    const script = buildRestoreScript({ tag: TAG, clusterCIDR: '10.244.0.0/16', ports: [p], state: empty });
    const svc = svcChain(TAG, p);
    const sep0 = sepChain(TAG, p, '10.244.1.2', 8080);
    const sep1 = sepChain(TAG, p, '10.244.1.3', 8080);
    assert.match(svc, /^PEAPOD-SVC-abc123[0-9A-F]{10}$/);
    assert.ok(svc.length <= 28 && sep0.length <= 28);
    const lines = script.split('\n');
    const expected = [
      `-A PEAPOD-SERVICES-abc123 -d 10.96.10.20/32 -p tcp -m tcp --dport 80 -m comment --comment "default/web cluster IP" -j ${svc}`,
      `-A ${svc} ! -s 10.244.0.0/16 -d 10.96.10.20/32 -p tcp -m tcp --dport 80 -m comment --comment "default/web cluster IP" -j PEAPOD-MARK-MASQ-abc123`,
      `-A ${svc} -m comment --comment "default/web -> 10.244.1.2:8080" -m statistic --mode random --probability 0.50000000000 -j ${sep0}`,
      `-A ${svc} -m comment --comment "default/web -> 10.244.1.3:8080" -j ${sep1}`,
      `-A ${sep0} -s 10.244.1.2/32 -m comment --comment "default/web" -j PEAPOD-MARK-MASQ-abc123`,
      `-A ${sep0} -p tcp -m tcp -m comment --comment "default/web" -j DNAT --to-destination 10.244.1.2:8080`,
      '-A PEAPOD-POSTROUTING-abc123 -m comment --comment "peapod service traffic requiring SNAT" -j MASQUERADE --random-fully',
      '-I PREROUTING 1 -m comment --comment peapod-services-abc123 -j PEAPOD-SERVICES-abc123',
      '-I POSTROUTING 1 -m comment --comment peapod-services-abc123 -j PEAPOD-POSTROUTING-abc123',
      '-I FORWARD 1 -m conntrack --ctstate NEW -m comment --comment peapod-services-abc123 -j PEAPOD-SERVICES-abc123',
    ];
    for (const e of expected) assert.ok(lines.includes(e), `missing: ${e}\n${script}`);
    assert.equal(lines[0], '*nat');
    assert.ok(lines.indexOf(`:${svc} - [0:0]`) > 0);
    assert.equal(lines.filter((l) => l.includes('REJECT')).length, 0);
  });

  it('three endpoints use probabilities 1/3, 1/2 and none', () => {
    const p = web([{ ip: '10.244.1.2', port: 80 }, { ip: '10.244.1.3', port: 80 }, { ip: '10.244.1.4', port: 80 }]);
    const probs = buildRestoreScript({ tag: TAG, clusterCIDR: '10.244.0.0/16', ports: [p], state: empty }).split('\n')
      .filter((l) => l.startsWith(`-A ${svcChain(TAG, p)} -m comment`)).map((l) => /--probability (\S+)/.exec(l)?.[1] ?? 'none');
    assert.deepEqual(probs, ['0.33333333333', '0.50000000000', 'none']);
  });

  it('node ports are marked for masquerade and reach the service chain; no endpoints means REJECT', () => {
    const with1 = buildRestoreScript({ tag: TAG, clusterCIDR: '10.244.0.0/16', ports: [web([{ ip: '10.244.1.2', port: 80 }], 30080)], state: empty });
    assert.ok(with1.includes('-A PEAPOD-NODEPORTS-abc123 -p tcp -m tcp --dport 30080 -m comment --comment "default/web node port" -j PEAPOD-MARK-MASQ-abc123'));
    assert.ok(with1.includes('-A PEAPOD-SERVICES-abc123 -m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 -m comment --comment "peapod service node ports" -j PEAPOD-NODEPORTS-abc123'));
    const none = buildRestoreScript({ tag: TAG, clusterCIDR: '10.244.0.0/16', ports: [web([], 30080)], state: empty });
    assert.ok(none.includes('-A PEAPOD-SERVICES-abc123 -d 10.96.10.20/32 -p tcp -m tcp --dport 80 -m comment --comment "default/web has no endpoints" -j REJECT --reject-with icmp-port-unreachable'));
    assert.ok(none.includes('--dport 30080 -m comment --comment "default/web has no endpoints" -j REJECT'));
    assert.ok(!none.includes('PEAPOD-SVC-'), 'no service chain without endpoints');
  });

  it('deletes stale chains of this tag only, after flushing them', () => {
    const state: TableState = { ...empty, chains: { nat: ['PEAPOD-SVC-abc123AAAAAAAAAA', 'PEAPOD-SEP-abc123BBBBBBBBBB', 'PEAPOD-SVC-ffffffCCCCCCCCCC'], filter: [] } };
    const lines = buildRestoreScript({ tag: TAG, clusterCIDR: '10.244.0.0/16', ports: [], state }).split('\n');
    assert.ok(lines.includes(':PEAPOD-SVC-abc123AAAAAAAAAA - [0:0]') && lines.includes('-X PEAPOD-SVC-abc123AAAAAAAAAA'));
    assert.ok(lines.includes('-X PEAPOD-SEP-abc123BBBBBBBBBB'));
    assert.ok(!lines.some((l) => l.includes('ffffff')), 'another cluster\'s chains are left alone');
  });
});

describe('jumpFixes', () => {
  const ours = '-A POSTROUTING -m comment --comment peapod-services-abc123 -j PEAPOD-POSTROUTING-abc123';
  const spec = '-m comment --comment peapod-services-abc123 -j PEAPOD-POSTROUTING-abc123';
  const other = '-A POSTROUTING -s 10.244.1.0/24 -d 10.244.0.0/16 -j RETURN';
  const peer = '-A POSTROUTING -m comment --comment peapod-services-ffffff -j PEAPOD-POSTROUTING-ffffff';
  const pre = ['-A PREROUTING -m comment --comment peapod-services-abc123 -j PEAPOD-SERVICES-abc123', '-A OUTPUT -m comment --comment peapod-services-abc123 -j PEAPOD-SERVICES-abc123'];
  const cases: { name: string; rules: string[]; want: string[] }[] = [
    { name: 'in place', rules: [...pre, ours, other], want: [] },
    { name: 'after another peapod cluster is fine', rules: [...pre, peer, ours, other], want: [] },
    { name: 'missing', rules: [...pre, other], want: [`-I POSTROUTING 1 ${spec}`] },
    { name: 'behind a foreign rule', rules: [...pre, other, ours], want: [`-D POSTROUTING ${spec}`, `-I POSTROUTING 1 ${spec}`] },
    { name: 'duplicated', rules: [...pre, ours, ours], want: [`-D POSTROUTING ${spec}`, `-D POSTROUTING ${spec}`, `-I POSTROUTING 1 ${spec}`] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(jumpFixes(TAG, 'nat', c.rules), c.want));
});

describe('cleanup script', () => {
  it('removes the jumps and every chain of the tag, nothing else', () => {
    const save = [
      '*nat', ':PREROUTING ACCEPT [0:0]', ':PEAPOD-SERVICES-abc123 - [0:0]', ':PEAPOD-SVC-abc123AAAAAAAAAA - [0:0]', ':PEAPOD-SVC-ffffffAAAAAAAAAA - [0:0]', ':CNI-x - [0:0]',
      '-A PREROUTING -m comment --comment peapod-services-abc123 -j PEAPOD-SERVICES-abc123', '-A PREROUTING -j CNI-x', 'COMMIT',
    ].join('\n');
    const nat = parseSave(save);
    const script = buildCleanupScript(TAG, { chains: { nat: nat.chains, filter: [] }, builtinRules: { nat: nat.builtinRules, filter: [] } });
    assert.equal(script, [
      '*nat', '-D PREROUTING -m comment --comment peapod-services-abc123 -j PEAPOD-SERVICES-abc123',
      ':PEAPOD-SERVICES-abc123 - [0:0]', ':PEAPOD-SVC-abc123AAAAAAAAAA - [0:0]', '-X PEAPOD-SERVICES-abc123', '-X PEAPOD-SVC-abc123AAAAAAAAAA', 'COMMIT', '',
    ].join('\n'));
    assert.equal(buildCleanupScript(TAG, empty), undefined);
  });
  it('rejects malformed tags', () => assert.throws(() => chainNames('xyz'), RangeError));
});
