/**
 * Minimal Kubernetes quantity parsing for the kubelet (resource limits, QoS).
 * Mirrors k8s.io/apimachinery/pkg/api/resource for the suffixes pods use.
 */

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/**
 * Parses a quantity string (`500m`, `64Mi`, `1.5`, `1e3`) into its value in base units
 * (cores for cpu, bytes for memory). Throws `Error` on malformed input.
 */
export function parseQuantity(q: string | number): number {
  if (typeof q === 'number') return q;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$/.exec(q.trim());
  if (!m) throw new Error(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
  const num = Number(m[1]);
  if (m[2]) return num * 10 ** Number(m[2].slice(1));
  const suffix = m[3] ?? '';
  return num * (BINARY[suffix] ?? DECIMAL[suffix] ?? 1);
}

/** CPU quantity in millicores, rounded up as Kubernetes' MilliValue does. */
export function milliCPU(q: string | number): number {
  return Math.ceil(Math.round(parseQuantity(q) * 1e6) / 1e3);
}

/** Memory (or any byte) quantity in whole bytes, rounded up. */
export function bytesOf(q: string | number): number {
  return Math.ceil(parseQuantity(q));
}
