/**
 * The peapod kubelet: registers its Node and keeps it and its Lease fresh, watches the
 * pods bound to it, and reconciles each pod (serialised per pod) against containerd's
 * CRI: level-triggered by informer events, a 1 s PLEG relist, back-off timers and a
 * periodic resync. Decisions are pure (computePodActions, generatePodStatus); this file
 * wires the loops and writes status and deletions through the API.
 */
import { dirname, join } from 'node:path';
import type { Node, Pod } from '../api/types.js';
import { StatusError } from '../api/errors.js';
import { Resources, type ApiClient, type EventRecorder } from '../client/types.js';
import { realClock, type Clock } from '../machinery/clock.js';
import { Informer, splitKey } from '../machinery/informer.js';
import { WorkQueue, runWorkers } from '../machinery/workqueue.js';
import type { ImageService, RuntimeService } from './cri/api.js';
import { ConfigCache, podConfigRefs } from './config-sources.js';
import { ImageManager } from './images.js';
import { renewNodeLease } from './lease.js';
import { createContainerLogsHandler, type ContainerLogsHandler } from './logs.js';
import { readMachineInfo, syncNodeStatus, type MachineInfo } from './node-status.js';
import { PodSyncer } from './pod-sync.js';
import { ProbeManager } from './prober/manager.js';
import { startKubeletServer, type KubeletServer } from './server.js';
import { gracePeriodSeconds, isTerminating } from './podutil.js';
import { LABEL_POD_NAME, LABEL_POD_NAMESPACE, LABEL_POD_UID, readPodRuntimeStatus, type PodRuntimeStatus } from './runtime-state.js';
import { generatePodStatus, jsonEqual } from './status.js';
import type { ClusterDNSSettings } from './dns.js';

/** Options of a Kubelet. Ports are TCP ports; directories absolute paths. */
export interface KubeletOptions {
  nodeName: string;
  client: ApiClient;
  runtime: RuntimeService;
  images: ImageService;
  recorder: EventRecorder;
  /** Root of the pods' CRI log directories (`<podLogsDir>/<ns>_<name>_<uid>/<container>/<n>.log`). */
  podLogsDir: string;
  nodeIP: string;
  podCIDR: string;
  kubeletPort: number;
  clock?: Clock;
  log?: (msg: string) => void;
  /** Cgroup v1 mount root whose hierarchies hold `kubepods/pod<uid>`; default `/sys/fs/cgroup`. */
  cgroupRoot?: string;
  /** Interval of node status and lease updates, ms (default 10 000). */
  nodeStatusIntervalMs?: number;
  /** PLEG relist interval, ms (default 1000). */
  relistIntervalMs?: number;
  /** Full resync and housekeeping interval, ms (default 30 000). */
  resyncIntervalMs?: number;
  /** Parallel pod workers (default 8). */
  workers?: number;
  /** Node data directory: its filesystem gives ephemeral-storage capacity; emptyDir volumes live in `<dataDir>/kubelet/pods/<uid>` (default: the parent of podLogsDir). */
  dataDir?: string;
  /** PEM material for the kubelet API server; clients must present a cert signed by `ca`. */
  tls?: { cert: string; key: string; ca: string };
  /** Serve the kubelet API (containerLogs) on kubeletPort (default true). */
  serveApi?: boolean;
  /** Address the kubelet API binds to (default `0.0.0.0`). */
  apiHost?: string;
  /** Cluster DNS for ClusterFirst pods (--cluster-dns/--cluster-domain; default 10.96.0.10, cluster.local). */
  clusterDNS?: ClusterDNSSettings;
}

const errMsg = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = (): void => { clearTimeout(t); resolve(); };
    const t = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Whether an update matters to the kubelet: our own status writes come back as updates
 * and must not trigger syncs (Kubernetes' pod config ignores status-only changes).
 */
export function specChanged(o: Pod, n: Pod): boolean {
  return o.metadata.uid !== n.metadata.uid
    || o.metadata.deletionTimestamp !== n.metadata.deletionTimestamp
    || o.metadata.deletionGracePeriodSeconds !== n.metadata.deletionGracePeriodSeconds
    || !jsonEqual(o.spec, n.spec)
    || !jsonEqual(o.metadata.labels ?? {}, n.metadata.labels ?? {})
    || !jsonEqual(o.metadata.annotations ?? {}, n.metadata.annotations ?? {});
}

/** One node agent. `start` once, `stop` once. */
export class Kubelet {
  private readonly clock: Clock;
  private readonly log: (msg: string) => void;
  private readonly imageManager: ImageManager;
  private readonly syncer: PodSyncer;
  private readonly queue = new WorkQueue<string>(200, 30_000);
  private readonly informer: Informer<Pod>;
  private readonly abort = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private machine: MachineInfo | undefined;
  private node: Node | undefined;
  private lastWritten = new Map<string, Pod>();
  private deletedPods = new Map<string, Pod>();
  private plegState = new Map<string, { key: string; sig: string }>();
  private server: KubeletServer | undefined;
  private readonly config: ConfigCache;
  private readonly probes: ProbeManager;

  constructor(private readonly opts: KubeletOptions) {
    this.clock = opts.clock ?? realClock;
    this.log = opts.log ?? (() => {});
    this.imageManager = new ImageManager(opts.images, opts.recorder, this.clock);
    this.config = new ConfigCache(opts.client, this.log);
    this.probes = new ProbeManager({
      runtime: opts.runtime, recorder: opts.recorder, log: this.log, now: () => this.clock.now().getTime(), onChange: (p) => this.enqueue(p),
    });
    this.syncer = new PodSyncer({
      config: this.config, probes: this.probes,
      allocatable: () => this.machine && {
        cpuMilli: this.machine.cpuCores * 1000, memoryBytes: this.machine.memoryBytes, ephemeralStorageBytes: this.machine.ephemeralStorageBytes,
      },
      runtime: opts.runtime, images: this.imageManager, recorder: opts.recorder, clock: this.clock, podLogsDir: opts.podLogsDir,
      podsDir: join(opts.dataDir ?? dirname(opts.podLogsDir), 'kubelet', 'pods'),
      nodeIP: opts.nodeIP, nodeName: opts.nodeName, clusterDNS: opts.clusterDNS, cgroupRoot: opts.cgroupRoot, log: this.log,
    });
    this.informer = new Informer<Pod>(opts.client, Resources.pods(), { fieldSelector: `spec.nodeName=${opts.nodeName}` }, this.log);
  }

  /**
   * Registers the node (first attempt awaited; failures are retried by the status loop),
   * starts the pod informer and waits for its first list, then runs the workers, PLEG,
   * housekeeping, node status and lease loops until `stop` or `signal` aborts.
   */
  async start(signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => void this.stop(), { once: true });
    const s = this.abort.signal;
    this.machine = readMachineInfo(this.opts.dataDir ?? this.opts.podLogsDir);
    if (this.opts.serveApi !== false) {
      this.server = await startKubeletServer({
        port: this.opts.kubeletPort, host: this.opts.apiHost, tls: this.opts.tls, logs: this.containerLogsHandler(),
        streaming: { getPod: (ns, name) => this.informer.get(ns, name), runtime: this.opts.runtime, log: this.log },
      });
    }
    await this.syncNode(s);
    this.loops.push(this.every(this.opts.nodeStatusIntervalMs ?? 10_000, s, () => this.syncNode(s)));
    const enqueue = (p: Pod): void => this.queue.add(`${p.metadata.namespace ?? 'default'}/${p.metadata.name ?? ''}`);
    this.informer.addEventHandler({
      onAdd: enqueue,
      onUpdate: (o, n) => { if (specChanged(o, n)) enqueue(n); },
      onDelete: (p) => {
        if (p.metadata.uid) this.deletedPods.set(p.metadata.uid, p);
        enqueue(p);
      },
    });
    this.informer.start(s);
    this.config.start(s, (_kind, ns, name) => {
      for (const p of this.informer.list()) {
        const refs = podConfigRefs(p);
        if ((p.metadata.namespace ?? 'default') === ns && (refs.configMaps.has(name) || refs.secrets.has(name))) enqueue(p);
      }
    });
    await Promise.race([this.informer.hasSynced(), new Promise<void>((r) => s.addEventListener('abort', () => r(), { once: true }))]);
    if (s.aborted) return;
    this.loops.push(runWorkers(this.queue, this.opts.workers ?? 8, (k) => this.syncKey(k, s), (k, e) => this.log(`sync ${k}: ${errMsg(e)}`)));
    this.loops.push(this.every(this.opts.relistIntervalMs ?? 1000, s, () => this.relist(s)));
    this.loops.push(this.every(this.opts.resyncIntervalMs ?? 30_000, s, () => this.housekeeping(s)));
  }

  /** Stops every loop (containers keep running) and waits for in-flight syncs. */
  async stop(): Promise<void> {
    if (!this.abort.signal.aborted) {
      this.abort.abort();
      this.queue.shutDown();
      this.probes.stop();
    }
    await this.server?.close().catch(() => {});
    await Promise.allSettled(this.loops);
  }

  private enqueue(p: Pod): void {
    this.queue.add(`${p.metadata.namespace ?? 'default'}/${p.metadata.name ?? ''}`);
  }

  /** The port the kubelet API listens on (after start), or undefined when not serving. */
  get apiPort(): number | undefined {
    return this.server?.port;
  }

  /** The `containerLogs` handler backed by this kubelet's pods and runtime (for startKubeletServer). */
  containerLogsHandler(): ContainerLogsHandler {
    return createContainerLogsHandler({ getPod: (ns, name) => this.informer.get(ns, name), runtime: this.opts.runtime });
  }

  private async every(ms: number, signal: AbortSignal, fn: () => Promise<void>): Promise<void> {
    while (!signal.aborted) {
      await sleep(ms, signal);
      if (signal.aborted) return;
      try {
        await fn();
      } catch (err) {
        if (!signal.aborted) this.log(`loop: ${errMsg(err)}`);
      }
    }
  }

  private async syncNode(signal: AbortSignal): Promise<void> {
    const o = this.opts;
    try {
      const images = await o.images.listImages(undefined, signal).catch(() => []);
      this.node = await syncNodeStatus(o.client, { nodeName: o.nodeName, nodeIP: o.nodeIP, podCIDR: o.podCIDR, kubeletPort: o.kubeletPort }, this.machine!, images, this.clock, signal);
      await renewNodeLease(o.client, o.nodeName, this.node, this.clock, signal);
    } catch (err) {
      if (!signal.aborted) this.log(`node status: ${errMsg(err)}`);
    }
  }

  /** PLEG: list the runtime and enqueue every pod whose sandboxes or containers changed. */
  private async relist(signal: AbortSignal): Promise<void> {
    const [sandboxes, containers] = await Promise.all([this.opts.runtime.listPodSandbox(undefined, signal), this.opts.runtime.listContainers(undefined, signal)]);
    const next = new Map<string, { key: string; sig: string }>();
    const add = (labels: Record<string, string>, part: string): void => {
      const uid = labels[LABEL_POD_UID];
      if (!uid) return;
      const e = next.get(uid) ?? { key: `${labels[LABEL_POD_NAMESPACE] ?? 'default'}/${labels[LABEL_POD_NAME] ?? ''}`, sig: '' };
      e.sig += part;
      next.set(uid, e);
    };
    for (const sb of [...sandboxes].sort((a, b) => a.id.localeCompare(b.id))) add(sb.labels, `s${sb.id}:${sb.state};`);
    for (const c of [...containers].sort((a, b) => a.id.localeCompare(b.id))) add(c.labels, `c${c.id}:${c.state};`);
    for (const [uid, e] of next) if (this.plegState.get(uid)?.sig !== e.sig) this.queue.add(e.key);
    for (const [uid, e] of this.plegState) if (!next.has(uid)) this.queue.add(e.key);
    this.plegState = next;
  }

  /** Periodic resync of every pod, plus orphans: runtime pods whose UID no pod has. */
  private async housekeeping(_signal: AbortSignal): Promise<void> {
    const uids = new Set<string>();
    for (const p of this.informer.list()) {
      uids.add(p.metadata.uid ?? '');
      this.queue.add(`${p.metadata.namespace ?? 'default'}/${p.metadata.name ?? ''}`);
    }
    for (const [uid, e] of this.plegState) if (!uids.has(uid)) this.queue.add(e.key);
    for (const uid of [...this.syncer.failures.keys()]) if (!uids.has(uid)) this.syncer.failures.delete(uid);
    for (const uid of [...this.lastWritten.keys()]) if (!uids.has(uid)) this.lastWritten.delete(uid);
    for (const uid of this.probes.podUIDs()) if (!uids.has(uid)) this.probes.removePod(uid);
    for (const uid of [...this.deletedPods.keys()]) if (!this.plegState.has(uid)) this.deletedPods.delete(uid);
    const now = this.clock.now().getTime();
    this.syncer.backoff.gc(now);
    this.imageManager.backoff.gc(now);
  }

  /** Reconciles everything under one `namespace/name`: the live pod, and any runtime leftovers with another UID. */
  private async syncKey(key: string, signal: AbortSignal): Promise<void> {
    const { namespace = 'default', name } = splitKey(key);
    const pod = this.informer.get(namespace, name);
    const sel = { [LABEL_POD_NAME]: name, [LABEL_POD_NAMESPACE]: namespace };
    const [sandboxes, containers] = await Promise.all([
      this.opts.runtime.listPodSandbox({ labelSelector: sel }, signal),
      this.opts.runtime.listContainers({ labelSelector: sel }, signal),
    ]);
    const uids = new Set([...sandboxes, ...containers].map((o) => o.labels[LABEL_POD_UID] ?? ''));
    for (const uid of uids) {
      if (!uid || uid === pod?.metadata.uid) continue;
      const rs = await readPodRuntimeStatus(this.opts.runtime, uid, name, namespace,
        sandboxes.filter((s) => s.labels[LABEL_POD_UID] === uid), containers.filter((c) => c.labels[LABEL_POD_UID] === uid), signal);
      await this.removeOrphan(rs, signal);
    }
    if (!pod || signal.aborted) return;
    if (isTerminating(pod)) return this.terminatePod(pod, signal);
    const result = await this.syncer.syncPod(pod, signal);
    await this.updateStatus(pod, signal);
    if (result.requeueAfterMs !== undefined && Number.isFinite(result.requeueAfterMs)) this.queue.addAfter(key, result.requeueAfterMs);
  }

  /** A pod gone from the API (force-deleted or replaced): kill and remove what is left. */
  private async removeOrphan(rs: PodRuntimeStatus, signal: AbortSignal): Promise<void> {
    const last = this.deletedPods.get(rs.uid);
    this.log(`removing orphaned pod ${rs.namespace}/${rs.name} (${rs.uid})`);
    await this.syncer.killPod(last, rs, last ? gracePeriodSeconds(last) : 2, signal);
    await this.syncer.cleanupPod(rs, signal);
    this.probes.removePod(rs.uid);
    this.deletedPods.delete(rs.uid);
    this.lastWritten.delete(rs.uid);
  }

  /** Graceful deletion: stop containers with the grace period, write the final status, clean up, delete the pod object. */
  private async terminatePod(pod: Pod, signal: AbortSignal): Promise<void> {
    const rs = await this.syncer.runtimeStatus(pod, signal);
    await this.syncer.killPod(pod, rs, gracePeriodSeconds(pod), signal);
    const after = await this.syncer.runtimeStatus(pod, signal);
    try {
      await this.updateStatus(pod, signal, { rs: after, podIsTerminal: true });
    } catch (err) {
      this.log(`final status of ${pod.metadata.namespace}/${pod.metadata.name}: ${errMsg(err)}`);
    }
    await this.syncer.cleanupPod(after, signal);
    this.probes.removePod(pod.metadata.uid ?? '');
    this.lastWritten.delete(pod.metadata.uid ?? '');
    try {
      await this.opts.client.delete(Resources.pods(pod.metadata.namespace), pod.metadata.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } }, signal);
    } catch (err) {
      if (!(err instanceof StatusError) || (err.code !== 404 && err.code !== 409)) throw err;
    }
  }

  /** The freshest copy of the pod we know: the informer's, or the one we last wrote if newer. */
  private freshest(pod: Pod): Pod {
    const w = this.lastWritten.get(pod.metadata.uid ?? '');
    if (!w) return pod;
    const a = pod.metadata.resourceVersion ?? '';
    const b = w.metadata.resourceVersion ?? '';
    if (/^\d+$/.test(a) && /^\d+$/.test(b) && BigInt(b) > BigInt(a)) return { ...pod, metadata: { ...pod.metadata, resourceVersion: b }, status: w.status };
    return pod;
  }

  /** Generates the pod status and writes it through pods/status when it changed; re-reads and retries on 409. */
  private async updateStatus(pod: Pod, signal: AbortSignal, o: { rs?: PodRuntimeStatus; podIsTerminal?: boolean } = {}): Promise<void> {
    const uid = pod.metadata.uid ?? '';
    const rs = o.rs ?? (await this.syncer.runtimeStatus(pod, signal));
    await this.imageManager.resolveImageIDs(rs.containers.map((c) => c.imageRef), signal);
    let base = this.freshest(pod);
    const ref = Resources.pods(pod.metadata.namespace);
    for (let attempt = 0; ; attempt++) {
      const status = generatePodStatus({
        pod: base, runtime: rs, failures: this.syncer.failuresOf(uid), nodeIP: this.opts.nodeIP, now: this.clock.now(),
        imageIDs: this.imageManager.imageIDs, podIsTerminal: o.podIsTerminal, probes: this.probes,
      });
      if (!o.podIsTerminal) this.probes.updatePodStatus(pod, status);
      if (jsonEqual(status, base.status ?? {})) return;
      try {
        const written = await this.opts.client.update<Pod>(ref, { ...base, apiVersion: 'v1', kind: 'Pod', status }, { subresource: 'status' }, signal);
        this.lastWritten.set(uid, written);
        return;
      } catch (err) {
        if (!(err instanceof StatusError)) throw err;
        if (err.code === 404) return;
        if (err.code !== 409 || attempt >= 3) throw err;
        base = await this.opts.client.get<Pod>(ref, pod.metadata.name ?? '', signal);
        if (base.metadata.uid !== uid) return;
      }
    }
  }
}
