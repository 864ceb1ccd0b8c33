/**
 * Per-item exponential backoff (client-go's ItemExponentialFailureRateLimiter):
 * delay = base * 2^failures, capped at max. Units: milliseconds.
 */
export class ItemBackoff<K> {
  private failures = new Map<K, number>();
  constructor(private readonly baseMs = 5, private readonly maxMs = 1000_000) {}
  /** Records a failure and returns the delay before the next try. */
  next(key: K): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    return Math.min(this.maxMs, this.baseMs * 2 ** n);
  }
  /** Number of failures recorded for `key`. */
  count(key: K): number {
    return this.failures.get(key) ?? 0;
  }
  /** Forgets the key's failures. */
  forget(key: K): void {
    this.failures.delete(key);
  }
}
