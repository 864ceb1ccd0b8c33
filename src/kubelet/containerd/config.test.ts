import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderContainerdConfig, containerdPaths, DISABLED_PLUGINS } from './config.js';
import { buildCniConflist, gatewayFor, cniNetworkName } from './cni.js';
import { mountsUnder, unescapeMountPath } from './cleanup.js';

const base = { dataDir: '/var/lib/peapod', sandboxImage: 'localhost/pause:1', streamServerPort: 10350 };

test('renderContainerdConfig: required settings', () => {
  const toml = renderContainerdConfig(base);
  const want = [
    'version = 2',
    'root = "/var/lib/peapod/containerd/root"',
    'state = "/var/lib/peapod/containerd/state"',
    '  address = "/var/lib/peapod/containerd/containerd.sock"',
    '  address = "/var/lib/peapod/containerd/containerd.sock.ttrpc"',
    '[plugins."io.containerd.grpc.v1.cri"]',
    '  sandbox_image = "localhost/pause:1"',
    '  restrict_oom_score_adj = true',
    '  netns_mounts_under_state_dir = true',
    '  stream_server_address = "127.0.0.1"',
    '  stream_server_port = "10350"',
    '  snapshotter = "overlayfs"',
    '  runtime_type = "io.containerd.runc.v2"',
    '  SystemdCgroup = false',
    '  Root = "/var/lib/peapod/containerd/runc"',
    '  bin_dir = "/usr/lib/cni"',
    '  conf_dir = "/var/lib/peapod/cni"',
    '[plugins."io.containerd.grpc.v1.cri".registry]',
    '  config_path = "/var/lib/peapod/containerd/certs.d"',
    '[plugins."io.containerd.internal.v1.opt"]',
  ];
  const lines = toml.split('\n');
  for (const w of want) assert.ok(lines.includes(w), `missing line ${JSON.stringify(w)}\n${toml}`);
  for (const p of DISABLED_PLUGINS) assert.ok(toml.includes(JSON.stringify(p)), p);
  assert.ok(!toml.includes('/run/containerd'), 'must not use the system containerd paths');
  assert.ok(!toml.includes('/var/lib/containerd'), 'must not use the system containerd root');
});

test('renderContainerdConfig: options and escaping', () => {
  const toml = renderContainerdConfig({ ...base, dataDir: '/tmp/a "b"', cniBinDir: '/opt/cni/bin', cniConfDir: '/etc/cni/net.d', logLevel: 'debug' });
  assert.ok(toml.includes('root = "/tmp/a \\"b\\"/containerd/root"'));
  assert.ok(toml.includes('  bin_dir = "/opt/cni/bin"'));
  assert.ok(toml.includes('  conf_dir = "/etc/cni/net.d"'));
  assert.ok(toml.includes('  level = "debug"'));
});

test('renderContainerdConfig: rejects bad input', () => {
  const cases: [string, Partial<typeof base>][] = [
    ['relative data dir', { dataDir: 'data' }],
    ['port 0', { streamServerPort: 0 }],
    ['port too big', { streamServerPort: 70000 }],
    ['fractional port', { streamServerPort: 1.5 }],
  ];
  for (const [name, patch] of cases) {
    assert.throws(() => renderContainerdConfig({ ...base, ...patch }), Error, name);
  }
});

test('containerdPaths: everything under <dataDir>/containerd', () => {
  const p = containerdPaths('/d');
  for (const [k, v] of Object.entries(p)) {
    if (k === 'cniConfDir') assert.equal(v, '/d/cni');
    else assert.ok(v === '/d/containerd' || v.startsWith('/d/containerd/'), `${k}=${v}`);
  }
  assert.equal(p.logFile, '/d/containerd/containerd.log');
});

test('gatewayFor: first host of the CIDR', () => {
  const cases: [string, string][] = [
    ['10.244.7.0/24', '10.244.7.1'],
    ['10.244.7.99/24', '10.244.7.1'],
    ['10.42.0.0/16', '10.42.0.1'],
    ['192.168.100.128/25', '192.168.100.129'],
  ];
  for (const [cidr, gw] of cases) assert.equal(gatewayFor(cidr), gw, cidr);
  for (const bad of ['10.244.7.0', '10.244.300.0/24', '10.0.0.0/31', 'fd00::/64']) {
    assert.throws(() => gatewayFor(bad), Error, bad);
  }
});

test('buildCniConflist: bridge + host-local + portmap + loopback, CNI 1.0.0', () => {
  const c = buildCniConflist('/d/cni', { podCIDR: '10.244.9.0/24', bridgeName: 'pp1234' });
  assert.equal(c['cniVersion'], '1.0.0');
  assert.equal(c['name'], cniNetworkName('pp1234'));
  const plugins = c['plugins'] as Record<string, unknown>[];
  assert.deepEqual(plugins.map((p) => p['type']), ['bridge', 'portmap', 'loopback']);
  const bridge = plugins[0]!;
  assert.equal(bridge['bridge'], 'pp1234');
  assert.equal(bridge['isGateway'], true);
  assert.equal(bridge['ipMasq'], true);
  assert.deepEqual(bridge['ipam'], {
    type: 'host-local',
    ranges: [[{ subnet: '10.244.9.0/24', gateway: '10.244.9.1' }]],
    routes: [{ dst: '0.0.0.0/0' }],
    dataDir: '/d/cni/networks',
  });
  assert.deepEqual(plugins[1]!['capabilities'], { portMappings: true });
  assert.throws(() => buildCniConflist('/d', { podCIDR: '10.244.9.0/24', bridgeName: 'a-name-longer-than-15' }));
  assert.throws(() => buildCniConflist('/d', { podCIDR: '10.244.9.0/24', bridgeName: '' }));
});

test('mountsUnder: prefix match on whole path components, deepest first, unescaped', () => {
  const info = [
    '36 25 0:31 / /tmp/node rw - tmpfs tmpfs rw',
    '37 36 0:32 / /tmp/node/containerd/state/x/rootfs rw - overlay overlay rw',
    '38 36 0:33 / /tmp/node/containerd/state/with\\040space/shm rw - tmpfs shm rw',
    '39 25 0:34 / /tmp/node2/other rw - tmpfs tmpfs rw',
    '40 25 0:35 / /tmp rw - tmpfs tmpfs rw',
  ].join('\n');
  assert.deepEqual(mountsUnder(info, '/tmp/node/'), [
    '/tmp/node/containerd/state/with space/shm',
    '/tmp/node/containerd/state/x/rootfs',
    '/tmp/node',
  ]);
  assert.equal(unescapeMountPath('a\\040b\\011c'), 'a b\tc');
});
