/**
 * Field-path and FieldError helpers (k8s.io/apimachinery/pkg/util/validation/field).
 * Paths print as Kubernetes prints them: `spec.containers[0].image`,
 * `spec.containers[0].resources.limits[cpu]`.
 */
import type { FieldError } from '../errors.js';

/** Append a child field name to a path. */
export function child(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

/** Append an index to a path: `spec.containers[0]`. */
export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}

/** Append a map key to a path: `limits[cpu]`. */
export function key(path: string, k: string): string {
  return `${path}[${k}]`;
}

/** Required: `<field>: Required value[: detail]`. */
export const required = (field: string, detail = ''): FieldError => ({ type: 'Required', field, detail: detail || undefined });
/** Invalid: `<field>: Invalid value: <value>: <detail>`. */
export const invalid = (field: string, value: unknown, detail: string): FieldError => ({ type: 'Invalid', field, value, detail: detail || undefined });
/** Duplicate: `<field>: Duplicate value: <value>`. */
export const duplicate = (field: string, value: unknown): FieldError => ({ type: 'Duplicate', field, value });
/** Forbidden: `<field>: Forbidden: <detail>`. */
export const forbidden = (field: string, detail: string): FieldError => ({ type: 'Forbidden', field, detail });
/** NotFound: `<field>: Not found: <value>`. */
export const notFound = (field: string, value: unknown): FieldError => ({ type: 'NotFound', field, value });

/** NotSupported with `supported values: "a", "b"`. */
export function notSupported(field: string, value: unknown, valid: readonly string[]): FieldError {
  const detail = valid.length ? `supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}` : undefined;
  return { type: 'NotSupported', field, value, detail };
}

/** Every message of a string validator as an Invalid error on `field`. */
export function invalidEach(field: string, value: unknown, msgs: string[]): FieldError[] {
  return msgs.map((m) => invalid(field, value, m));
}
