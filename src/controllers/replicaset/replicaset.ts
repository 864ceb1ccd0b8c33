/**
 * The ReplicaSet controller (pkg/controller/replicaset/replica_set.go), level
 * triggered: informer handlers only enqueue `namespace/name` keys; a worker
 * re-reads the ReplicaSet and its pods from the listers, claims pods
 * (adopt/release by selector), creates or deletes pods in slow-start batches
 * guarded by expectations, and writes the status (replicas, fullyLabeled,
 * ready, available, observedGeneration). Events: SuccessfulCreate,
 * SuccessfulDelete, FailedCreate, FailedDelete — as Kubernetes words them.
 */
import { StatusError } from '../../api/errors.js';
import { labelSelectorFromLabelSelector, type LabelSelector } from '../../api/selectors/labels.js';
import type { Pod } from '../../api/types.js';
import { Resources, type ApiClient, type EventRecorder } from '../../client/types.js';
import { realClock, type Clock } from '../../machinery/clock.js';
import { objectKey, type Informer } from '../../machinery/informer.js';
import { runWorkers, WorkQueue } from '../../machinery/workqueue.js';
import { adoptPatch, decideClaims, getControllerOf, newControllerRef, releasePatch } from '../controller-ref.js';
import { ControllerExpectations } from '../expectations.js';
import { AppsResources, type SharedInformerFactory } from '../informers.js';
import {
  availabilityRecheckSeconds, calculateStatus, isPodActive, planReplicas, slowStartBatches, statusChanged, type ReplicaSet, type ReplicaSetStatus,
} from './reconcile.js';

/** Options of {@link ReplicaSetController}. */
export interface ReplicaSetControllerOptions {
  client: ApiClient;
  recorder: EventRecorder;
  informers: SharedInformerFactory;
  clock?: Clock;
  workers?: number;
  log?: (msg: string) => void;
}

/** True for the Forbidden error of a create in a namespace being deleted. */
export function isNamespaceTerminating(e: unknown): boolean {
  return e instanceof StatusError && e.code === 403 && (e.status.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
}

function isNotFound(e: unknown): boolean {
  return e instanceof StatusError && e.code === 404;
}

/** A pod for `rs` built from its template (controller.GetPodFromTemplate). */
export function podFromTemplate(rs: ReplicaSet): Pod {
  const t = rs.spec.template ?? {};
  const meta = t.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace,
      labels: { ...(meta.labels ?? {}) },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(Array.isArray(meta.finalizers) ? { finalizers: [...(meta.finalizers as string[])] } : {}),
      ownerReferences: [newControllerRef(rs, 'apps/v1', 'ReplicaSet')],
    },
    spec: structuredClone(t.spec ?? { containers: [] }) as Pod['spec'],
  };
}

/** The ReplicaSet controller; `run()` starts its workers once the shared informers are started. */
export class ReplicaSetController {
  private readonly queue = new WorkQueue<string>(5, 60_000);
  private readonly expectations: ControllerExpectations;
  private readonly rsInformer: Informer<ReplicaSet>;
  private readonly podInformer: Informer<Pod>;
  private readonly clock: Clock;
  private workers?: Promise<void>;

  constructor(private readonly opts: ReplicaSetControllerOptions) {
    this.clock = opts.clock ?? realClock;
    this.expectations = new ControllerExpectations(this.clock);
    this.rsInformer = opts.informers.informerFor<ReplicaSet>(AppsResources.replicasets());
    this.podInformer = opts.informers.informerFor<Pod>(Resources.pods());
    this.rsInformer.addEventHandler({
      onAdd: (rs) => this.enqueue(rs),
      onUpdate: (_o, rs) => this.enqueue(rs),
      onDelete: (rs) => { this.expectations.delete(objectKey(rs)); this.enqueue(rs); },
    });
    this.podInformer.addEventHandler({
      onAdd: (p) => this.podAdded(p),
      onUpdate: (o, p) => this.podUpdated(o, p),
      onDelete: (p) => this.podDeleted(p),
    });
  }

  /** Starts the workers (informers are started by the manager). */
  run(): void {
    this.workers = runWorkers(this.queue, this.opts.workers ?? 5, (k) => this.syncReplicaSet(k), (k, e) => this.opts.log?.(`replicaset-controller: ${k}: ${e instanceof Error ? e.message : String(e)}`));
  }

  /** Stops the workers. */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.workers;
  }

  private enqueue(rs: ReplicaSet): void {
    this.queue.add(objectKey(rs));
  }

  /** The ReplicaSet a pod's controllerRef names, if it is in the cache with the same uid. */
  private resolveOwner(p: Pod): ReplicaSet | undefined {
    const ref = getControllerOf(p);
    if (!ref || ref.kind !== 'ReplicaSet' || !ref.apiVersion.startsWith('apps/')) return undefined;
    const rs = this.rsInformer.get(p.metadata.namespace, ref.name);
    return rs && rs.metadata.uid === ref.uid ? rs : undefined;
  }

  /** ReplicaSets whose selector matches an orphan pod (candidates for adoption). */
  private matchingReplicaSets(p: Pod): ReplicaSet[] {
    return this.rsInformer.list().filter((rs) => {
      if (rs.metadata.namespace !== p.metadata.namespace) return false;
      try {
        const sel = labelSelectorFromLabelSelector(rs.spec.selector);
        return !sel.empty() && sel.matches(p.metadata.labels ?? {});
      } catch {
        return false;
      }
    });
  }

  private podAdded(p: Pod): void {
    if (p.metadata.deletionTimestamp) return this.podDeleted(p);
    const ref = getControllerOf(p);
    if (ref) {
      const rs = this.resolveOwner(p);
      if (rs) { this.expectations.creationObserved(objectKey(rs)); this.enqueue(rs); }
      return;
    }
    for (const rs of this.matchingReplicaSets(p)) this.enqueue(rs);
  }

  private podUpdated(old: Pod, cur: Pod): void {
    if (cur.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) {
      this.podDeleted(cur);
      return;
    }
    const oldRef = getControllerOf(old);
    const curRef = getControllerOf(cur);
    if (oldRef && oldRef.uid !== curRef?.uid) { const rs = this.resolveOwner(old); if (rs) this.enqueue(rs); }
    const rs = this.resolveOwner(cur);
    if (rs) {
      this.enqueue(rs);
      const minReady = rs.spec.minReadySeconds ?? 0;
      if (minReady > 0 && old.status?.conditions !== cur.status?.conditions) this.queue.addAfter(objectKey(rs), minReady * 1000 + 100);
      return;
    }
    if (!curRef) for (const m of this.matchingReplicaSets(cur)) this.enqueue(m);
  }

  private podDeleted(p: Pod): void {
    const rs = this.resolveOwner(p);
    if (!rs) return;
    this.expectations.deletionObserved(objectKey(rs), p.metadata.uid ?? '');
    this.enqueue(rs);
  }

  /** syncReplicaSet: claim, manage replicas when expectations are met, write the status. */
  private async syncReplicaSet(key: string): Promise<void> {
    const rs = this.rsInformer.getByKey(key);
    if (!rs) { this.expectations.delete(key); return; }
    let selector: LabelSelector;
    try {
      selector = labelSelectorFromLabelSelector(rs.spec.selector);
    } catch (e) {
      this.opts.log?.(`replicaset-controller: ${key}: invalid selector: ${String(e)}`);
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    const active = this.podInformer.list().filter((p) => p.metadata.namespace === rs.metadata.namespace && isPodActive(p));
    const pods = await this.claimPods(rs, selector, active);
    let manageError: Error | undefined;
    if (needsSync && !rs.metadata.deletionTimestamp) manageError = await this.manageReplicas(rs, pods, active);
    const now = this.clock.now();
    const status = calculateStatus(rs, pods, manageError, now);
    await this.updateStatus(rs, status);
    const recheck = availabilityRecheckSeconds(rs, status);
    if (!manageError && recheck !== undefined) this.queue.addAfter(key, recheck * 1000);
    if (manageError) throw manageError;
  }

  private async claimPods(rs: ReplicaSet, selector: LabelSelector, candidates: Pod[]): Promise<Pod[]> {
    const decision = decideClaims(rs, candidates, (p) => !selector.empty() && selector.matches(p.metadata.labels ?? {}));
    const owned = [...decision.owned];
    const ref = newControllerRef(rs, 'apps/v1', 'ReplicaSet');
    const pods = Resources.pods(rs.metadata.namespace);
    if (decision.adopt.length && (await this.canAdopt(rs))) {
      for (const p of decision.adopt) {
        try {
          owned.push(await this.opts.client.patch<Pod>(pods, p.metadata.name!, 'strategic', adoptPatch(p, ref)));
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }
    }
    for (const p of decision.release) {
      try {
        await this.opts.client.patch(pods, p.metadata.name!, 'strategic', releasePatch(p, rs.metadata.uid!));
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    return owned;
  }

  /** RecheckDeletionTimestamp: a live read confirms the ReplicaSet still exists, same uid, not being deleted. */
  private async canAdopt(rs: ReplicaSet): Promise<boolean> {
    try {
      const fresh = await this.opts.client.get<ReplicaSet>(AppsResources.replicasets(rs.metadata.namespace), rs.metadata.name!);
      return fresh.metadata.uid === rs.metadata.uid && !fresh.metadata.deletionTimestamp;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  private async manageReplicas(rs: ReplicaSet, pods: Pod[], related: Pod[]): Promise<Error | undefined> {
    const plan = planReplicas(rs, pods, related);
    if (plan.create > 0) return this.createPods(rs, plan.create);
    if (plan.remove.length > 0) return this.deletePods(rs, plan.remove);
    return undefined;
  }

  private async createPods(rs: ReplicaSet, count: number): Promise<Error | undefined> {
    const key = objectKey(rs);
    this.expectations.expectCreations(key, count);
    let created = 0;
    for (const batch of slowStartBatches(count)) {
      const results = await Promise.allSettled(Array.from({ length: batch }, () => this.opts.client.create<Pod>(Resources.pods(rs.metadata.namespace), podFromTemplate(rs))));
      let failure: unknown;
      for (const r of results) {
        if (r.status === 'fulfilled') {
          created++;
          this.opts.recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${r.value.metadata.name}`);
        } else {
          this.expectations.creationObserved(key);
          failure ??= r.reason;
        }
      }
      if (failure !== undefined) {
        for (let i = created + results.filter((r) => r.status === 'rejected').length; i < count; i++) this.expectations.creationObserved(key);
        if (isNamespaceTerminating(failure)) return undefined;
        const msg = failure instanceof Error ? failure.message : String(failure);
        this.opts.recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${msg}`);
        return failure instanceof Error ? failure : new Error(msg);
      }
    }
    return undefined;
  }

  private async deletePods(rs: ReplicaSet, victims: Pod[]): Promise<Error | undefined> {
    const key = objectKey(rs);
    this.expectations.expectDeletions(key, victims.map((p) => p.metadata.uid ?? ''));
    let failure: Error | undefined;
    await Promise.all(victims.map(async (p) => {
      try {
        await this.opts.client.delete(Resources.pods(p.metadata.namespace), p.metadata.name!, { preconditions: { uid: p.metadata.uid } });
        this.opts.recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
      } catch (e) {
        this.expectations.deletionObserved(key, p.metadata.uid ?? '');
        if (isNotFound(e)) return;
        const msg = e instanceof Error ? e.message : String(e);
        this.opts.recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${msg}`);
        failure ??= e instanceof Error ? e : new Error(msg);
      }
    }));
    return failure;
  }

  /** updateReplicaSetStatus: skip equal writes; on a conflict re-read once and retry. */
  private async updateStatus(rs: ReplicaSet, status: ReplicaSetStatus): Promise<void> {
    let cur = rs;
    for (let attempt = 0; attempt < 2; attempt++) {
      if (!statusChanged(cur, status)) return;
      try {
        await this.opts.client.update(AppsResources.replicasets(cur.metadata.namespace), { ...cur, status }, { subresource: 'status' });
        return;
      } catch (e) {
        if (isNotFound(e)) return;
        if (!(e instanceof StatusError && e.code === 409) || attempt > 0) throw e;
        cur = await this.opts.client.get<ReplicaSet>(AppsResources.replicasets(rs.metadata.namespace), rs.metadata.name!);
      }
    }
  }
}
