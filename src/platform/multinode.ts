/**
 * `peapod up --nodes N`: the control-plane node (the Platform, in this process) plus N-1
 * workers on this machine, each a `peapod agent` process inside its own network namespace
 * (see netns.ts) with its own data dir `<dataDir>/nodes/<name>`, containerd, pod CIDR
 * (allocated by the server at join) and node IP. Every worker's mirror serves the server's
 * image store, so `peapod image load` reaches every node.
 *
 * A small route controller (flannel host-gw style) watches Nodes and routes each worker's
 * pod CIDR via its node IP on the host bridge. `stop()` stops the agents; the namespaces and
 * the pods in them stay, to be re-adopted by the next `up` (as pods survive a stopped
 * kubelet); `peapod down` removes everything (multinode-cleanup.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Node } from '../api/types.js';
import { Resources, type ApiClient } from '../client/types.js';
import { Informer } from '../machinery/informer.js';
import { JOIN_TOKEN_FILE } from './bootstrap.js';
import {
  bridgeSetup, ensureIptablesRule, hostRules, multinodeNetworkFor, podRoute, runCommands, workerNetwork, workerSetup,
  type MultinodeNetwork, type WorkerNetwork,
} from './netns.js';
import { nodeNetworkFor } from './node-net.js';

/** Options of {@link MultinodeCluster}. */
export interface MultinodeOptions {
  /** The server's data dir (absolute). */
  dataDir: string;
  /** Total nodes including the control plane (at least 2). */
  nodes: number;
  /** The API server's port (it listens on every address, the bridge's included). */
  apiPort: number;
  /** The control-plane node's name; workers are `<name>-worker`, `<name>-worker2`, ... */
  controlPlaneName: string;
  /** An admin client, for the route controller's Node informer. */
  client: ApiClient;
  /** `dist/src/cli/main.js`, run as `node main.js agent ...`. */
  mainScript: string;
  log: (line: string) => void;
}

/** Where a worker keeps its data: `<dataDir>/nodes/<name>`. */
export function workerDataDir(dataDir: string, nodeName: string): string {
  return path.join(dataDir, 'nodes', nodeName);
}

interface RunningWorker {
  net: WorkerNetwork;
  child: ChildProcess;
  exited: Promise<void>;
}

/** The workers of one `up --nodes N`. */
export class MultinodeCluster {
  readonly network: MultinodeNetwork;
  private readonly workers: RunningWorker[] = [];
  private readonly routes = new Map<string, string>();
  private readonly ac = new AbortController();
  private informer?: Informer<Node>;
  private routing: Promise<void> = Promise.resolve();
  private stopping = false;

  constructor(private readonly opts: MultinodeOptions) {
    if (!Number.isInteger(opts.nodes) || opts.nodes < 2) throw new RangeError(`--nodes must be an integer >= 2 (got ${opts.nodes})`);
    this.network = multinodeNetworkFor(opts.dataDir);
  }

  /** IPs the API server certificate must name for agents to reach it (the host bridge address). */
  static serverIPs(dataDir: string): string[] {
    return [multinodeNetworkFor(dataDir).hostIP];
  }

  /** The workers' network plans, in order. */
  workerPlans(): WorkerNetwork[] {
    return Array.from({ length: this.opts.nodes - 1 }, (_, i) => workerNetwork(this.network, i + 1, this.opts.controlPlaneName));
  }

  /**
   * Creates the bridge, host rules and every worker's namespace, starts the route controller
   * and launches the agents (without waiting for their Nodes to be Ready).
   * @throws Error when a network command fails.
   */
  async start(): Promise<void> {
    const net = this.network;
    const t0 = Date.now();
    await runCommands(bridgeSetup(net));
    for (const r of hostRules(net, nodeNetworkFor(this.opts.dataDir).podCIDR)) await ensureIptablesRule(r);
    const plans = this.workerPlans();
    for (const w of plans) await runCommands(workerSetup(net, w));
    this.opts.log(`multinode: bridge ${net.bridge} (${net.hostIP}/24), ${plans.length} worker namespace(s) ready in ${Date.now() - t0} ms`);
    await this.startRouteController();
    for (const w of plans) this.workers.push(await this.launch(w));
  }

  private async launch(w: WorkerNetwork): Promise<RunningWorker> {
    const dir = workerDataDir(this.opts.dataDir, w.nodeName);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const args = [
      `--net=/run/netns/${w.netns}`, '--', process.execPath, this.opts.mainScript, 'agent',
      '--server', `https://${this.network.hostIP}:${this.opts.apiPort}`,
      '--token-file', path.join(this.opts.dataDir, JOIN_TOKEN_FILE),
      '--data-dir', dir, '--node-name', w.nodeName, '--node-ip', w.nodeIP,
      '--image-dir', path.join(this.opts.dataDir, 'images'),
    ];
    const logFd = await open(path.join(dir, 'agent.log'), 'a');
    let child: ChildProcess;
    try {
      child = spawn('nsenter', args, { stdio: ['ignore', logFd.fd, logFd.fd] });
    } finally {
      await logFd.close();
    }
    await writeFile(path.join(dir, 'agent.pid'), `${child.pid ?? ''}\n`);
    const exited = new Promise<void>((resolve) => {
      child.once('exit', (code, sig) => {
        if (!this.stopping) this.opts.log(`multinode: agent of ${w.nodeName} exited (code ${code}, signal ${sig}); see ${path.join(dir, 'agent.log')}`);
        resolve();
      });
      child.once('error', (e) => { this.opts.log(`multinode: cannot start agent of ${w.nodeName}: ${e.message}`); resolve(); });
    });
    this.opts.log(`multinode: agent for ${w.nodeName} (${w.nodeIP}, netns ${w.netns}) started, pid ${child.pid}`);
    return { net: w, child, exited };
  }

  /** Watches Nodes and routes each worker's pod CIDR via its InternalIP on our bridge. */
  private async startRouteController(): Promise<void> {
    this.informer = new Informer<Node>(this.opts.client, Resources.nodes(), {}, this.opts.log);
    const sync = (n: Node): void => {
      this.routing = this.routing.then(() => this.ensureRoute(n)).catch((e: unknown) => this.opts.log(`multinode: route for ${n.metadata.name}: ${String(e)}`));
    };
    this.informer.addEventHandler({ onAdd: sync, onUpdate: (_o, n) => sync(n) });
    this.informer.start(this.ac.signal);
    await this.informer.hasSynced();
  }

  private async ensureRoute(n: Node): Promise<void> {
    const cidr = n.spec?.podCIDR;
    const ip = n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    if (!cidr || !ip || !ip.startsWith(`${this.network.subnetPrefix}.`) || ip === this.network.hostIP) return;
    if (this.routes.get(cidr) === ip) return;
    await runCommands([podRoute(this.network, cidr, ip)]);
    this.routes.set(cidr, ip);
    this.opts.log(`multinode: route ${cidr} via ${ip} (node ${n.metadata.name})`);
  }

  /** Stops the route controller and the agents: SIGTERM, SIGKILL after 20 s. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.ac.abort();
    await Promise.all(this.workers.map(async (w) => {
      if (w.child.exitCode !== null || w.child.signalCode !== null) return;
      try { process.kill(w.child.pid!, 'SIGCONT'); } catch { /* gone */ }
      w.child.kill('SIGTERM');
      const timer = setTimeout(() => w.child.kill('SIGKILL'), 20_000);
      await w.exited;
      clearTimeout(timer);
    }));
    await this.routing;
  }
}
