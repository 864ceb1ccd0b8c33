/**
 * Per-key exponential backoff with Kubernetes' flowcontrol.Backoff semantics, used for
 * container restarts (CrashLoopBackOff: 10 s doubling to 5 min) and image pulls.
 * An entry whose last update is older than twice the maximum is considered stable and
 * starts over at the initial delay (a container that ran 10 minutes resets its backoff).
 * All times are milliseconds since the Unix epoch.
 */

interface Entry {
  backoffMs: number;
  lastUpdateMs: number;
}

/** Read-only view used by the pure planning code. */
export interface BackoffView {
  /** Current backoff window of `key` in ms, or undefined if it has none. */
  get(key: string): number | undefined;
  /**
   * True when `now - eventTime` is shorter than the key's current window (and the entry
   * has not expired relative to `eventTime`), as Backoff.IsInBackOffSince.
   */
  isInBackOffSince(key: string, eventTimeMs: number, nowMs: number): boolean;
}

/** Mutable backoff table. */
export class Backoff implements BackoffView {
  private entries = new Map<string, Entry>();
  constructor(readonly initialMs = 10_000, readonly maxMs = 300_000) {}

  private expired(eventTimeMs: number, e: Entry): boolean {
    return eventTimeMs - e.lastUpdateMs > this.maxMs * 2;
  }

  get(key: string): number | undefined {
    return this.entries.get(key)?.backoffMs;
  }

  isInBackOffSince(key: string, eventTimeMs: number, nowMs: number): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(eventTimeMs, e)) return false;
    return nowMs - eventTimeMs < e.backoffMs;
  }

  /** True when `now` is within the window counted from the last `next` call (Backoff.IsInBackOffSinceUpdate). */
  isInBackOffSinceUpdate(key: string, nowMs: number): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(nowMs, e)) return false;
    return nowMs - e.lastUpdateMs < e.backoffMs;
  }

  /** Records a failure at `eventTime`: starts at the initial delay or doubles (capped). Returns the new window. */
  next(key: string, eventTimeMs: number, nowMs: number): number {
    const e = this.entries.get(key);
    let backoffMs: number;
    if (!e || this.expired(eventTimeMs, e)) backoffMs = this.initialMs;
    else backoffMs = Math.min(e.backoffMs * 2, this.maxMs);
    this.entries.set(key, { backoffMs, lastUpdateMs: nowMs });
    return backoffMs;
  }

  /** Remaining ms of the window for `key` counted from `eventTime`, or 0. */
  remaining(key: string, eventTimeMs: number, nowMs: number): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    return Math.max(0, eventTimeMs + e.backoffMs - nowMs);
  }

  /** Remaining ms of the window for `key` counted from its last update, or 0. */
  remainingSinceUpdate(key: string, nowMs: number): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    return Math.max(0, e.lastUpdateMs + e.backoffMs - nowMs);
  }

  /** Forgets `key`. */
  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Drops entries not updated for twice the maximum (Backoff.GC). */
  gc(nowMs: number): void {
    for (const [k, e] of this.entries) if (nowMs - e.lastUpdateMs > this.maxMs * 2) this.entries.delete(k);
  }

  /** Drops every key starting with `prefix` (used when a pod goes away). */
  deletePrefix(prefix: string): void {
    for (const k of [...this.entries.keys()]) if (k.startsWith(prefix)) this.entries.delete(k);
  }
}
