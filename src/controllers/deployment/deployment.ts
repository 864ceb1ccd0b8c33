/**
 * The Deployment controller (pkg/controller/deployment), level triggered:
 * handlers enqueue the Deployment key; syncDeployment re-reads the Deployment
 * and its ReplicaSets from the listers, claims ReplicaSets, then either scales
 * (paused or a scaling event), or rolls out with RollingUpdate or Recreate,
 * cleans up old revisions and writes the status with its conditions. The sizes
 * come from the pure functions in ./rolling.ts and ./status.ts; this file only
 * performs the writes and records ScalingReplicaSet events.
 */
import { StatusError } from '../../api/errors.js';
import { labelSelectorFromLabelSelector, type LabelSelector } from '../../api/selectors/labels.js';
import type { Pod } from '../../api/types.js';
import { Resources, type ApiClient, type EventRecorder } from '../../client/types.js';
import { realClock, type Clock } from '../../machinery/clock.js';
import { objectKey, type Informer } from '../../machinery/informer.js';
import { runWorkers, WorkQueue } from '../../machinery/workqueue.js';
import { adoptPatch, decideClaims, getControllerOf, newControllerRef, releasePatch } from '../controller-ref.js';
import { AppsResources, type SharedInformerFactory } from '../informers.js';
import { isNamespaceTerminating } from '../replicaset/replicaset.js';
import type { ReplicaSet } from '../replicaset/reconcile.js';
import { newReplicaSetAnnotations, replicasAnnotationsNeedUpdate } from './annotations.js';
import { syncRollout, type RolloutIO } from './rollout.js';
import { newRSNewReplicas } from './rolling.js';
import { applyPausedCondition, calculateStatus, getCondition, hasProgressDeadline, newCondition, Reasons, setCondition, statusEqual } from './status.js';
import {
  computeHash, equalIgnoreHash, findNewReplicaSet, findOldReplicaSets, maxRevision, newReplicaSetTemplate, POD_TEMPLATE_HASH_LABEL,
  replicasAnnotations, revisionOf, REVISION_ANNOTATION, type Deployment,
} from './util.js';

/** Options of {@link DeploymentController}. */
export interface DeploymentControllerOptions {
  client: ApiClient;
  recorder: EventRecorder;
  informers: SharedInformerFactory;
  clock?: Clock;
  workers?: number;
  log?: (msg: string) => void;
}

const isStatus = (e: unknown, code: number) => e instanceof StatusError && e.code === code;

/** The Deployment controller; `run()` starts its workers once the shared informers are started. */
export class DeploymentController implements RolloutIO {
  private readonly queue = new WorkQueue<string>(5, 60_000);
  private readonly dInformer: Informer<Deployment>;
  private readonly rsInformer: Informer<ReplicaSet>;
  private readonly podInformer: Informer<Pod>;
  readonly clock: Clock;
  private workers?: Promise<void>;

  constructor(private readonly opts: DeploymentControllerOptions) {
    this.clock = opts.clock ?? realClock;
    this.dInformer = opts.informers.informerFor<Deployment>(AppsResources.deployments());
    this.rsInformer = opts.informers.informerFor<ReplicaSet>(AppsResources.replicasets());
    this.podInformer = opts.informers.informerFor<Pod>(Resources.pods());
    const enqueue = (d: Deployment) => this.queue.add(objectKey(d));
    this.dInformer.addEventHandler({ onAdd: enqueue, onUpdate: (_o, d) => enqueue(d), onDelete: enqueue });
    this.rsInformer.addEventHandler({
      onAdd: (rs) => this.rsChanged(rs),
      onUpdate: (o, rs) => { if (getControllerOf(o)?.uid !== getControllerOf(rs)?.uid) this.rsChanged(o); this.rsChanged(rs); },
      onDelete: (rs) => this.rsChanged(rs),
    });
    this.podInformer.addEventHandler({ onDelete: (p) => this.podDeleted(p) });
  }

  /** Starts the workers (informers are started by the manager). */
  run(): void {
    this.workers = runWorkers(this.queue, this.opts.workers ?? 5, (k) => this.syncDeployment(k), (k, e) => this.opts.log?.(`deployment-controller: ${k}: ${e instanceof Error ? e.message : String(e)}`));
  }

  /** Stops the workers. */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.workers;
  }

  /** Re-syncs `d` after `ms` milliseconds (progress deadline checks). */
  enqueueAfter(d: Deployment, ms: number): void {
    this.queue.addAfter(objectKey(d), ms);
  }

  private ownerOf(o: ReplicaSet | Pod, kind: 'Deployment' | 'ReplicaSet'): Deployment | ReplicaSet | undefined {
    const ref = getControllerOf(o);
    if (!ref || ref.kind !== kind) return undefined;
    const inf = kind === 'Deployment' ? this.dInformer : this.rsInformer;
    const owner = inf.get(o.metadata.namespace, ref.name);
    return owner?.metadata.uid === ref.uid ? owner : undefined;
  }

  private rsChanged(rs: ReplicaSet): void {
    const d = this.ownerOf(rs, 'Deployment');
    if (d) { this.queue.add(objectKey(d)); return; }
    if (getControllerOf(rs)) return;
    for (const cand of this.dInformer.list()) {
      if (cand.metadata.namespace !== rs.metadata.namespace) continue;
      try {
        const sel = labelSelectorFromLabelSelector(cand.spec.selector);
        if (!sel.empty() && sel.matches(rs.metadata.labels ?? {})) this.queue.add(objectKey(cand));
      } catch { /* invalid selector: ignore */ }
    }
  }

  private podDeleted(p: Pod): void {
    const rs = this.ownerOf(p, 'ReplicaSet') as ReplicaSet | undefined;
    const d = rs ? (this.ownerOf(rs, 'Deployment') as Deployment | undefined) : undefined;
    if (d && d.spec.strategy?.type === 'Recreate') this.queue.add(objectKey(d));
  }

  /** syncDeployment: the whole reconcile of one Deployment key. */
  private async syncDeployment(key: string): Promise<void> {
    const cached = this.dInformer.getByKey(key);
    if (!cached) return;
    const d = structuredClone(cached);
    let selector: LabelSelector;
    try {
      selector = labelSelectorFromLabelSelector(d.spec.selector);
    } catch {
      return;
    }
    if (selector.empty()) {
      this.opts.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) await this.writeStatus(d, { ...(d.status ?? {}), observedGeneration: d.metadata.generation });
      return;
    }
    const rsList = await this.claimReplicaSets(d, selector);
    const podsByRS = this.podsByRS(d, selector, rsList);
    if (d.metadata.deletionTimestamp) return this.syncStatusOnly(d, rsList);
    const status = structuredClone(d.status ?? {});
    if (applyPausedCondition(d, status, this.clock.now())) await this.writeStatus(d, status);
    await syncRollout(this, d, rsList, podsByRS);
  }

  private async syncStatusOnly(d: Deployment, rsList: ReplicaSet[]): Promise<void> {
    const { newRS, oldRSs } = await this.getAllReplicaSetsAndSyncRevision(d, rsList, false);
    const all = [...oldRSs, ...(newRS ? [newRS] : [])];
    const s = calculateStatus(all, newRS, d, this.clock.now());
    if (!statusEqual(d.status, s)) await this.writeStatus(d, s);
  }

  private async claimReplicaSets(d: Deployment, selector: LabelSelector): Promise<ReplicaSet[]> {
    const candidates = this.rsInformer.list().filter((rs) => rs.metadata.namespace === d.metadata.namespace);
    const decision = decideClaims(d, candidates, (rs) => selector.matches(rs.metadata.labels ?? {}));
    const owned = [...decision.owned];
    const ref = AppsResources.replicasets(d.metadata.namespace);
    if (decision.adopt.length) {
      const fresh = await this.opts.client.get<Deployment>(AppsResources.deployments(d.metadata.namespace), d.metadata.name!).catch(() => undefined);
      if (fresh && fresh.metadata.uid === d.metadata.uid && !fresh.metadata.deletionTimestamp) {
        for (const rs of decision.adopt) {
          const patched = await this.opts.client.patch<ReplicaSet>(ref, rs.metadata.name!, 'strategic', adoptPatch(rs, newControllerRef(d, 'apps/v1', 'Deployment'))).catch((e: unknown) => {
            if (isStatus(e, 404)) return undefined;
            throw e;
          });
          if (patched) owned.push(patched);
        }
      }
    }
    for (const rs of decision.release) {
      await this.opts.client.patch(ref, rs.metadata.name!, 'strategic', releasePatch(rs, d.metadata.uid!)).catch((e: unknown) => {
        if (!isStatus(e, 404)) throw e;
      });
    }
    return owned;
  }

  /** getPodMapForDeployment: pods matching the selector, grouped by their ReplicaSet's uid. */
  private podsByRS(d: Deployment, selector: LabelSelector, rsList: ReplicaSet[]): Map<string, Pod[]> {
    const map = new Map<string, Pod[]>(rsList.map((rs) => [rs.metadata.uid ?? '', []]));
    for (const p of this.podInformer.list()) {
      if (p.metadata.namespace !== d.metadata.namespace || !selector.matches(p.metadata.labels ?? {})) continue;
      const ref = getControllerOf(p);
      if (ref && map.has(ref.uid)) map.get(ref.uid)!.push(p);
    }
    return map;
  }

  /** getAllReplicaSetsAndSyncRevision: the new ReplicaSet (created when asked) and the old ones. */
  async getAllReplicaSetsAndSyncRevision(d: Deployment, rsList: ReplicaSet[], create: boolean): Promise<{ newRS?: ReplicaSet; oldRSs: ReplicaSet[] }> {
    const oldRSs = findOldReplicaSets(d, rsList);
    const newRS = await this.getNewReplicaSet(d, rsList, oldRSs, create);
    return { newRS, oldRSs };
  }

  private async getNewReplicaSet(d: Deployment, rsList: ReplicaSet[], oldRSs: ReplicaSet[], create: boolean): Promise<ReplicaSet | undefined> {
    const existing = findNewReplicaSet(d, rsList);
    const newRevision = maxRevision(oldRSs) + 1;
    const now = this.clock.now();
    if (existing) {
      const { annotations, changed } = newReplicaSetAnnotations(d, existing, newRevision, true);
      const minReady = d.spec.minReadySeconds ?? 0;
      if (changed || (existing.spec.minReadySeconds ?? 0) !== minReady) {
        const copy = structuredClone(existing);
        copy.metadata.annotations = annotations;
        copy.spec.minReadySeconds = minReady;
        return this.opts.client.update<ReplicaSet>(AppsResources.replicasets(d.metadata.namespace), copy);
      }
      const status = structuredClone(d.status ?? {});
      let needsUpdate = this.setDeploymentRevision(d, existing.metadata.annotations?.[REVISION_ANNOTATION] ?? '');
      if (hasProgressDeadline(d) && !getCondition(status, 'Progressing')) {
        setCondition(status, newCondition('Progressing', 'True', Reasons.foundNewRS, `Found new replica set "${existing.metadata.name}"`, now));
        needsUpdate = true;
      }
      if (needsUpdate) await this.writeStatus(d, status);
      return existing;
    }
    if (!create) return undefined;
    return this.createNewReplicaSet(d, oldRSs, newRevision);
  }

  private async createNewReplicaSet(d: Deployment, oldRSs: ReplicaSet[], newRevision: number): Promise<ReplicaSet | undefined> {
    const hash = computeHash(d.spec.template, d.status?.collisionCount);
    const template = newReplicaSetTemplate(d, hash);
    const selector = structuredClone(d.spec.selector ?? {});
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: `${d.metadata.name}-${hash}`, namespace: d.metadata.namespace, ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')], labels: { ...(template.metadata?.labels ?? {}) } },
      spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
    };
    rs.spec.replicas = newRSNewReplicas(d, [...oldRSs, rs], rs);
    rs.metadata.annotations = newReplicaSetAnnotations(d, rs, newRevision, false).annotations;
    const ref = AppsResources.replicasets(d.metadata.namespace);
    const now = this.clock.now();
    let created: ReplicaSet;
    let alreadyExists = false;
    try {
      created = await this.opts.client.create<ReplicaSet>(ref, rs);
    } catch (e) {
      if (isNamespaceTerminating(e)) return undefined;
      if (!isStatus(e, 409)) {
        const msg = `Failed to create new replica set "${rs.metadata.name}": ${e instanceof Error ? e.message : String(e)}`;
        if (hasProgressDeadline(d)) {
          const status = structuredClone(d.status ?? {});
          setCondition(status, newCondition('Progressing', 'False', Reasons.failedRSCreate, msg, now));
          await this.writeStatus(d, status).catch(() => undefined);
        }
        this.opts.recorder.event(d, 'Warning', Reasons.failedRSCreate, msg);
        throw e;
      }
      const found = await this.opts.client.get<ReplicaSet>(ref, rs.metadata.name!);
      if (getControllerOf(found)?.uid !== d.metadata.uid || !equalIgnoreHash(found.spec.template, d.spec.template)) {
        await this.writeStatus(d, { ...(d.status ?? {}), collisionCount: (d.status?.collisionCount ?? 0) + 1 });
        throw e;
      }
      created = found;
      alreadyExists = true;
    }
    if (!alreadyExists && (rs.spec.replicas ?? 0) > 0) {
      this.opts.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${rs.spec.replicas}`);
    }
    const status = structuredClone(d.status ?? {});
    let needsUpdate = this.setDeploymentRevision(d, String(newRevision));
    if (!alreadyExists && hasProgressDeadline(d)) {
      setCondition(status, newCondition('Progressing', 'True', Reasons.newRSCreated, `Created new replica set "${created.metadata.name}"`, now));
      needsUpdate = true;
    }
    if (needsUpdate) await this.writeStatus(d, status);
    return created;
  }

  /** SetDeploymentRevision on the in-memory Deployment; true when it changed. */
  private setDeploymentRevision(d: Deployment, revision: string): boolean {
    const ann = (d.metadata.annotations ??= {});
    if (ann[REVISION_ANNOTATION] === revision) return false;
    ann[REVISION_ANNOTATION] = revision;
    return true;
  }

  /** Writes `status` (and the in-memory annotations) through the status subresource; refreshes `d`. */
  async writeStatus(d: Deployment, status: Deployment['status']): Promise<void> {
    try {
      const out = await this.opts.client.update<Deployment>(AppsResources.deployments(d.metadata.namespace), { ...d, status }, { subresource: 'status' });
      d.metadata.resourceVersion = out.metadata.resourceVersion;
      d.status = out.status;
    } catch (e) {
      if (!isStatus(e, 404)) throw e;
    }
  }

  /**
   * scaleReplicaSet: sets the size and the desired/max annotations; records
   * `Scaled up|down replica set NAME from A to B` when the size changed.
   */
  async scaleReplicaSet(rs: ReplicaSet, replicas: number, d: Deployment): Promise<{ scaled: boolean; rs: ReplicaSet }> {
    const old = rs.spec.replicas ?? 0;
    const sizeNeeds = old !== replicas;
    if (!sizeNeeds && !replicasAnnotationsNeedUpdate(d, rs)) return { scaled: false, rs };
    const copy = structuredClone(rs);
    copy.spec.replicas = replicas;
    copy.metadata.annotations = { ...(copy.metadata.annotations ?? {}), ...replicasAnnotations(d) };
    const updated = await this.opts.client.update<ReplicaSet>(AppsResources.replicasets(rs.metadata.namespace), copy);
    if (sizeNeeds) {
      this.opts.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${old < replicas ? 'up' : 'down'} replica set ${rs.metadata.name} from ${old} to ${replicas}`);
    }
    return { scaled: sizeNeeds, rs: updated };
  }

  /** Deletes an old ReplicaSet (cleanupDeployment); a missing one is fine. */
  async deleteReplicaSet(rs: ReplicaSet): Promise<void> {
    await this.opts.client.delete(AppsResources.replicasets(rs.metadata.namespace), rs.metadata.name!, { preconditions: { uid: rs.metadata.uid } }).catch((e: unknown) => {
      if (!isStatus(e, 404) && !isStatus(e, 409)) throw e;
    });
  }

  /** Revision of a ReplicaSet (for cleanup ordering). */
  revision(rs: ReplicaSet): number {
    return revisionOf(rs);
  }
}
