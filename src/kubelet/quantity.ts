/**
 * Quantity helpers for the kubelet (resource limits, volume sizes), as plain
 * numbers on top of the exact parser in src/api/defaults/quantity.ts
 * (k8s.io/apimachinery/pkg/api/resource semantics, values rounded up).
 */
import { milliValue, parseQuantity as parseExact, QUANTITY_FORMAT_ERROR, unitValue, type Quantity } from '../api/defaults/quantity.js';

function exact(q: string | number): Quantity {
  const p = parseExact(String(q));
  if (!p) throw new Error(QUANTITY_FORMAT_ERROR);
  return p;
}

/** The value in base units (cores for cpu, bytes for memory). @throws Error on malformed input. */
export function parseQuantity(q: string | number): number {
  const p = exact(q);
  return Number(p.num) / Number(p.den);
}

/** CPU quantity in millicores, rounded up as Kubernetes' MilliValue does. @throws Error on malformed input. */
export function milliCPU(q: string | number): number {
  return Number(milliValue(exact(q)));
}

/** Memory (or any byte) quantity in whole bytes, rounded up. @throws Error on malformed input. */
export function bytesOf(q: string | number): number {
  return Number(unitValue(exact(q)));
}
