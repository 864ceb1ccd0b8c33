/**
 * Secret strategy (pkg/registry/core/secret, ValidateSecret): `type` defaults to
 * Opaque and cannot change; `stringData` is merged into `data` (base64) and dropped;
 * every `data` value must be valid standard base64 (a 400 as the JSON decoder gives);
 * config keys, 1 MiB total, the keys required by the built-in types and `immutable`.
 */
import { badRequest, type FieldError } from '../../../api/errors.js';
import type { KubeObject } from '../../../api/types.js';
import { invalid, key, required } from '../../../api/validation/field.js';
import { findResource } from '../../resources.js';
import type { Strategy } from '../strategy.js';
import { MAX_CONFIG_BYTES, validateImmutable, validateKeys } from './configmap.js';

interface SecretObj extends KubeObject { data?: Record<string, string>; stringData?: Record<string, string>; type?: string; immutable?: boolean }

/**
 * The byte offset Go's base64.StdEncoding reports for malformed input, or -1 when
 * `s` is valid (length a multiple of 4, padding only at the end).
 */
export function base64ErrorOffset(s: string): number {
  const bad = s.search(/[^A-Za-z0-9+/=]/);
  const pad = s.indexOf('=');
  if (pad >= 0 && !/^=+$/.test(s.slice(pad))) return s.slice(pad).search(/[^=]/) + pad;
  if (pad >= 0 && s.length - pad > 2) return pad;
  if (bad >= 0) return bad;
  if (s.length % 4 !== 0) return s.length - (s.length % 4);
  return -1;
}

/** Required keys of the built-in Secret types. */
const REQUIRED_KEYS: Record<string, string[]> = {
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/dockercfg': ['.dockercfg'],
};

function prepare(obj: KubeObject): void {
  const s = obj as SecretObj;
  s.type ||= 'Opaque';
  for (const [k, v] of Object.entries(s.data ?? {})) {
    if (typeof v !== 'string') throw badRequest(`Secret in version "v1" cannot be handled as a Secret: json: cannot unmarshal ${typeof v} into Go struct field Secret.data of type []uint8`);
    const off = base64ErrorOffset(v);
    if (off >= 0) throw badRequest(`Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte ${off}`);
    void k;
  }
  if (s.stringData) {
    s.data = { ...(s.data ?? {}) };
    for (const [k, v] of Object.entries(s.stringData)) s.data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    delete s.stringData;
  }
}

function validateSecret(obj: KubeObject): FieldError[] {
  const s = obj as SecretObj;
  const errs = validateKeys(s.data, 'data');
  let total = 0;
  for (const v of Object.values(s.data ?? {})) total += Buffer.from(v, 'base64').length;
  if (total > MAX_CONFIG_BYTES) errs.push({ type: 'TooLong', field: 'data', detail: `must have at most ${MAX_CONFIG_BYTES} bytes` });
  for (const k of REQUIRED_KEYS[s.type ?? ''] ?? []) if (!(k in (s.data ?? {}))) errs.push(required(key('data', k)));
  if (s.type === 'kubernetes.io/basic-auth' && !('username' in (s.data ?? {})) && !('password' in (s.data ?? {}))) {
    errs.push(required(key('data', 'username')), required(key('data', 'password')));
  }
  return errs;
}

/** Secret strategy: stringData merge, type defaulting, key/type validation, immutability. */
export const secretStrategy: Strategy = {
  info: findResource('', 'v1', 'secrets')!,
  hasStatus: false,
  prepareForCreate: prepare,
  validate: validateSecret,
  prepareForUpdate: prepare,
  validateUpdate(obj, old) {
    const errs = validateSecret(obj);
    const s = obj as SecretObj;
    const o = old as SecretObj;
    if ((s.type ?? 'Opaque') !== (o.type ?? 'Opaque')) errs.push(invalid('type', s.type, 'field is immutable'));
    return [...errs, ...validateImmutable(s as unknown as Record<string, unknown>, o as unknown as Record<string, unknown>, ['data'])];
  },
  selectableFields: (obj) => ({ type: (obj as SecretObj).type ?? '' }),
};
