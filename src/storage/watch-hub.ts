/**
 * In-process watch fan-out shared by the memory and sqlite stores.
 *
 * Both backends own every write in this process, so a write can hand its event to
 * every live watcher right after it commits. The hub makes the replay → live
 * hand-off race-free: a watcher reads its history and registers for live events in
 * one synchronous step, so no write can land between the two (no gap, no duplicate).
 */
import type { StoreEvent } from './store.js';

/** Reads the retained events under `prefix` with revision > `afterRevision`, oldest first. */
export type ReplayFn = (prefix: string, afterRevision: number) => StoreEvent[];

const END = Symbol('end');

/** An unbounded FIFO of events with one awaiting reader. */
class EventQueue {
  private readonly items: StoreEvent[] = [];
  private head = 0;
  private ended = false;
  private wake: (() => void) | undefined;

  push(ev: StoreEvent): void {
    if (this.ended) return;
    this.items.push(ev);
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  async next(): Promise<StoreEvent | typeof END> {
    for (;;) {
      if (this.head < this.items.length) {
        const ev = this.items[this.head] as StoreEvent;
        this.head++;
        if (this.head > 1024 && this.head * 2 > this.items.length) {
          this.items.splice(0, this.head);
          this.head = 0;
        }
        return ev;
      }
      if (this.ended) return END;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}

interface Watcher {
  prefix: string;
  afterRevision: number;
  queue: EventQueue;
}

/**
 * Fans committed events out to live watchers.
 *
 * Guarantees: each watcher sees every matching event with revision > its
 * `afterRevision` exactly once, in revision order, provided `emit` is called in
 * revision order right after each commit. Buffers are unbounded (a slow watcher
 * costs memory, never loses events).
 */
export class WatchHub {
  private readonly watchers = new Set<Watcher>();

  /** Number of active watchers (for tests and metrics). */
  get size(): number {
    return this.watchers.size;
  }

  /** Delivers one committed event to every watcher whose prefix matches. */
  emit(ev: StoreEvent): void {
    for (const w of this.watchers) {
      if (ev.revision > w.afterRevision && ev.key.startsWith(w.prefix)) w.queue.push(ev);
    }
  }

  /** Ends every watch (their iterators complete). Used by `close()`. */
  closeAll(): void {
    for (const w of this.watchers) w.queue.end();
    this.watchers.clear();
  }

  /**
   * Streams history from `replay` then live events until `signal` aborts or
   * `closeAll` runs. `replay` runs when iteration starts and may throw (for
   * example StoreCompactedError); the error surfaces from the iterator.
   */
  async *watch(
    prefix: string,
    afterRevision: number,
    signal: AbortSignal,
    replay: ReplayFn,
  ): AsyncGenerator<StoreEvent, void, undefined> {
    if (signal.aborted) return;
    const queue = new EventQueue();
    // Synchronous from here to `add`: no write can interleave.
    for (const ev of replay(prefix, afterRevision)) queue.push(ev);
    const watcher: Watcher = { prefix, afterRevision, queue };
    this.watchers.add(watcher);
    const onAbort = (): void => queue.end();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        const ev = await queue.next();
        if (ev === END || signal.aborted) return;
        yield ev;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.watchers.delete(watcher);
    }
  }
}

/** Smallest string greater than every string starting with `prefix` (code point order); undefined for ''. */
export function prefixEnd(prefix: string): string | undefined {
  const cps = Array.from(prefix);
  while (cps.length > 0) {
    const last = (cps.pop() as string).codePointAt(0) as number;
    if (last < 0x10ffff) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return cps.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}

/** Compares keys by Unicode code point, which equals UTF-8 byte order (etcd's and SQLite's order). */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      const sx = x >= 0xd800 && x <= 0xdfff;
      const sy = y >= 0xd800 && y <= 0xdfff;
      if (sx !== sy) return sx ? 1 : -1; // surrogates encode code points above U+FFFF
      return x - y;
    }
  }
  return a.length - b.length;
}
