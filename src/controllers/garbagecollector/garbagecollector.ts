/**
 * The garbage collector (pkg/controller/garbagecollector): watches every
 * deletable resource, indexes objects by uid and by owner uid (the dependency
 * graph), and for each changed object decides (./decide.ts) whether to delete
 * it (owners gone, or deleting in the foreground), strip dangling
 * ownerReferences, orphan its dependents (`orphan` finalizer) or wait for them
 * (`foregroundDeletion`, honouring blockOwnerDeletion). Owners missing from the
 * cache are confirmed with a live read before anything is deleted.
 */
import { StatusError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import type { ApiClient, ResourceRef } from '../../client/types.js';
import { objectKey, type Informer } from '../../machinery/informer.js';
import { runWorkers, WorkQueue } from '../../machinery/workqueue.js';
import type { DiscoveredResource } from '../discovery.js';
import type { SharedInformerFactory } from '../informers.js';
import { decideDependent, decideOwnerBeingDeleted, ownerStateOf, type GCAction, type OwnerState } from './decide.js';

/** Options of {@link GarbageCollector}. */
export interface GarbageCollectorOptions {
  client: ApiClient;
  informers: SharedInformerFactory;
  /** Resources to watch (list, watch and delete verbs). */
  resources: DiscoveredResource[];
  workers?: number;
  log?: (msg: string) => void;
}

const isStatus = (e: unknown, code: number) => e instanceof StatusError && e.code === code;

/** `<resource index>|<namespace>/<name>`: a node of the graph. */
type NodeKey = string;

/** The garbage collector over the given resources; `run()` starts its workers once the shared informers are started. */
export class GarbageCollector {
  private readonly queue = new WorkQueue<NodeKey>(5, 30_000);
  private readonly informers: Informer<KubeObject>[] = [];
  private readonly byUID = new Map<string, NodeKey>();
  private readonly dependents = new Map<string, Set<NodeKey>>();
  private workers?: Promise<void>;

  constructor(private readonly opts: GarbageCollectorOptions) {
    opts.resources.forEach((r, i) => {
      const inf = opts.informers.informerFor<KubeObject>(r);
      this.informers.push(inf);
      inf.addEventHandler({
        onAdd: (o) => this.observe(i, undefined, o),
        onUpdate: (old, o) => this.observe(i, old, o),
        onDelete: (o) => this.forget(i, o),
      });
    });
  }

  /** Starts the workers (informers are started by the manager). */
  run(): void {
    this.workers = runWorkers(this.queue, this.opts.workers ?? 5, (k) => this.sync(k), (k, e) => this.opts.log?.(`garbage-collector: ${k}: ${e instanceof Error ? e.message : String(e)}`));
  }

  /** Stops the workers. */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.workers;
  }

  private nodeKey(i: number, o: KubeObject): NodeKey {
    return `${i}|${objectKey(o)}`;
  }

  private observe(i: number, old: KubeObject | undefined, o: KubeObject): void {
    const key = this.nodeKey(i, o);
    const uid = o.metadata.uid ?? '';
    this.byUID.set(uid, key);
    for (const r of old?.metadata.ownerReferences ?? []) this.dependents.get(r.uid)?.delete(key);
    for (const r of o.metadata.ownerReferences ?? []) {
      let s = this.dependents.get(r.uid);
      if (!s) this.dependents.set(r.uid, (s = new Set()));
      s.add(key);
    }
    const interesting = (o.metadata.ownerReferences?.length ?? 0) > 0 || !!o.metadata.deletionTimestamp
      || (old?.metadata.ownerReferences?.length ?? 0) > 0;
    if (interesting) this.queue.add(key);
    this.touchRelated(old, o);
  }

  private forget(i: number, o: KubeObject): void {
    const key = this.nodeKey(i, o);
    const uid = o.metadata.uid ?? '';
    if (this.byUID.get(uid) === key) this.byUID.delete(uid);
    for (const r of o.metadata.ownerReferences ?? []) this.dependents.get(r.uid)?.delete(key);
    this.touchRelated(undefined, o);
  }

  /** Owners (their dependents changed) and dependents (their owner changed) need a look. */
  private touchRelated(old: KubeObject | undefined, o: KubeObject): void {
    for (const r of [...(old?.metadata.ownerReferences ?? []), ...(o.metadata.ownerReferences ?? [])]) {
      const k = this.byUID.get(r.uid);
      if (k) this.queue.add(k);
    }
    for (const k of this.dependents.get(o.metadata.uid ?? '') ?? []) this.queue.add(k);
  }

  private lookup(key: NodeKey): { i: number; obj?: KubeObject } {
    const bar = key.indexOf('|');
    const i = Number(key.slice(0, bar));
    return { i, obj: this.informers[i]?.getByKey(key.slice(bar + 1)) };
  }

  private refOf(i: number, namespace: string | undefined): ResourceRef {
    const r = this.opts.resources[i]!;
    return { group: r.group, version: r.version, resource: r.resource, namespace: r.namespaced ? namespace : undefined };
  }

  private dependentsOf(obj: KubeObject): KubeObject[] {
    const out: KubeObject[] = [];
    for (const k of this.dependents.get(obj.metadata.uid ?? '') ?? []) {
      const d = this.lookup(k).obj;
      if (d && (d.metadata.ownerReferences ?? []).some((r) => r.uid === obj.metadata.uid)) out.push(d);
    }
    return out;
  }

  /** The state of each owner: from the cache, else a live GET by kind and name. */
  private async ownerStates(obj: KubeObject): Promise<Map<string, OwnerState>> {
    const states = new Map<string, OwnerState>();
    for (const ref of obj.metadata.ownerReferences ?? []) {
      const cached = this.byUID.get(ref.uid);
      const owner = cached ? this.lookup(cached).obj : undefined;
      if (owner) { states.set(ref.uid, ownerStateOf(owner, ref)); continue; }
      const [group, version] = ref.apiVersion.includes('/') ? ref.apiVersion.split('/') : ['', ref.apiVersion];
      const i = this.opts.resources.findIndex((r) => r.group === group && r.version === version && r.kind === ref.kind);
      if (i < 0) { states.set(ref.uid, 'present'); continue; }
      try {
        const live = await this.opts.client.get(this.refOf(i, obj.metadata.namespace), ref.name);
        states.set(ref.uid, ownerStateOf(live, ref));
      } catch (e) {
        if (!isStatus(e, 404)) throw e;
        states.set(ref.uid, 'absent');
      }
    }
    return states;
  }

  private async sync(key: NodeKey): Promise<void> {
    const { i, obj } = this.lookup(key);
    if (!obj) return;
    const dependents = this.dependentsOf(obj);
    const action: GCAction = obj.metadata.deletionTimestamp
      ? decideOwnerBeingDeleted(obj, dependents)
      : decideDependent(obj, await this.ownerStates(obj), dependents.length > 0);
    await this.act(i, obj, action);
  }

  private async act(i: number, obj: KubeObject, action: GCAction): Promise<void> {
    const ref = this.refOf(i, obj.metadata.namespace);
    const name = obj.metadata.name!;
    const ignore404 = (e: unknown) => { if (!isStatus(e, 404)) throw e; };
    switch (action.type) {
      case 'none':
        return;
      case 'removeOwnerRefs':
        await this.opts.client.patch(ref, name, 'strategic', {
          metadata: { ownerReferences: action.uids.map((uid) => ({ $patch: 'delete', uid })), uid: obj.metadata.uid },
        }).catch(ignore404);
        return;
      case 'delete':
        await this.opts.client.delete(ref, name, { propagationPolicy: action.propagationPolicy, preconditions: { uid: obj.metadata.uid } }).catch((e: unknown) => {
          if (!isStatus(e, 404) && !isStatus(e, 409)) throw e;
        });
        return;
      case 'orphanDependents':
        for (const d of action.dependents) {
          const k = this.byUID.get(d.metadata.uid ?? '');
          if (!k) continue;
          const di = this.lookup(k).i;
          await this.opts.client.patch(this.refOf(di, d.metadata.namespace), d.metadata.name!, 'strategic', {
            metadata: { ownerReferences: [{ $patch: 'delete', uid: obj.metadata.uid }], uid: d.metadata.uid },
          }).catch(ignore404);
        }
        await this.removeFinalizer(ref, name, obj.metadata.uid ?? '', 'orphan');
        return;
      case 'removeFinalizer':
        await this.removeFinalizer(ref, name, obj.metadata.uid ?? '', action.finalizer);
        return;
      case 'attemptToDeleteDependents':
        for (const d of action.dependents) {
          const k = this.byUID.get(d.metadata.uid ?? '');
          if (k) this.queue.add(k);
        }
    }
  }

  /** Removes one finalizer with read-modify-write, retrying on conflicts. */
  private async removeFinalizer(ref: ResourceRef, name: string, uid: string, finalizer: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      let cur: KubeObject;
      try {
        cur = await this.opts.client.get(ref, name);
      } catch (e) {
        if (isStatus(e, 404)) return;
        throw e;
      }
      if (cur.metadata.uid !== uid || !(cur.metadata.finalizers ?? []).includes(finalizer)) return;
      const rest = (cur.metadata.finalizers ?? []).filter((f) => f !== finalizer);
      if (rest.length) cur.metadata.finalizers = rest; else delete cur.metadata.finalizers;
      try {
        await this.opts.client.update(ref, cur);
        return;
      } catch (e) {
        if (isStatus(e, 404)) return;
        if (!isStatus(e, 409)) throw e;
      }
    }
    throw new Error(`could not remove finalizer ${finalizer} from ${ref.resource}/${name}: conflicts`);
  }
}
