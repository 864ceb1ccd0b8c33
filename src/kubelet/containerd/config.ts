/**
 * containerd 1.6 configuration (TOML, config version 2) for a peapod node.
 *
 * Everything containerd owns lives under `<dataDir>/containerd/` (root, state,
 * sockets) so that a peapod node never clashes with a system containerd or with
 * another peapod node on the same machine. See shared/reference/cri-containerd.md.
 */
import { join } from 'node:path';

/** Input of {@link renderContainerdConfig}. */
export interface ContainerdConfigOptions {
  /** The node's data directory (absolute path). */
  dataDir: string;
  /** Image the CRI plugin uses for pod sandboxes, e.g. `localhost/pause:1`. */
  sandboxImage: string;
  /** TCP port of the CRI streaming server (exec/attach/port-forward) on 127.0.0.1. */
  streamServerPort: number;
  /** CNI plugin binaries. Default `/usr/lib/cni` (Debian's containernetworking-plugins). */
  cniBinDir?: string;
  /** CNI conf dir. Default `<dataDir>/cni`. */
  cniConfDir?: string;
  /** containerd log level. Default `info`. */
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
}

/** Paths a node's containerd uses, all derived from the data dir. */
export interface ContainerdPaths {
  /** `<dataDir>/containerd` */
  base: string;
  root: string;
  state: string;
  /** gRPC socket (CRI + containerd API). */
  socket: string;
  ttrpcSocket: string;
  configFile: string;
  logFile: string;
  /** Registry host config dir (`hosts.toml` per registry), written by the images module. */
  certsDir: string;
  cniConfDir: string;
  optDir: string;
  /** runc state root (default would be the machine-wide `/run/containerd/runc`). */
  runcRoot: string;
}

/** Computes {@link ContainerdPaths} for a data dir (pure). */
export function containerdPaths(dataDir: string, cniConfDir?: string): ContainerdPaths {
  const base = join(dataDir, 'containerd');
  return {
    base,
    root: join(base, 'root'),
    state: join(base, 'state'),
    socket: join(base, 'containerd.sock'),
    ttrpcSocket: join(base, 'containerd.sock.ttrpc'),
    configFile: join(base, 'config.toml'),
    logFile: join(base, 'containerd.log'),
    certsDir: join(base, 'certs.d'),
    cniConfDir: cniConfDir ?? join(dataDir, 'cni'),
    optDir: join(base, 'opt'),
    runcRoot: join(base, 'runc'),
  };
}

/**
 * Plugins a CRI node never uses; disabling them skips their probing at start
 * (btrfs/zfs/devmapper/aufs snapshotters log errors and cost time otherwise).
 */
export const DISABLED_PLUGINS: readonly string[] = [
  'io.containerd.snapshotter.v1.aufs',
  'io.containerd.snapshotter.v1.btrfs',
  'io.containerd.snapshotter.v1.devmapper',
  'io.containerd.snapshotter.v1.zfs',
  'io.containerd.tracing.processor.v1.otlp',
  'io.containerd.internal.v1.tracing',
];

/** TOML basic string (JSON string escapes are a subset TOML accepts). */
function q(s: string): string {
  return JSON.stringify(s);
}

/**
 * Renders the containerd config TOML.
 *
 * Guarantees: own root/state/gRPC/ttrpc addresses under `<dataDir>/containerd`,
 * no debug or metrics listener, CRI plugin with `sandbox_image`,
 * `restrict_oom_score_adj = true` (required on VMs without CAP_SYS_RESOURCE),
 * network namespaces mounted under the state dir, CNI from `cniBinDir`/`cniConfDir`,
 * streaming server on `127.0.0.1:<streamServerPort>`, overlayfs snapshotter, runc v2
 * with the cgroupfs driver (`SystemdCgroup = false`) and its state root under
 * `<dataDir>/containerd/runc`, and registry hosts from
 * `<dataDir>/containerd/certs.d/<host>/hosts.toml`.
 *
 * @throws Error when `streamServerPort` is not 1..65535 or `dataDir` is not absolute.
 */
export function renderContainerdConfig(opts: ContainerdConfigOptions): string {
  if (!opts.dataDir.startsWith('/')) throw new Error(`dataDir must be absolute: ${opts.dataDir}`);
  const port = opts.streamServerPort;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`invalid streamServerPort ${port}`);
  }
  const p = containerdPaths(opts.dataDir, opts.cniConfDir);
  const cri = '[plugins."io.containerd.grpc.v1.cri"';
  const lines = [
    'version = 2',
    `root = ${q(p.root)}`,
    `state = ${q(p.state)}`,
    `disabled_plugins = [${DISABLED_PLUGINS.map(q).join(', ')}]`,
    '',
    '[grpc]',
    `  address = ${q(p.socket)}`,
    '',
    '[ttrpc]',
    `  address = ${q(p.ttrpcSocket)}`,
    '',
    '[debug]',
    '  address = ""',
    `  level = ${q(opts.logLevel ?? 'info')}`,
    '',
    '[metrics]',
    '  address = ""',
    '',
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = ${q(p.optDir)}`,
    '',
    `${cri}]`,
    `  sandbox_image = ${q(opts.sandboxImage)}`,
    '  restrict_oom_score_adj = true',
    '  netns_mounts_under_state_dir = true',
    '  enable_selinux = false',
    `  stream_server_address = "127.0.0.1"`,
    `  stream_server_port = ${q(String(port))}`,
    '',
    `${cri}.containerd]`,
    '  snapshotter = "overlayfs"',
    '  default_runtime_name = "runc"',
    '',
    `${cri}.containerd.runtimes.runc]`,
    '  runtime_type = "io.containerd.runc.v2"',
    '',
    `${cri}.containerd.runtimes.runc.options]`,
    '  SystemdCgroup = false',
    `  Root = ${q(p.runcRoot)}`,
    '',
    `${cri}.cni]`,
    `  bin_dir = ${q(opts.cniBinDir ?? '/usr/lib/cni')}`,
    `  conf_dir = ${q(p.cniConfDir)}`,
    '  max_conf_num = 1',
    '',
    `${cri}.registry]`,
    `  config_path = ${q(p.certsDir)}`,
    '',
  ];
  return lines.join('\n');
}
