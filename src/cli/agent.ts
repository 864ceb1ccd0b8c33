/**
 * `peapod agent --server URL --token TOKEN`: a worker node that joins a running server, as
 * `k3s agent` does. It fetches its kubelet certificate and pod CIDR with the join token
 * (platform/bootstrap.ts), then runs its own containerd, registry mirror and kubelet; the
 * kubelet registers the Node and heart-beats like the server's own.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { ApiEventRecorder } from '../client/events.js';
import { RestClient } from '../client/rest.js';
import { writeRegistryHosts } from '../images/hosts.js';
import { startRegistryMirror, type RegistryMirror } from '../images/registry.js';
import { ImageStore } from '../images/store.js';
import { ContainerdSupervisor } from '../kubelet/containerd/supervisor.js';
import { buildPauseImageArchive } from '../kubelet/containerd/pause-image.js';
import { createRemoteRuntime } from '../kubelet/cri/remote.js';
import { Kubelet } from '../kubelet/kubelet.js';
import { Proxier } from '../proxy/proxier.js';
import { proxyTagFor } from '../proxy/rules.js';
import { fetchNodeCredentials, type NodeCredentials } from '../platform/bootstrap.js';
import { ensureIptablesRule, noMasqueradeRule } from '../platform/netns.js';
import { nodeNetworkFor, portOrFree, primaryNodeIP } from '../platform/node-net.js';
import { writeFileAtomic } from '../platform/pki.js';
import { PAUSE_IMAGE } from '../platform/platform.js';

/** Options of {@link Agent}. */
export interface AgentOptions {
  /** API server URL, e.g. `https://172.31.40.1:6443`. */
  server: string;
  /** The join token from the server's `<data-dir>/token`. */
  token: string;
  /** Absolute data directory of this node (containerd, pods, PKI). */
  dataDir: string;
  nodeName: string;
  nodeIP: string;
  /** Pod CIDR to use instead of the server's allocation. */
  podCIDR?: string;
  /** Image store the mirror serves (default `<dataDir>/images`); `up --nodes` shares the server's. */
  imageDir?: string;
  /** Cluster pod network kept free of NAT (default 10.244.0.0/16; empty: add no rule). */
  clusterCIDR?: string;
  log: (line: string) => void;
}

/** A running worker node. `start` once, `stop` once. */
export class Agent {
  private mirror?: RegistryMirror;
  private containerd?: ContainerdSupervisor;
  private kubelet?: Kubelet;
  private proxier?: Proxier;
  private client?: RestClient;
  private criClose?: () => void;
  private readonly ac = new AbortController();

  constructor(private readonly opts: AgentOptions) {}

  /** Joins and starts every component; logs each step with its time. @throws on any failed step. */
  async start(): Promise<void> {
    const { dataDir, log, nodeName, nodeIP } = this.opts;
    const t0 = Date.now();
    const step = (msg: string) => log(`[${((Date.now() - t0) / 1000).toFixed(2)}s] ${msg}`);
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const creds = await this.credentials();
    step(`joined ${this.opts.server}: kubelet certificate for system:node:${nodeName}, pod CIDR ${creds.podCIDR}`);

    const imageDir = this.opts.imageDir ?? path.join(dataDir, 'images');
    this.mirror = await startRegistryMirror({ store: new ImageStore(imageDir), host: '127.0.0.1' });
    step(`image registry mirror on ${this.mirror.url} serving ${imageDir}`);

    const pauseArchive = path.join(dataDir, 'pause', 'pause.tar');
    if (!(await stat(pauseArchive).catch(() => undefined))) {
      await mkdir(path.dirname(pauseArchive), { recursive: true });
      await buildPauseImageArchive(pauseArchive, PAUSE_IMAGE);
    }
    const { bridgeName } = nodeNetworkFor(dataDir);
    this.containerd = new ContainerdSupervisor({
      dataDir, podCIDR: creds.podCIDR, bridgeName, pauseImage: PAUSE_IMAGE, pauseImageArchive: pauseArchive,
      log: (l) => step(`containerd: ${l}`),
    });
    await writeRegistryHosts(this.containerd.paths.certsDir, this.mirror.url);
    await this.containerd.start(this.ac.signal);
    step(`containerd ready (socket ${this.containerd.socketPath})`);

    const clusterCIDR = this.opts.clusterCIDR ?? '10.244.0.0/16';
    if (clusterCIDR) {
      await ensureIptablesRule(noMasqueradeRule(creds.podCIDR, clusterCIDR));
      step(`pod traffic to ${clusterCIDR} leaves unmasqueraded`);
    }

    this.client = new RestClient({ server: this.opts.server, caPem: creds.caPem, certPem: creds.certPem, keyPem: creds.keyPem, userAgent: 'peapod-kubelet' });
    const cri = createRemoteRuntime(this.containerd.socketPath);
    this.criClose = () => cri.close();
    const kubeletPort = await portOrFree(10250);
    this.kubelet = new Kubelet({
      nodeName, client: this.client, runtime: cri.runtime, images: cri.images,
      recorder: new ApiEventRecorder(this.client, 'kubelet', nodeName),
      podLogsDir: path.join(dataDir, 'pods'), nodeIP, podCIDR: creds.podCIDR, kubeletPort, dataDir,
      tls: { cert: creds.certPem, key: creds.keyPem, ca: creds.caPem }, log,
    });
    await this.kubelet.start(this.ac.signal);
    step(`kubelet started: node ${nodeName} (${nodeIP}), kubelet API on port ${kubeletPort}`);

    this.proxier = new Proxier({ client: this.client, tag: proxyTagFor(dataDir), clusterCIDR: clusterCIDR || undefined, log });
    await this.proxier.start();
    step('service proxy started');
  }

  /** Fresh credentials from the server; the PEMs are kept in `<dataDir>/pki` for inspection. */
  private async credentials(): Promise<NodeCredentials> {
    const { dataDir, nodeName, nodeIP } = this.opts;
    const saved = (await readFile(path.join(dataDir, 'pod-cidr'), 'utf8').catch(() => '')).trim();
    const podCIDR = this.opts.podCIDR ?? (saved || undefined);
    const creds = await fetchNodeCredentials(this.opts.server, this.opts.token, { nodeName, nodeIPs: [nodeIP], ...(podCIDR ? { podCIDR } : {}) });
    const pki = path.join(dataDir, 'pki');
    await mkdir(pki, { recursive: true, mode: 0o700 });
    await writeFileAtomic(path.join(pki, 'ca.crt'), creds.caPem, 0o644);
    await writeFileAtomic(path.join(pki, 'kubelet.crt'), creds.certPem, 0o644);
    await writeFileAtomic(path.join(pki, 'kubelet.key'), creds.keyPem, 0o600);
    await writeFile(path.join(dataDir, 'pod-cidr'), `${creds.podCIDR}\n`);
    return creds;
  }

  /** Stops the kubelet and containerd (pods keep running and are re-adopted on the next start). */
  async stop(): Promise<void> {
    this.ac.abort();
    await this.proxier?.stop().catch(() => {});
    await this.kubelet?.stop().catch(() => {});
    this.client?.close();
    this.criClose?.();
    await this.containerd?.stop().catch(() => {});
    await this.mirror?.close().catch(() => {});
  }
}

interface AgentFlags {
  server: string;
  token?: string;
  tokenFile?: string;
  dataDir: string;
  nodeName?: string;
  nodeIp?: string;
  podCidr?: string;
  imageDir?: string;
  clusterCidr: string;
}

/** Adds `peapod agent` to the program. */
export function registerAgentCommand(program: Command): void {
  program
    .command('agent')
    .description('run a worker node that joins a peapod server (its own containerd, image mirror and kubelet)')
    .requiredOption('--server <url>', 'API server URL, e.g. https://10.0.0.1:6443')
    .option('--token <token>', "join token (the server's <data-dir>/token)")
    .option('--token-file <file>', 'read the join token from a file')
    .option('--data-dir <dir>', 'data directory of this node', process.getuid?.() === 0 ? '/var/lib/peapod-agent' : path.join(process.env.HOME ?? '.', '.peapod-agent'))
    .option('--node-name <name>', 'node name (default: host name)')
    .option('--node-ip <ip>', 'node IP (default: first non-loopback IPv4)')
    .option('--pod-cidr <cidr>', 'pod CIDR (default: allocated by the server)')
    .option('--image-dir <dir>', 'image store the registry mirror serves (default: <data-dir>/images)')
    .option('--cluster-cidr <cidr>', 'pod network kept free of NAT ("" for none)', '10.244.0.0/16')
    .action(async (o: AgentFlags) => {
      const log = (l: string) => process.stdout.write(`${l}\n`);
      const token = o.token ?? (o.tokenFile ? (await readFile(o.tokenFile, 'utf8')).trim() : undefined);
      if (!token) throw new Error('--token or --token-file is required');
      const agent = new Agent({
        server: o.server, token, dataDir: path.resolve(o.dataDir), nodeName: (o.nodeName ?? hostname()).toLowerCase(),
        nodeIP: o.nodeIp ?? primaryNodeIP(), podCIDR: o.podCidr, imageDir: o.imageDir ? path.resolve(o.imageDir) : undefined,
        clusterCIDR: o.clusterCidr, log,
      });
      let stopping = false;
      const stop = async (sig: string): Promise<void> => {
        if (stopping) return;
        stopping = true;
        log(`${sig} received: stopping the agent (running pods keep running)`);
        await agent.stop();
        log('stopped');
        process.exit(0);
      };
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGTERM', () => void stop('SIGTERM'));
      try {
        await agent.start();
      } catch (e) {
        process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
        await agent.stop();
        process.exit(1);
      }
      log('peapod agent is running');
    });
}
