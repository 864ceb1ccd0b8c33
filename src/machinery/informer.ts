/**
 * A shared-informer in the client-go style: list, then watch from the list's
 * resourceVersion, keep an in-memory cache (the lister), and call handlers on
 * every change. A closed watch resumes from the last seen resourceVersion; a 410
 * Expired (or any watch failure) relists and reconciles the cache, emitting the
 * adds/updates/deletes the relist reveals. Handlers should only enqueue keys.
 */
import type { KubeObject } from '../api/types.js';
import type { ApiClient, ResourceRef } from '../client/types.js';

/** Callbacks for cache changes. */
export interface EventHandler<T> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T): void;
}

/** `namespace/name`, or `name` for cluster-scoped objects (client-go's MetaNamespaceKeyFunc). */
export function objectKey(obj: KubeObject): string {
  const ns = obj.metadata.namespace;
  return ns ? `${ns}/${obj.metadata.name ?? ''}` : (obj.metadata.name ?? '');
}

/** Splits a key made by objectKey. */
export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

/** List+watch cache of one resource (optionally filtered by selectors) with change handlers and a lister. */
export class Informer<T extends KubeObject> {
  private cache = new Map<string, T>();
  private handlers: EventHandler<T>[] = [];
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  private lastRV = '';

  constructor(
    private readonly client: ApiClient,
    private readonly ref: ResourceRef,
    private readonly opts: { labelSelector?: string; fieldSelector?: string } = {},
    private readonly log: (msg: string) => void = () => {},
  ) {}

  /** Registers handlers; objects already cached are replayed as adds. */
  addEventHandler(h: EventHandler<T>): void {
    this.handlers.push(h);
    for (const obj of this.cache.values()) h.onAdd?.(obj);
  }

  /** Starts the list/watch loop until `signal` aborts. */
  start(signal: AbortSignal): void {
    void this.run(signal);
  }

  /** Resolves once the first list has populated the cache. */
  hasSynced(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((r) => this.syncWaiters.push(r));
  }

  /** All cached objects. */
  list(): T[] {
    return [...this.cache.values()];
  }

  /** A cached object by namespace and name. */
  get(namespace: string | undefined, name: string): T | undefined {
    return this.cache.get(namespace ? `${namespace}/${name}` : name);
  }

  /** A cached object by key (`ns/name`). */
  getByKey(key: string): T | undefined {
    return this.cache.get(key);
  }

  private async run(signal: AbortSignal): Promise<void> {
    let needList = true;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (needList) {
          await this.relist(signal);
          needList = false;
        }
        const ended = await this.watchOnce(signal);
        if (ended === 'expired') needList = true;
        failures = 0;
      } catch (err) {
        if (signal.aborted) return;
        failures++;
        this.log(`informer ${this.ref.resource}: ${err instanceof Error ? err.message : String(err)}`);
        needList = true;
        await delay(Math.min(5000, 100 * 2 ** Math.min(failures, 6)), signal);
      }
    }
  }

  private async relist(signal: AbortSignal): Promise<void> {
    const list = await this.client.list<T>(this.ref, { ...this.opts }, signal);
    const seen = new Set<string>();
    for (const obj of list.items) {
      const key = objectKey(obj);
      seen.add(key);
      this.apply('put', key, obj);
    }
    for (const [key, obj] of [...this.cache]) {
      if (!seen.has(key)) this.apply('delete', key, obj);
    }
    this.lastRV = list.metadata.resourceVersion ?? '';
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  private async watchOnce(signal: AbortSignal): Promise<'closed' | 'expired'> {
    const stream = this.client.watch<T>(
      this.ref,
      { ...this.opts, resourceVersion: this.lastRV, allowWatchBookmarks: true, timeoutSeconds: 300 + Math.floor(Math.random() * 300) },
      signal,
    );
    for await (const ev of stream) {
      if (ev.type === 'ERROR') {
        const st = ev.object as unknown as { code?: number };
        if (st.code === 410) return 'expired';
        throw new Error(`watch error: ${JSON.stringify(ev.object)}`);
      }
      const obj = ev.object;
      const rv = obj.metadata?.resourceVersion;
      if (rv) this.lastRV = rv;
      if (ev.type === 'BOOKMARK') continue;
      const key = objectKey(obj);
      this.apply(ev.type === 'DELETED' ? 'delete' : 'put', key, obj);
    }
    return 'closed';
  }

  private apply(kind: 'put' | 'delete', key: string, obj: T): void {
    const old = this.cache.get(key);
    if (kind === 'delete') {
      if (!old) return;
      this.cache.delete(key);
      for (const h of this.handlers) safe(() => h.onDelete?.(obj));
      return;
    }
    if (old && old.metadata.resourceVersion === obj.metadata.resourceVersion) return;
    this.cache.set(key, obj);
    for (const h of this.handlers) {
      if (old) safe(() => h.onUpdate?.(old, obj));
      else safe(() => h.onAdd?.(obj));
    }
  }
}

function safe(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    console.error('informer handler failed:', err);
  }
}
