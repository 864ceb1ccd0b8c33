/**
 * Wiring of a whole single-node cluster in one process (as k3s does, without its
 * global singletons): storage, PKI, image mirror, containerd, API server,
 * scheduler and kubelet, each component a real HTTPS client of the API server.
 * Start-up waits on readiness, never on sleeps; `stop()` undoes `start()`.
 */
import { mkdir, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { ApiEventRecorder } from '../client/events.js';
import { ControllerManager } from '../controllers/manager.js';
import { NodeLifecycleController } from '../controllers/nodelifecycle/controller.js';
import { RestClient } from '../client/rest.js';
import { startApiServer, type ApiServer } from '../apiserver/server.js';
import { startRegistryMirror, type RegistryMirror } from '../images/registry.js';
import { writeRegistryHosts } from '../images/hosts.js';
import { imageStoreDir } from '../images/load.js';
import { ImageStore } from '../images/store.js';
import { ContainerdSupervisor } from '../kubelet/containerd/supervisor.js';
import { buildPauseImageArchive } from '../kubelet/containerd/pause-image.js';
import { createRemoteRuntime } from '../kubelet/cri/remote.js';
import { Kubelet } from '../kubelet/kubelet.js';
import { Proxier } from '../proxy/proxier.js';
import { ClusterDNSServer } from '../dns/server.js';
import { ensureKubeDNSService } from '../dns/kube-dns-service.js';
import { proxyTagFor } from '../proxy/rules.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { openStore } from '../storage/open.js';
import type { Store } from '../storage/store.js';
import { writeKubeconfig } from './kubeconfig.js';
import { nodeNetworkFor, portOrFree, primaryNodeIP } from './node-net.js';
import { ensureClusterPki } from './pki.js';
import { bootstrapRoutes, ensureControlPlaneNode, ensureJoinToken, joinTokenUsers } from './bootstrap.js';

/** The sandbox (pause) image every pod's sandbox runs. */
export const PAUSE_IMAGE = 'localhost/peapod/pause:1.0';

/** Options for {@link Platform}. */
export interface PlatformOptions {
  /** Absolute data directory: database, PKI, containerd state, images, logs, kubeconfig. */
  dataDir: string;
  /** API server port (default 6443). */
  port: number;
  /** Node name (default: the host name, lower-cased). */
  nodeName?: string;
  /** Progress lines for the user. */
  log: (line: string) => void;
  /** Extra IPs for the API server certificate (the host bridge address of `up --nodes`). */
  extraServerIPs?: string[];
}

/** A running single-node cluster. */
export class Platform {
  private store?: Store;
  private mirror?: RegistryMirror;
  private containerd?: ContainerdSupervisor;
  private apiserver?: ApiServer;
  private scheduler?: Scheduler;
  private controllers?: ControllerManager;
  private nodeLifecycle?: NodeLifecycleController;
  private kubelet?: Kubelet;
  private proxier?: Proxier;
  private dns?: ClusterDNSServer;
  private criClose?: () => void;
  private clients: RestClient[] = [];
  private pkiPems?: { ca: string; cert: string; key: string };
  private readonly ac = new AbortController();
  readonly kubeconfigPath: string;
  readonly nodeName: string;

  constructor(private readonly opts: PlatformOptions) {
    this.kubeconfigPath = path.join(opts.dataDir, 'kubeconfig');
    this.nodeName = (opts.nodeName ?? hostname()).toLowerCase();
  }

  /** Starts every component in order, logging each step. */
  async start(): Promise<void> {
    const { dataDir, log } = this.opts;
    const t0 = Date.now();
    const step = (msg: string) => log(`[${((Date.now() - t0) / 1000).toFixed(2)}s] ${msg}`);
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const nodeIP = primaryNodeIP();
    const { podCIDR, bridgeName } = nodeNetworkFor(dataDir);

    const pki = await ensureClusterPki(path.join(dataDir, 'pki'), {
      serverSANs: { dns: [hostname(), this.nodeName], ips: [nodeIP, ...(this.opts.extraServerIPs ?? [])] },
      nodeName: this.nodeName,
      nodeIPs: [nodeIP],
    });
    step(`cluster certificates ready in ${path.join(dataDir, 'pki')}`);
    this.pkiPems = { ca: pki.ca.certPem, cert: pki.admin.certPem, key: pki.admin.keyPem };

    this.store = await openStore(`sqlite://${path.join(dataDir, 'state.db')}`);
    step(`storage open: ${path.join(dataDir, 'state.db')}`);

    this.mirror = await startRegistryMirror({ store: new ImageStore(imageStoreDir(dataDir)), host: '127.0.0.1' });
    step(`image registry mirror listening on ${this.mirror.url}`);

    const pauseArchive = path.join(dataDir, 'images', 'pause.tar');
    if (!(await stat(pauseArchive).catch(() => undefined))) {
      await mkdir(path.dirname(pauseArchive), { recursive: true });
      await buildPauseImageArchive(pauseArchive, PAUSE_IMAGE);
      step('pause image built');
    }
    this.containerd = new ContainerdSupervisor({
      dataDir, podCIDR, bridgeName, pauseImage: PAUSE_IMAGE, pauseImageArchive: pauseArchive,
      log: (l) => step(`containerd: ${l}`),
    });
    await writeRegistryHosts(this.containerd.paths.certsDir, this.mirror.url);
    await this.containerd.start(this.ac.signal);
    step(`containerd ready (socket ${this.containerd.socketPath}, pod CIDR ${podCIDR})`);

    const joinToken = await ensureJoinToken(dataDir, pki.ca.certPem);
    this.apiserver = await startApiServer({
      store: this.store,
      tokens: joinTokenUsers(joinToken),
      extraRoutes: bootstrapRoutes({ pki, log }),
      port: this.opts.port,
      advertiseAddress: nodeIP,
      tls: { certPem: pki.apiserver.certPem, keyPem: pki.apiserver.keyPem, caPem: pki.ca.certPem },
      kubelet: { caPem: pki.ca.certPem, certPem: pki.apiserverKubeletClient.certPem, keyPem: pki.apiserverKubeletClient.keyPem },
      log: (l) => log(l),
    });
    const server = `https://127.0.0.1:${this.apiserver.port}`;
    step(`API server listening on https://0.0.0.0:${this.apiserver.port}`);

    await writeKubeconfig(this.kubeconfigPath, {
      server, caPem: pki.ca.certPem, clientCertPem: pki.admin.certPem, clientKeyPem: pki.admin.keyPem, name: 'peapod',
    });
    step(`kubeconfig written to ${this.kubeconfigPath}`);

    const adminClient = this.client(server, pki.ca.certPem, pki.admin.certPem, pki.admin.keyPem, 'default-scheduler');
    this.scheduler = new Scheduler({ client: adminClient, recorder: new ApiEventRecorder(adminClient, 'default-scheduler'), log });
    await this.scheduler.start();
    step('scheduler started');

    const controllerClient = this.client(server, pki.ca.certPem, pki.admin.certPem, pki.admin.keyPem, 'kube-controller-manager');
    this.controllers = new ControllerManager({ client: controllerClient, log });
    await this.controllers.start();
    step('controllers started: replicaset, deployment, garbage-collector, namespace, endpoints');
    await ensureControlPlaneNode(adminClient, this.nodeName);

    const kubeletClient = this.client(server, pki.ca.certPem, pki.kubelet.certPem, pki.kubelet.keyPem, 'kubelet');
    const cri = createRemoteRuntime(this.containerd.socketPath);
    this.criClose = () => cri.close();
    const kubeletPort = await portOrFree(10250);
    this.kubelet = new Kubelet({
      nodeName: this.nodeName,
      client: kubeletClient,
      runtime: cri.runtime,
      images: cri.images,
      recorder: new ApiEventRecorder(kubeletClient, 'kubelet', this.nodeName),
      podLogsDir: path.join(dataDir, 'pods'),
      nodeIP,
      podCIDR,
      kubeletPort,
      dataDir,
      tls: { cert: pki.kubelet.certPem, key: pki.kubelet.keyPem, ca: pki.ca.certPem },
      log,
    });
    await this.kubelet.start(this.ac.signal);
    step(`kubelet started: node ${this.nodeName} (${nodeIP}), kubelet API on port ${kubeletPort}`);

    const proxyClient = this.client(server, pki.ca.certPem, pki.admin.certPem, pki.admin.keyPem, 'kube-proxy');
    this.proxier = new Proxier({ client: proxyClient, tag: proxyTagFor(dataDir), log });
    await this.proxier.start();
    step(`service proxy started (iptables chains PEAPOD-SERVICES-${proxyTagFor(dataDir)})`);

    const dnsClient = this.client(server, pki.ca.certPem, pki.admin.certPem, pki.admin.keyPem, 'cluster-dns');
    this.dns = new ClusterDNSServer({ client: dnsClient, host: nodeIP, log });
    await this.dns.start();
    await ensureKubeDNSService(dnsClient, nodeIP, this.dns.port);
    step(`cluster DNS listening on ${nodeIP}:${this.dns.port} (service kube-system/kube-dns 10.96.0.10)`);

    // After the kubelet's first heartbeat, so that a restart does not find its own node stale.
    this.nodeLifecycle = new NodeLifecycleController({ client: controllerClient, recorder: new ApiEventRecorder(controllerClient, 'node-controller'), log });
    await this.nodeLifecycle.start();
    step('node lifecycle controller started');
  }

  /** The API server's port (after start). */
  get apiPort(): number | undefined {
    return this.apiserver?.port;
  }

  /** A new admin client of the running API server (closed by stop()). @throws Error before start. */
  adminClient(userAgent = 'admin'): RestClient {
    if (!this.apiserver || !this.pkiPems) throw new Error('platform not started');
    const p = this.pkiPems;
    return this.client(`https://127.0.0.1:${this.apiserver.port}`, p.ca, p.cert, p.key, userAgent);
  }

  private client(server: string, caPem: string, certPem: string, keyPem: string, ua: string): RestClient {
    const c = new RestClient({ server, caPem, certPem, keyPem, userAgent: `peapod-${ua}` });
    this.clients.push(c);
    return c;
  }

  /** Stops components in reverse order. Running containers are left to be re-adopted on the next start. */
  async stop(): Promise<void> {
    this.ac.abort();
    await this.dns?.stop().catch(() => {});
    await this.proxier?.stop().catch(() => {});
    await this.kubelet?.stop().catch(() => {});
    await this.nodeLifecycle?.stop().catch(() => {});
    await this.controllers?.stop().catch(() => {});
    await this.scheduler?.stop().catch(() => {});
    await this.apiserver?.close().catch(() => {});
    for (const c of this.clients) c.close();
    this.criClose?.();
    await this.containerd?.stop().catch(() => {});
    await this.mirror?.close().catch(() => {});
    await this.store?.close().catch(() => {});
  }
}
