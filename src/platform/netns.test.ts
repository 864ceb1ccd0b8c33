import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bridgeSetup, hostRules, multinodeNetworkFor, noMasqueradeRule, podRoute, workerNetwork, workerSetup } from './netns.js';

describe('multinodeNetworkFor', () => {
  it('derives stable, valid names and a private /24 from the data dir', () => {
    const a = multinodeNetworkFor('/tmp/a/data');
    assert.deepEqual(multinodeNetworkFor('/tmp/a/data'), a);
    assert.match(a.bridge, /^ppb[0-9a-f]{8}$/);
    assert.ok(a.bridge.length <= 15);
    assert.match(a.subnetPrefix, /^172\.31\.(\d+)$/);
    const k = Number(a.subnetPrefix.split('.')[2]);
    assert.ok(k >= 10 && k < 250);
    assert.equal(a.hostIP, `${a.subnetPrefix}.1`);
    assert.notEqual(multinodeNetworkFor('/tmp/b/data').bridge, a.bridge);
  });
});

describe('workerNetwork', () => {
  const net = multinodeNetworkFor('/var/lib/peapod');
  const cases: { index: number; name: string; ip: string }[] = [
    { index: 1, name: 'cp-worker', ip: `${net.subnetPrefix}.11` },
    { index: 2, name: 'cp-worker2', ip: `${net.subnetPrefix}.12` },
    { index: 200, name: 'cp-worker200', ip: `${net.subnetPrefix}.210` },
  ];
  for (const c of cases) {
    it(`worker ${c.index} is ${c.name} at ${c.ip}`, () => {
      const w = workerNetwork(net, c.index, 'cp');
      assert.equal(w.nodeName, c.name);
      assert.equal(w.nodeIP, c.ip);
      assert.equal(w.netns, `${net.netnsPrefix}w${c.index}`);
      assert.ok(w.vethHost.length <= 15 && w.vethPeer.length <= 15, `${w.vethHost} ${w.vethPeer}`);
      assert.notEqual(w.vethHost, w.vethPeer);
    });
  }
  for (const bad of [0, 201, 1.5]) {
    it(`refuses index ${bad}`, () => assert.throws(() => workerNetwork(net, bad), RangeError));
  }
});

describe('network plan', () => {
  const net = multinodeNetworkFor('/d');
  const w = workerNetwork(net, 2, 'n');

  it('creates the bridge idempotently with the host IP', () => {
    const plan = bridgeSetup(net);
    assert.deepEqual(plan.map((c) => c.argv.join(' ')), [
      `ip link add ${net.bridge} type bridge`,
      `ip addr add ${net.hostIP}/24 dev ${net.bridge}`,
      `ip link set ${net.bridge} up`,
    ]);
    assert.ok(plan[0]!.ignore?.test('RTNETLINK answers: File exists'));
    assert.ok(plan[1]!.ignore?.test('Error: ipv4: Address already assigned.'));
  });

  it('plugs a worker namespace into the bridge with its node IP and the host as default route', () => {
    const argv = workerSetup(net, w).map((c) => c.argv.join(' '));
    assert.deepEqual(argv, [
      `ip netns add ${w.netns}`,
      `ip link add ${w.vethHost} type veth peer name ${w.vethPeer} netns ${w.netns}`,
      `ip link set ${w.vethHost} master ${net.bridge} up`,
      `ip -n ${w.netns} link set ${w.vethPeer} name eth0`,
      `ip -n ${w.netns} addr add ${w.nodeIP}/24 dev eth0`,
      `ip -n ${w.netns} link set eth0 up`,
      `ip -n ${w.netns} link set lo up`,
      `ip -n ${w.netns} route replace default via ${net.hostIP} dev eth0`,
      `nsenter --net=/run/netns/${w.netns} sysctl -q -w net.ipv4.ip_forward=1`,
    ]);
  });

  it('routes a pod CIDR via the node IP and keeps pod-to-pod traffic unmasqueraded', () => {
    assert.deepEqual(podRoute(net, '10.244.7.0/24', w.nodeIP).argv, ['ip', 'route', 'replace', '10.244.7.0/24', 'via', w.nodeIP, 'dev', net.bridge]);
    const rules = hostRules(net, '10.244.3.0/24');
    assert.deepEqual(rules[0], { table: 'nat', chain: 'POSTROUTING', rule: ['-s', '10.244.3.0/24', '-d', '10.244.0.0/16', '-m', 'comment', '--comment', net.ruleComment, '-j', 'RETURN'] });
    assert.ok(rules.every((r) => r.rule.includes(net.ruleComment)), 'every host rule is marked for cleanup');
    assert.deepEqual(noMasqueradeRule('10.244.9.0/24').rule.slice(0, 4), ['-s', '10.244.9.0/24', '-d', '10.244.0.0/16']);
  });
});
