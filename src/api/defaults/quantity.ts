/**
 * Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource), parsed
 * exactly: a quantity is held as a rational number `num/den` of BigInts, so
 * `500m`, `0.5` and `1/2` of a core compare equal and nothing is rounded.
 *
 * Grammar (as Kubernetes): `<sign><digits>[.<digits>]<suffix>` where suffix is
 * a binary SI suffix (`Ki Mi Gi Ti Pi Ei`), a decimal SI suffix
 * (`n u m "" k M G T P E`) or a decimal exponent (`e3`, `E-2`).
 */

/** An exact quantity value: `num / den`, with `den > 0`. */
export interface Quantity {
  num: bigint;
  den: bigint;
}

const BINARY: Record<string, bigint> = {
  Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n,
};
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

const QUANTITY_RE = /^([+-]?)(\d+\.?\d*|\.\d+)(.*)$/;

/** The message Kubernetes gives for an unparseable quantity. */
export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

function pow10(exp: number): Quantity {
  return exp >= 0 ? { num: 10n ** BigInt(exp), den: 1n } : { num: 1n, den: 10n ** BigInt(-exp) };
}

/**
 * Parse a quantity string. Returns `undefined` when the string is not a valid
 * Kubernetes quantity (callers report {@link QUANTITY_FORMAT_ERROR}).
 */
export function parseQuantity(input: string): Quantity | undefined {
  const s = input.trim();
  if (s !== input || s === '') return undefined;
  const m = QUANTITY_RE.exec(s);
  if (!m) return undefined;
  const sign = m[1] === '-' ? -1n : 1n;
  const numStr = m[2] ?? '';
  const suffix = m[3] ?? '';
  const [intPart = '', fracPart = ''] = numStr.split('.');
  let q: Quantity = {
    num: sign * BigInt((intPart || '0') + fracPart),
    den: 10n ** BigInt(fracPart.length),
  };
  let mult: Quantity;
  const bin = BINARY[suffix];
  if (bin !== undefined) {
    mult = { num: bin, den: 1n };
  } else if (suffix in DECIMAL) {
    mult = pow10(DECIMAL[suffix] ?? 0);
  } else {
    const e = /^[eE]([+-]?\d+)$/.exec(suffix);
    if (!e) return undefined;
    const exp = Number(e[1]);
    if (!Number.isSafeInteger(exp) || Math.abs(exp) > 1000) return undefined;
    mult = pow10(exp);
  }
  q = { num: q.num * mult.num, den: q.den * mult.den };
  return normalize(q);
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x === 0n ? 1n : x;
}

function normalize(q: Quantity): Quantity {
  const g = gcd(q.num, q.den);
  return { num: q.num / g, den: q.den / g };
}

/** -1, 0 or 1 as `a` is less than, equal to or greater than `b`. */
export function compareQuantity(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

/** Exact sum of two quantities. */
export function addQuantity(a: Quantity, b: Quantity): Quantity {
  return normalize({ num: a.num * b.den + b.num * a.den, den: a.den * b.den });
}

/** The zero quantity. */
export const ZERO_QUANTITY: Quantity = { num: 0n, den: 1n };

/** Compare two quantity strings; throws `Error` if either is invalid. */
export function compareQuantityStrings(a: string, b: string): -1 | 0 | 1 {
  const qa = parseQuantity(a);
  const qb = parseQuantity(b);
  if (!qa || !qb) throw new Error(`invalid quantity: ${!qa ? a : b}`);
  return compareQuantity(qa, qb);
}

/** Milli-units of a quantity, rounded up (Kubernetes `MilliValue`): cpu `500m` -> 500, `2` -> 2000. */
export function milliValue(q: Quantity): bigint {
  const n = q.num * 1000n;
  const v = n / q.den;
  return n % q.den === 0n || n < 0n ? v : v + 1n;
}

/** Whole units of a quantity, rounded up (Kubernetes `Value`): memory `64Mi` -> 67108864. */
export function unitValue(q: Quantity): bigint {
  const v = q.num / q.den;
  return q.num % q.den === 0n || q.num < 0n ? v : v + 1n;
}
