/**
 * Go's `time.Duration.String()` formatting, used wherever Kubernetes prints a
 * duration to users (`back-off 1m20s restarting ...`, `pulled image ... in 930.767834ms`).
 */

function trimFraction(intPart: bigint, frac: bigint, digits: number): string {
  if (frac === 0n) return intPart.toString();
  let f = frac.toString().padStart(digits, '0');
  f = f.replace(/0+$/, '');
  return `${intPart}.${f}`;
}

/** Formats a duration given in nanoseconds exactly as Go does (`0s`, `1.5µs`, `930.767834ms`, `1m20s`, `1h0m0s`). */
export function formatGoDurationNs(ns: bigint | number): string {
  let d = typeof ns === 'bigint' ? ns : BigInt(Math.round(ns));
  if (d === 0n) return '0s';
  const neg = d < 0n;
  if (neg) d = -d;
  let out: string;
  if (d < 1000n) out = `${d}ns`;
  else if (d < 1_000_000n) out = `${trimFraction(d / 1000n, d % 1000n, 3)}µs`;
  else if (d < 1_000_000_000n) out = `${trimFraction(d / 1_000_000n, d % 1_000_000n, 6)}ms`;
  else {
    const totalSec = d / 1_000_000_000n;
    const fracNs = d % 1_000_000_000n;
    const h = totalSec / 3600n;
    const m = (totalSec % 3600n) / 60n;
    const s = totalSec % 60n;
    const sec = `${trimFraction(s, fracNs, 9)}s`;
    if (h > 0n) out = `${h}h${m}m${sec}`;
    else if (m > 0n) out = `${m}m${sec}`;
    else out = sec;
  }
  return neg ? `-${out}` : out;
}

/** Formats a duration in milliseconds (fractions allowed) the Go way. */
export function formatGoDurationMs(ms: number): string {
  return formatGoDurationNs(BigInt(Math.round(ms * 1e6)));
}
