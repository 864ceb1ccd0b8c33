/**
 * ConfigMap strategy (pkg/registry/core/configmap, ValidateConfigMap): config keys
 * (`[-._a-zA-Z0-9]+`, at most 253 characters, not `.`/`..`), no key in both data and
 * binaryData, at most 1 MiB in total, and `immutable` ConfigMaps whose data cannot change.
 */
import type { FieldError } from '../../../api/errors.js';
import type { KubeObject } from '../../../api/types.js';
import { forbidden, invalid, key } from '../../../api/validation/field.js';
import { findResource } from '../../resources.js';
import type { Strategy } from '../strategy.js';

/** The largest total size of a ConfigMap's or Secret's data (bytes). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const CONFIG_KEY_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

/** IsConfigMapKey: the messages for an invalid data key (empty when valid). */
export function configKeyErrors(k: string): string[] {
  const out: string[] = [];
  if (k.length > 253) out.push('must be no more than 253 characters');
  if (!CONFIG_KEY.test(k)) out.push(CONFIG_KEY_MSG);
  if (k === '.') out.push("must not be '.'");
  else if (k === '..') out.push("must not be '..'");
  else if (k.startsWith('..')) out.push("must not start with '..'");
  return out;
}

/** Field errors of every invalid key of `m` under `path`. */
export function validateKeys(m: Record<string, unknown> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of Object.keys(m ?? {})) for (const msg of configKeyErrors(k)) errs.push(invalid(key(path, k), k, msg));
  return errs;
}

/** The `immutable` rules on update, shared with Secrets (`dataFields` must not change once immutable). */
export function validateImmutable(obj: Record<string, unknown>, old: Record<string, unknown>, dataFields: string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (obj.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const f of dataFields) {
    if (JSON.stringify(obj[f] ?? {}) !== JSON.stringify(old[f] ?? {})) errs.push(forbidden(f, 'field is immutable when `immutable` is set'));
  }
  return errs;
}

interface ConfigMapObj extends KubeObject { data?: Record<string, string>; binaryData?: Record<string, string>; immutable?: boolean }

function validateConfigMap(obj: KubeObject): FieldError[] {
  const cm = obj as ConfigMapObj;
  const errs = [...validateKeys(cm.data, 'data'), ...validateKeys(cm.binaryData, 'binaryData')];
  let total = 0;
  for (const [k, v] of Object.entries(cm.data ?? {})) {
    total += Buffer.byteLength(String(v));
    if (cm.binaryData && k in cm.binaryData) errs.push(invalid(key('data', k), k, 'duplicate of key present in binaryData'));
  }
  for (const v of Object.values(cm.binaryData ?? {})) total += Buffer.from(String(v), 'base64').length;
  if (total > MAX_CONFIG_BYTES) errs.push({ type: 'TooLong', field: '[]', detail: `must have at most ${MAX_CONFIG_BYTES} bytes` });
  return errs;
}

/** ConfigMap strategy: key validation, immutability. */
export const configMapStrategy: Strategy = {
  info: findResource('', 'v1', 'configmaps')!,
  hasStatus: false,
  validate: validateConfigMap,
  validateUpdate: (obj, old) => [...validateConfigMap(obj), ...validateImmutable(obj as ConfigMapObj as Record<string, unknown>, old as Record<string, unknown>, ['data', 'binaryData'])],
};
