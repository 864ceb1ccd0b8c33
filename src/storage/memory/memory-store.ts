/**
 * An in-memory Store for fast unit tests. Same semantics as the sqlite store
 * (global revision starting at 1, event log, watch replay, compaction), no durability.
 */
import {
  StoreCompactedError,
  StoreConflictError,
  StoreKeyExistsError,
  StoreKeyNotFoundError,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Store,
  type StoreEvent,
} from '../store.js';
import { WatchHub, compareKeys } from '../watch-hub.js';

/**
 * In-memory implementation of {@link Store}.
 *
 * Guarantees: the revision starts at 1 and every write adds exactly 1; the whole
 * event history is kept until {@link MemoryStore.compact} drops it. Delete events
 * carry the last value in `kv` with `kv.modRevision` set to the delete's revision
 * (as etcd does), and the last value with its own modRevision in `prevKv`.
 */
export class MemoryStore implements Store {
  private rev = 1;
  private compactRev = 0;
  private readonly current = new Map<string, KeyValue>();
  private log: StoreEvent[] = [];
  private readonly hub = new WatchHub();
  private closed = false;

  async currentRevision(): Promise<number> {
    this.checkOpen();
    return this.rev;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.checkOpen();
    const kv = this.current.get(key);
    return kv ? { ...kv } : undefined;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.checkOpen();
    const after = opts.startAfter;
    const keys = [...this.current.keys()]
      .filter((k) => k.startsWith(prefix) && (after === undefined || compareKeys(k, after) > 0))
      .sort(compareKeys);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : keys.length;
    const page = keys.slice(0, limit);
    const items = page.map((k) => ({ ...(this.current.get(k) as KeyValue) }));
    const result: ListResult = { items, revision: this.rev };
    if (keys.length > page.length && page.length > 0) result.continueKey = page[page.length - 1];
    return result;
  }

  async create(key: string, value: string): Promise<KeyValue> {
    this.checkOpen();
    if (this.current.has(key)) throw new StoreKeyExistsError(key);
    const revision = this.rev + 1;
    const kv: KeyValue = { key, value, createRevision: revision, modRevision: revision };
    this.commit({ type: 'put', created: true, key, kv, revision }, kv);
    return { ...kv };
  }

  async update(key: string, value: string, expectedModRevision?: number): Promise<KeyValue> {
    this.checkOpen();
    const prev = this.precondition(key, expectedModRevision);
    const revision = this.rev + 1;
    const kv: KeyValue = { key, value, createRevision: prev.createRevision, modRevision: revision };
    this.commit({ type: 'put', created: false, key, kv, prevKv: prev, revision }, kv);
    return { ...kv };
  }

  async delete(key: string, expectedModRevision?: number): Promise<{ kv: KeyValue; revision: number }> {
    this.checkOpen();
    const prev = this.precondition(key, expectedModRevision);
    const revision = this.rev + 1;
    const kv: KeyValue = { ...prev, modRevision: revision };
    this.commit({ type: 'delete', created: false, key, kv, prevKv: prev, revision }, undefined);
    return { kv: { ...prev }, revision };
  }

  watch(prefix: string, afterRevision: number, signal: AbortSignal): AsyncIterable<StoreEvent> {
    this.checkOpen();
    return this.hub.watch(prefix, afterRevision, signal, (p, after) => this.replay(p, after));
  }

  /**
   * Drops history at or below `revision` (capped at the current revision); a later
   * watch from an older revision throws StoreCompactedError. Current values stay.
   * @returns the compacted revision.
   */
  async compact(revision: number = this.rev): Promise<number> {
    this.checkOpen();
    const target = Math.min(revision, this.rev);
    if (target <= this.compactRev) return this.compactRev;
    this.log = this.log.slice(firstAfter(this.log, target));
    this.compactRev = target;
    return target;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.hub.closeAll();
  }

  private precondition(key: string, expectedModRevision: number | undefined): KeyValue {
    const prev = this.current.get(key);
    if (!prev) throw new StoreKeyNotFoundError(key);
    if (expectedModRevision !== undefined && prev.modRevision !== expectedModRevision) {
      throw new StoreConflictError(key, prev.modRevision);
    }
    return prev;
  }

  private commit(ev: StoreEvent, kv: KeyValue | undefined): void {
    Object.freeze(ev.kv);
    if (ev.prevKv) Object.freeze(ev.prevKv);
    Object.freeze(ev);
    this.rev = ev.revision;
    if (kv) this.current.set(ev.key, kv);
    else this.current.delete(ev.key);
    this.log.push(ev);
    this.hub.emit(ev);
  }

  private replay(prefix: string, afterRevision: number): StoreEvent[] {
    if (afterRevision < this.compactRev) throw new StoreCompactedError(afterRevision, this.compactRev);
    return this.log.slice(firstAfter(this.log, afterRevision)).filter((ev) => ev.key.startsWith(prefix));
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('memory store is closed');
  }
}

/** Index of the first event with revision > `revision` (binary search; the log is in revision order). */
function firstAfter(log: StoreEvent[], revision: number): number {
  let lo = 0;
  let hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((log[mid] as StoreEvent).revision <= revision) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Opens an empty in-memory store (URL `memory://`). */
export function openMemoryStore(): MemoryStore {
  return new MemoryStore();
}
