/**
 * The controller manager (kube-controller-manager, in process): discovers the
 * served resources, builds one shared informer factory, and runs the
 * ReplicaSet, Deployment, garbage-collector and namespace controllers, each a
 * plain HTTPS client of the API server. `start()` resolves once every cache
 * has synced and the workers run; `stop()` undoes it.
 */
import { ApiEventRecorder } from '../client/events.js';
import type { ApiClient } from '../client/types.js';
import { realClock, type Clock } from '../machinery/clock.js';
import { DeploymentController } from './deployment/deployment.js';
import { discoverResources, supports, type DiscoveryClient } from './discovery.js';
import { EndpointsController } from './endpoints/controller.js';
import { GarbageCollector } from './garbagecollector/garbagecollector.js';
import { SharedInformerFactory } from './informers.js';
import { NamespaceController } from './namespace/namespace.js';
import { ReplicaSetController } from './replicaset/replicaset.js';

/** Options of {@link ControllerManager}. */
export interface ControllerManagerOptions {
  /** The API client (admin credentials); also used for discovery. */
  client: ApiClient & DiscoveryClient;
  clock?: Clock;
  log?: (msg: string) => void;
}

interface Runnable {
  run(): void;
  stop(): Promise<void>;
}

/** Runs the workload controllers in process; `start()` then `stop()`. */
export class ControllerManager {
  private readonly ac = new AbortController();
  private controllers: Runnable[] = [];

  constructor(private readonly opts: ControllerManagerOptions) {}

  /** Discovers resources, starts informers and controllers; resolves when caches are synced. */
  async start(): Promise<void> {
    const { client, log } = this.opts;
    const clock = this.opts.clock ?? realClock;
    const resources = await discoverResources(client);
    const informers = new SharedInformerFactory(client, log);
    const recorder = (component: string) => new ApiEventRecorder(client, component, undefined, clock, log);
    this.controllers = [
      new ReplicaSetController({ client, informers, recorder: recorder('replicaset-controller'), clock, log }),
      new DeploymentController({ client, informers, recorder: recorder('deployment-controller'), clock, log }),
      new GarbageCollector({ client, informers, resources: resources.filter((r) => supports(r, 'list', 'watch', 'delete')), log }),
      new NamespaceController({ client, informers, resources, clock, log }),
      new EndpointsController({ client, informers, log }),
    ];
    informers.start(this.ac.signal);
    await informers.waitForCacheSync();
    for (const c of this.controllers) c.run();
  }

  /** Stops every controller and informer. */
  async stop(): Promise<void> {
    this.ac.abort();
    await Promise.all(this.controllers.map((c) => c.stop().catch(() => undefined)));
  }
}
