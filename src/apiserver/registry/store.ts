/**
 * The generic registry store: create/get/list/update/delete/watch for every kind,
 * with per-kind Strategy hooks. resourceVersion is the storage modRevision;
 * updates with a resourceVersion are conditional (409 Conflict when stale).
 */
import { randomUUID } from 'node:crypto';
import {
  alreadyExists, badRequest, conflict, CONFLICT_MODIFIED, forbidden, invalid, notFound, StatusError,
  type FieldError,
} from '../../api/errors.js';
import type { DeleteOptions, KubeList, KubeObject, Namespace } from '../../api/types.js';
import { rfc3339 } from '../../machinery/clock.js';
import { generateName } from '../../api/names.js';
import {
  StoreConflictError, StoreKeyExistsError, StoreKeyNotFoundError, type KeyValue, type Store,
} from '../../storage/store.js';
import { apiVersionOf, groupResource } from '../resources.js';
import { makeFilter, type ObjectFilter } from './filters.js';
import { gcFinalizers, type DeletionHooks } from './deletion.js';
import { watchRegistry } from './watch.js';
import { validateObjectMetaBasic } from './meta.js';
import type { RequestContext, Strategy } from './strategy.js';

/** Options of a list or watch. */
export interface ListParams {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

/** A watch event produced by the registry. */
export interface RegistryWatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'ERROR' | 'BOOKMARK';
  object: KubeObject;
}

function clone<T>(o: T): T {
  return structuredClone(o);
}

export { FINALIZER_FOREGROUND, FINALIZER_ORPHAN, gcFinalizers, type DeletionHooks } from './deletion.js';

/** The generic store of one resource over a Store: Kubernetes create/get/list/update/delete/watch semantics, with Strategy hooks. Failures are StatusErrors. */
export class RegistryStore {
  private readonly hooks: DeletionHooks;

  constructor(private readonly store: Store, readonly strategy: Strategy & DeletionHooks, private readonly namespaces?: () => RegistryStore) {
    this.hooks = strategy;
  }

  private get info() {
    return this.strategy.info;
  }

  /** Storage key prefix for the collection (all namespaces when ns is undefined). */
  prefix(namespace?: string): string {
    const gr = this.info.group ? `${this.info.resource}.${this.info.group}` : this.info.resource;
    if (!this.info.namespaced || namespace === undefined) return `/registry/${gr}/`;
    return `/registry/${gr}/${namespace}/`;
  }

  private key(namespace: string | undefined, name: string): string {
    return this.info.namespaced ? `${this.prefix(namespace)}${name}` : `${this.prefix()}${name}`;
  }

  /** Parses a stored value and stamps resourceVersion and TypeMeta. */
  decode(kv: KeyValue): KubeObject {
    const obj = JSON.parse(kv.value) as KubeObject;
    obj.metadata.resourceVersion = String(kv.modRevision);
    return obj;
  }

  private encode(obj: KubeObject): string {
    const copy = { ...obj, metadata: { ...obj.metadata } };
    delete copy.metadata.resourceVersion;
    return JSON.stringify(copy);
  }

  private checkTypeMeta(obj: KubeObject): void {
    const want = apiVersionOf(this.info);
    if (obj.apiVersion !== undefined && obj.apiVersion !== want) {
      throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${want})`);
    }
    if (obj.kind !== undefined && obj.kind !== this.info.kind) {
      throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${this.info.kind})`);
    }
    obj.apiVersion = want;
    obj.kind = this.info.kind;
  }

  private invalid(obj: KubeObject, errs: FieldError[]): StatusError {
    return invalid(this.info.kind, this.info.group, obj.metadata.name ?? obj.metadata.generateName ?? '', errs);
  }

  private async checkNamespace(namespace: string | undefined): Promise<void> {
    if (!this.info.namespaced || !this.namespaces) return;
    if (!namespace) throw badRequest('the server could not find the requested resource');
    const ns = (await this.namespaces().getOrUndefined(undefined, namespace)) as Namespace | undefined;
    if (!ns) throw notFound({ group: '', resource: 'namespaces' }, namespace);
    if (ns.status?.phase === 'Terminating' || ns.metadata.deletionTimestamp) {
      throw forbidden(`${this.info.resource} "${'%NAME%'}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, {
        group: this.info.group || undefined, kind: this.info.resource,
        causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
      });
    }
  }

  /** Creates an object in `namespace`. `dryRun` validates without persisting. */
  async create(namespace: string | undefined, body: KubeObject, ctx: RequestContext, dryRun = false): Promise<KubeObject> {
    if (typeof body !== 'object' || body === null || typeof body.metadata !== 'object' || body.metadata === null) {
      body = { ...(body as object), metadata: {} } as KubeObject;
    }
    const obj = clone(body);
    this.checkTypeMeta(obj);
    if (this.info.namespaced) {
      if (obj.metadata.namespace && namespace && obj.metadata.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      obj.metadata.namespace = namespace ?? obj.metadata.namespace;
    } else {
      delete obj.metadata.namespace;
    }
    const generated = !obj.metadata.name && !!obj.metadata.generateName;
    if (generated) obj.metadata.name = generateName(obj.metadata.generateName!);
    const m = obj.metadata;
    delete m.resourceVersion; delete m.deletionTimestamp; delete m.deletionGracePeriodSeconds;
    m.uid = randomUUID();
    m.creationTimestamp = rfc3339(ctx.now);
    if (this.strategy.tracksGeneration) m.generation = 1; else delete m.generation;
    this.strategy.prepareForCreate?.(obj, ctx);
    const errs = [...validateObjectMetaBasic(obj, this.info.namespaced, !generated), ...(this.strategy.validate?.(obj) ?? [])];
    if (errs.length) throw this.invalid(obj, errs);
    try {
      await this.checkNamespace(obj.metadata.namespace);
    } catch (e) {
      if (e instanceof StatusError && e.code === 403) e.status.message = e.status.message!.replace('%NAME%', obj.metadata.name ?? '');
      throw e;
    }
    if (dryRun) {
      const existing = await this.store.get(this.key(obj.metadata.namespace, obj.metadata.name!));
      if (existing) throw alreadyExists(groupResource(this.info), obj.metadata.name!);
      return obj;
    }
    try {
      const kv = await this.store.create(this.key(obj.metadata.namespace, obj.metadata.name!), this.encode(obj));
      obj.metadata.resourceVersion = String(kv.modRevision);
      return obj;
    } catch (e) {
      if (e instanceof StoreKeyExistsError) throw alreadyExists(groupResource(this.info), obj.metadata.name!);
      throw e;
    }
  }

  /** Reads one object; 404 NotFound when absent. */
  async get(namespace: string | undefined, name: string): Promise<KubeObject> {
    const obj = await this.getOrUndefined(namespace, name);
    if (!obj) throw notFound(groupResource(this.info), name);
    return obj;
  }

  /** Reads one object or undefined. */
  async getOrUndefined(namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    const kv = await this.store.get(this.key(namespace, name));
    return kv ? this.decode(kv) : undefined;
  }

  /** Builds the selector filter for list/watch; 400 on a bad selector. */
  filter(params: ListParams): ObjectFilter {
    return makeFilter(this.info.resource, params.labelSelector, params.fieldSelector, this.strategy.selectableFields);
  }

  /** Lists objects (all namespaces when `namespace` is undefined). */
  async list(namespace: string | undefined, params: ListParams = {}): Promise<KubeList> {
    const filter = this.filter(params);
    let startAfter: string | undefined;
    if (params.continue) {
      try {
        startAfter = Buffer.from(params.continue, 'base64url').toString('utf8');
        if (!startAfter.startsWith(this.prefix(namespace))) throw new Error('bad');
      } catch {
        throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
      }
    }
    const limit = params.limit && params.limit > 0 ? params.limit : undefined;
    const items: KubeObject[] = [];
    let revision = 0;
    let cursor = startAfter;
    let more = false;
    for (;;) {
      const page = await this.store.list(this.prefix(namespace), { limit: limit ? limit * 2 + 10 : undefined, startAfter: cursor });
      revision = revision || page.revision;
      for (const kv of page.items) {
        cursor = kv.key;
        const obj = this.decode(kv);
        if (!filter(obj)) continue;
        items.push(obj);
        if (limit && items.length >= limit) break;
      }
      if (limit && items.length >= limit) {
        more = page.continueKey !== undefined || page.items[page.items.length - 1]?.key !== cursor;
        if (!more) {
          const rest = await this.store.list(this.prefix(namespace), { limit: 1, startAfter: cursor });
          more = rest.items.length > 0;
        }
        break;
      }
      if (!page.continueKey) break;
    }
    for (const o of items) { o.apiVersion = apiVersionOf(this.info); o.kind = this.info.kind; }
    return {
      apiVersion: apiVersionOf(this.info),
      kind: this.info.listKind,
      metadata: { resourceVersion: String(revision), ...(more && cursor ? { continue: Buffer.from(cursor).toString('base64url') } : {}) },
      items,
    };
  }

  /**
   * Replaces an object (PUT) or its status. A non-empty resourceVersion must match
   * (409 Conflict otherwise). `mutate` lets patch handlers compute the new object from the old.
   */
  async update(
    namespace: string | undefined,
    name: string,
    next: KubeObject | ((old: KubeObject) => KubeObject),
    ctx: RequestContext,
    opts: { subresource?: 'status' | 'binding'; dryRun?: boolean; createIfMissing?: boolean } = {},
  ): Promise<{ object: KubeObject; created: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const key = this.key(namespace, name);
      const kv = await this.store.get(key);
      if (!kv) {
        if (opts.createIfMissing && typeof next !== 'function') {
          return { object: await this.create(namespace, next, ctx, opts.dryRun), created: true };
        }
        throw notFound(groupResource(this.info), name);
      }
      const old = this.decode(kv);
      const obj = clone(typeof next === 'function' ? next(clone(old)) : next);
      if (typeof obj !== 'object' || obj === null || typeof obj.metadata !== 'object' || obj.metadata === null) {
        throw badRequest('Object \'metadata\' is missing');
      }
      this.checkTypeMeta(obj);
      if (obj.metadata.name !== undefined && obj.metadata.name !== name) {
        throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
      }
      const rv = obj.metadata.resourceVersion;
      if (typeof next !== 'function' && rv && rv !== old.metadata.resourceVersion) {
        throw conflict(groupResource(this.info), name, CONFLICT_MODIFIED);
      }
      this.keepImmutableMeta(obj, old);
      if (opts.subresource === 'binding') {
        // Internal write of the binding subresource: the handler already computed the object.
      } else if (opts.subresource === 'status') {
        this.strategy.prepareForStatusUpdate?.(obj, old, ctx);
        if (!this.strategy.prepareForStatusUpdate) { const status = obj.status; Object.assign(obj, clone(old), { status, metadata: obj.metadata }); }
      } else {
        if (this.strategy.hasStatus) obj.status = clone(old.status);
        this.strategy.prepareForUpdate?.(obj, old, ctx);
        if (this.strategy.tracksGeneration && JSON.stringify(obj.spec) !== JSON.stringify(old.spec)) {
          obj.metadata.generation = (old.metadata.generation ?? 1) + 1;
        }
      }
      const errs = opts.subresource === 'binding' ? [] : [...validateObjectMetaBasic(obj, this.info.namespaced, true), ...(this.strategy.validateUpdate?.(obj, old) ?? [])];
      if (errs.length) throw this.invalid(obj, errs);
      if (this.unchanged(obj, old)) return { object: old, created: false };
      // Finalizers gone on an object being deleted: remove it now.
      if (old.metadata.deletionTimestamp && !(obj.metadata.finalizers?.length) && !(this.hooks.extraFinalizers?.(obj).length) && this.readyToVanish(obj)) {
        if (opts.dryRun) return { object: obj, created: false };
        try {
          await this.store.delete(key, kv.modRevision);
          return { object: obj, created: false };
        } catch (e) {
          if (e instanceof StoreConflictError && attempt < 5) continue;
          throw e;
        }
      }
      if (opts.dryRun) return { object: obj, created: false };
      try {
        const nkv = await this.store.update(key, this.encode(obj), kv.modRevision);
        obj.metadata.resourceVersion = String(nkv.modRevision);
        return { object: obj, created: false };
      } catch (e) {
        if (e instanceof StoreConflictError) {
          if (typeof next === 'function' && attempt < 5) continue;
          throw conflict(groupResource(this.info), name, CONFLICT_MODIFIED);
        }
        if (e instanceof StoreKeyNotFoundError) throw notFound(groupResource(this.info), name);
        throw e;
      }
    }
  }

  private readyToVanish(obj: KubeObject): boolean {
    // Pods wait for the kubelet unless the grace period is zero; other kinds go at once.
    if (!this.strategy.gracePeriod) return true;
    return (obj.metadata.deletionGracePeriodSeconds ?? 0) === 0;
  }

  private unchanged(obj: KubeObject, old: KubeObject): boolean {
    const a = { ...obj, metadata: { ...obj.metadata, resourceVersion: undefined } };
    const b = { ...old, metadata: { ...old.metadata, resourceVersion: undefined } };
    return JSON.stringify(a) === JSON.stringify(b);
  }

  private keepImmutableMeta(obj: KubeObject, old: KubeObject): void {
    const m = obj.metadata;
    const o = old.metadata;
    m.name = o.name;
    if (this.info.namespaced) m.namespace = o.namespace; else delete m.namespace;
    m.uid = o.uid;
    m.creationTimestamp = o.creationTimestamp;
    if (o.deletionTimestamp) m.deletionTimestamp = o.deletionTimestamp; else delete m.deletionTimestamp;
    if (o.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds; else delete m.deletionGracePeriodSeconds;
    if (o.generation !== undefined) m.generation = o.generation; else delete m.generation;
    if (m.generateName === undefined && o.generateName !== undefined) m.generateName = o.generateName;
    // omitempty: a patch that removed the last owner reference or finalizer leaves no empty list.
    if (Array.isArray(m.ownerReferences) && m.ownerReferences.length === 0) delete m.ownerReferences;
    if (Array.isArray(m.finalizers) && m.finalizers.length === 0) delete m.finalizers;
  }

  /**
   * Deletes an object. Kinds with a grace period (pods on a node) are only marked
   * (deletionTimestamp + deletionGracePeriodSeconds) and removed later by their
   * owner (the kubelet); objects with finalizers wait for them. The propagation
   * policy adds or removes the garbage collector's `orphan`/`foregroundDeletion`
   * finalizers first (not while a graceful deletion is pending), as Kubernetes'
   * generic store does.
   * Returns the final object state and whether it is gone from storage.
   */
  async delete(namespace: string | undefined, name: string, opts: DeleteOptions, ctx: RequestContext, dryRun = false): Promise<{ object: KubeObject; deleted: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const key = this.key(namespace, name);
      const kv = await this.store.get(key);
      if (!kv) throw notFound(groupResource(this.info), name);
      const obj = this.decode(kv);
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== obj.metadata.uid) {
        throw conflict(groupResource(this.info), name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
        throw conflict(groupResource(this.info), name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`);
      }
      const m = obj.metadata;
      const grace = this.strategy.gracePeriod?.(obj, opts.gracePeriodSeconds) ?? 0;
      const current = m.deletionGracePeriodSeconds ?? 0;
      // BeforeDelete: a pending graceful deletion may only be shortened; finalizers stay as they are.
      if (m.deletionTimestamp && current > 0 && grace >= current) return { object: obj, deleted: false };
      const gc = gcFinalizers(m.finalizers ?? [], opts);
      if (gc) { if (gc.length) m.finalizers = gc; else delete m.finalizers; }
      const pending = [...(m.finalizers ?? []), ...(this.hooks.extraFinalizers?.(obj) ?? [])];
      if (grace > 0 || pending.length > 0) {
        const before = JSON.stringify(obj);
        if (!m.deletionTimestamp || grace < current) {
          m.deletionTimestamp = rfc3339(new Date(ctx.now.getTime() + grace * 1000));
          m.deletionGracePeriodSeconds = grace;
        }
        this.hooks.prepareForPendingDelete?.(obj);
        if (dryRun || JSON.stringify(obj) === before) return { object: obj, deleted: false };
        try {
          const nkv = await this.store.update(key, this.encode(obj), kv.modRevision);
          obj.metadata.resourceVersion = String(nkv.modRevision);
          return { object: obj, deleted: false };
        } catch (e) {
          if (e instanceof StoreConflictError && attempt < 5) continue;
          throw e;
        }
      }
      if (dryRun) return { object: obj, deleted: true };
      try {
        const res = await this.store.delete(key, kv.modRevision);
        obj.metadata.resourceVersion = String(res.revision);
        return { object: obj, deleted: true };
      } catch (e) {
        if (e instanceof StoreConflictError && attempt < 5) continue;
        if (e instanceof StoreKeyNotFoundError) throw notFound(groupResource(this.info), name);
        throw e;
      }
    }
  }

  /**
   * Watches the collection: synthetic ADDED events for resourceVersion "" or "0",
   * selector transitions as ADDED/DELETED, a 410 ERROR event for a compacted
   * resourceVersion (see {@link watchRegistry}).
   */
  watch(namespace: string | undefined, params: ListParams, signal: AbortSignal): AsyncGenerator<RegistryWatchEvent> {
    return watchRegistry(this, this.store, namespace, params, signal);
  }

  /** Sets apiVersion and kind on an object read from storage. */
  stampType(o: KubeObject): void {
    o.apiVersion = apiVersionOf(this.info);
    o.kind = this.info.kind;
  }
}
