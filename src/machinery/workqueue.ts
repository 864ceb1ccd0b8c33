/**
 * A work queue with client-go's guarantees: a key is never processed by two
 * workers at once (processing set), a key added while processing is re-queued
 * once when `done` is called (dirty set), duplicate adds collapse, and failures
 * can be re-queued with per-key exponential backoff.
 */
import { ItemBackoff } from './backoff.js';

/** A deduplicating work queue with per-key exclusivity and rate-limited requeue (client-go's workqueue). Delays are in milliseconds. */
export class WorkQueue<K = string> {
  private queue: K[] = [];
  private dirty = new Set<K>();
  private processing = new Set<K>();
  private waiters: ((k: K | undefined) => void)[] = [];
  private timers = new Set<NodeJS.Timeout>();
  private shuttingDown = false;
  private readonly backoff: ItemBackoff<K>;

  /** @param baseDelayMs first retry delay; @param maxDelayMs cap (client-go: 5 ms .. 1000 s). */
  constructor(baseDelayMs = 5, maxDelayMs = 60_000) {
    this.backoff = new ItemBackoff<K>(baseDelayMs, maxDelayMs);
  }

  /** Marks `key` as needing processing. */
  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    const w = this.waiters.shift();
    if (w) {
      this.dirty.delete(key);
      this.processing.add(key);
      w(key);
    } else {
      this.queue.push(key);
    }
  }

  /** Adds `key` after `delayMs` milliseconds. */
  addAfter(key: K, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) return this.add(key);
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.add(key);
    }, delayMs);
    t.unref?.();
    this.timers.add(t);
  }

  /** Re-adds `key` after its next backoff delay. */
  addRateLimited(key: K): void {
    this.addAfter(key, this.backoff.next(key));
  }

  /** Clears the backoff history of `key` (call after a successful sync). */
  forget(key: K): void {
    this.backoff.forget(key);
  }

  /** Number of failures recorded for `key` since the last forget. */
  numRequeues(key: K): number {
    return this.backoff.count(key);
  }

  /** Waits for the next key; resolves undefined once shut down. Call `done(key)` after processing. */
  get(): Promise<K | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    const k = this.queue.shift();
    if (k !== undefined) {
      this.dirty.delete(k);
      this.processing.add(k);
      return Promise.resolve(k);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks the end of processing `key`; re-queues it if it was added meanwhile. */
  done(key: K): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.dirty.delete(key);
      this.add(key);
    }
  }

  /** Stops the queue: pending and future `get` calls resolve undefined. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  /** Number of queued (not processing) keys. */
  len(): number {
    return this.queue.length;
  }
}

/**
 * Runs `workers` loops that take keys from `queue` and call `sync`; a thrown error
 * requeues the key with backoff, success forgets it. Resolves when the queue shuts down.
 */
export async function runWorkers<K>(
  queue: WorkQueue<K>,
  workers: number,
  sync: (key: K) => Promise<void>,
  onError?: (key: K, err: unknown) => void,
): Promise<void> {
  const loop = async (): Promise<void> => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await sync(key);
        queue.forget(key);
      } catch (err) {
        onError?.(key, err);
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, loop));
}
