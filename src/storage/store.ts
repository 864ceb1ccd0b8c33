/**
 * The storage contract every backend (sqlite, memory, later etcd) implements.
 *
 * Modelled on etcd v3 / kine: a flat key space (`/registry/pods/default/web`),
 * values are opaque byte strings (peapod stores JSON text), and every write bumps one
 * global, monotonic revision. An object's resourceVersion is the revision of its
 * last write (its `modRevision`). Acknowledged writes are durable: a promise that
 * resolved has been committed to disk.
 */

/** A stored value with the revisions that describe it. */
export interface KeyValue {
  key: string;
  /** The stored text (JSON for peapod objects). */
  value: string;
  /** Revision of the write that created the key (unchanged by updates). */
  createRevision: number;
  /** Revision of the last write to the key; this is the object's resourceVersion. */
  modRevision: number;
}

/** Result of a list. */
export interface ListResult {
  items: KeyValue[];
  /** The store's current revision at the time of the list (a consistent snapshot). */
  revision: number;
  /** Key to continue from (exclusive) when `limit` cut the result; absent when done. */
  continueKey?: string;
}

/** One change seen by a watch. */
export interface StoreEvent {
  type: 'put' | 'delete';
  /** True for a `put` that created the key. */
  created: boolean;
  key: string;
  /** The new value for `put`; for `delete`, the last value before deletion. */
  kv: KeyValue;
  /** The value before this change (absent when created). */
  prevKv?: KeyValue;
  /** Revision of this change. */
  revision: number;
}

/** Options for list. */
export interface ListOptions {
  /** Return at most this many items (0/undefined = all). */
  limit?: number;
  /** Start strictly after this key (continuation). */
  startAfter?: string;
}

/** Thrown by conditional writes whose precondition failed. */
export class StoreConflictError extends Error {
  constructor(readonly key: string, readonly actualRevision: number) {
    super(`conflict on ${key}: current modRevision ${actualRevision}`);
    this.name = 'StoreConflictError';
  }
}

/** Thrown by create when the key exists. */
export class StoreKeyExistsError extends Error {
  constructor(readonly key: string) {
    super(`key exists: ${key}`);
    this.name = 'StoreKeyExistsError';
  }
}

/** Thrown by update/delete when the key does not exist. */
export class StoreKeyNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`key not found: ${key}`);
    this.name = 'StoreKeyNotFoundError';
  }
}

/** Thrown by watch when `fromRevision` is older than the oldest retained event (HTTP 410 upstream). */
export class StoreCompactedError extends Error {
  constructor(readonly requested: number, readonly compacted: number) {
    super(`required revision ${requested} has been compacted (oldest available ${compacted})`);
    this.name = 'StoreCompactedError';
  }
}

/** The key-value store with a global revision and watch. */
export interface Store {
  /** The current (latest committed) revision. Starts at 1 on an empty store. */
  currentRevision(): Promise<number>;
  /** Reads one key; undefined when absent. */
  get(key: string): Promise<KeyValue | undefined>;
  /** Lists keys that start with `prefix`, in key order. */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /**
   * Creates `key`. Resolves with the new KeyValue.
   * @throws StoreKeyExistsError if the key exists.
   */
  create(key: string, value: string): Promise<KeyValue>;
  /**
   * Replaces `key`'s value. When `expectedModRevision` is given the write only
   * happens if the key's modRevision still equals it.
   * @throws StoreKeyNotFoundError, StoreConflictError
   */
  update(key: string, value: string, expectedModRevision?: number): Promise<KeyValue>;
  /**
   * Deletes `key`, conditionally on `expectedModRevision` when given.
   * Resolves with the deleted KeyValue and the revision of the delete.
   * @throws StoreKeyNotFoundError, StoreConflictError
   */
  delete(key: string, expectedModRevision?: number): Promise<{ kv: KeyValue; revision: number }>;
  /**
   * Streams every change to keys under `prefix` with revision > `afterRevision`,
   * in revision order, first replaying history from the store's event log, then
   * live changes. Ends when `signal` aborts.
   * @throws StoreCompactedError (from the iterator) when history is gone.
   */
  watch(prefix: string, afterRevision: number, signal: AbortSignal): AsyncIterable<StoreEvent>;
  /** Releases resources (closes the database). */
  close(): Promise<void>;
}
