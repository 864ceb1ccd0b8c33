/**
 * The service proxy of one node (kube-proxy in iptables mode): it watches Services and
 * EndpointSlices and, level-triggered, rewrites its whole rule set (rules.ts) in one
 * `iptables-restore --noflush` transaction whenever either changes (debounced by
 * `minSyncIntervalMs`, so an endpoint change is live well within a second) and every
 * `resyncMs` to repair outside interference. `stop()` leaves the rules in place, as
 * kube-proxy does (pods keep serving across a restart); `cleanupProxyRules` removes them.
 */
import type { EndpointSlice, Service } from '../api/servicetypes.js';
import type { ApiClient } from '../client/types.js';
import { Informer } from '../machinery/informer.js';
import { execRunner, readTableState, type IptablesRunner } from './iptables.js';
import { buildServicePorts } from './model.js';
import { buildRestoreScript, chainNames } from './rules.js';

/** Options of {@link Proxier}. */
export interface ProxierOptions {
  client: ApiClient;
  /** The cluster tag naming this node's chains (rules.ts `proxyTagFor`). */
  tag: string;
  /** Pod network; traffic to a cluster IP from elsewhere is masqueraded. Default 10.244.0.0/16. */
  clusterCIDR?: string;
  runner?: IptablesRunner;
  /** Debounce of syncs after a change, ms (default 50). */
  minSyncIntervalMs?: number;
  /** Periodic full resync, ms (default 30 000). */
  resyncMs?: number;
  log?: (line: string) => void;
}

/** Runs the proxy until stopped. */
export class Proxier {
  private readonly ac = new AbortController();
  private readonly services: Informer<Service>;
  private readonly slices: Informer<EndpointSlice>;
  private readonly runner: IptablesRunner;
  private timer?: NodeJS.Timeout;
  private resync?: NodeJS.Timeout;
  private syncing: Promise<void> = Promise.resolve();
  private dirty = false;
  private stopped = false;
  private lastScript = '';
  /** Number of completed syncs (for tests and logs). */
  syncCount = 0;

  constructor(private readonly opts: ProxierOptions) {
    chainNames(opts.tag); // validates the tag
    this.runner = opts.runner ?? execRunner;
    this.services = new Informer<Service>(opts.client, { group: '', version: 'v1', resource: 'services' }, {}, opts.log);
    this.slices = new Informer<EndpointSlice>(opts.client, { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' }, {}, opts.log);
    for (const inf of [this.services, this.slices] as Informer<Service | EndpointSlice>[]) {
      inf.addEventHandler({ onAdd: () => this.schedule(), onUpdate: () => this.schedule(), onDelete: () => this.schedule() });
    }
  }

  /** Starts the informers, waits for their first lists and applies the first sync. @throws when that sync fails. */
  async start(): Promise<void> {
    this.services.start(this.ac.signal);
    this.slices.start(this.ac.signal);
    await Promise.all([this.services.hasSynced(), this.slices.hasSynced()]);
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.syncNow();
    this.resync = setInterval(() => this.schedule(), this.opts.resyncMs ?? 30_000);
  }

  /** Stops watching; the rules stay. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.ac.abort();
    clearTimeout(this.timer);
    clearInterval(this.resync);
    await this.syncing.catch(() => undefined);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.syncNow().catch((e: unknown) => {
        this.opts.log?.(`proxy: sync failed: ${e instanceof Error ? e.message : String(e)}`);
        this.schedule();
      });
    }, this.opts.minSyncIntervalMs ?? 50);
  }

  /** Rewrites the rules from the caches now (syncs never overlap). */
  syncNow(): Promise<void> {
    const run = this.syncing.catch(() => undefined).then(() => this.syncProxyRules());
    this.syncing = run;
    return run;
  }

  /** syncProxyRules: read the tables, build the script, restore. */
  private async syncProxyRules(): Promise<void> {
    if (this.stopped) return;
    this.dirty = false;
    const t0 = Date.now();
    const ports = buildServicePorts(this.services.list(), this.slices.list());
    const state = await readTableState(this.runner);
    const script = buildRestoreScript({ tag: this.opts.tag, clusterCIDR: this.opts.clusterCIDR ?? '10.244.0.0/16', ports, state });
    await this.runner.restore(script);
    this.syncCount++;
    if (script !== this.lastScript) {
      const withBackends = ports.filter((p) => p.backends.length > 0).length;
      this.opts.log?.(`proxy: synced ${ports.length} service port(s), ${withBackends} with endpoints, in ${Date.now() - t0} ms`);
    }
    this.lastScript = script;
  }
}
