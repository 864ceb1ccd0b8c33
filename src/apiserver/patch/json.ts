/**
 * JSON Patch (RFC 6902), as `application/json-patch+json`: add, remove,
 * replace, move, copy and test over JSON Pointers (RFC 6901). Any failure is
 * a 400 BadRequest StatusError with an evanphx/json-patch style message.
 * The target is not mutated.
 */
import { badRequest } from '../../api/errors.js';

/** One RFC 6902 operation. */
export interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: unknown;
  from?: string;
}

type Container = Record<string, unknown> | unknown[];

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Split a JSON Pointer into unescaped reference tokens; `` is the whole document. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw badRequest(`invalid JSON pointer: ${JSON.stringify(pointer)}`);
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function equal(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && equal(a[k], b[k]));
  }
  return a === b;
}

function arrayIndex(tok: string, len: number, allowEnd: boolean): number {
  if (allowEnd && tok === '-') return len;
  if (!/^(0|[1-9]\d*)$/.test(tok)) throw badRequest(`Unable to access invalid index: ${tok}: invalid index referenced`);
  const i = Number(tok);
  if (i > len || (!allowEnd && i === len)) throw badRequest(`Unable to access invalid index: ${i}: invalid index referenced`);
  return i;
}

/** The container holding the last token of `tokens`, and that token. */
function parentOf(doc: unknown, tokens: string[], op: string, pointer: string): { parent: Container; key: string } {
  let cur: unknown = doc;
  for (const tok of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(tok, cur.length, false)];
    else if (isObj(cur) && tok in cur) cur = cur[tok];
    else cur = undefined;
    if (cur === undefined || cur === null || typeof cur !== 'object') {
      throw badRequest(`${op} operation does not apply: doc is missing path: ${JSON.stringify(pointer)}: missing value`);
    }
  }
  if (cur === null || typeof cur !== 'object') throw badRequest(`${op} operation does not apply: doc is missing path: ${JSON.stringify(pointer)}: missing value`);
  return { parent: cur as Container, key: tokens[tokens.length - 1] ?? '' };
}

function getAt(doc: unknown, pointer: string, op: string): unknown {
  let cur: unknown = doc;
  for (const tok of parsePointer(pointer)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(tok, cur.length, false)];
    else if (isObj(cur) && tok in cur) cur = cur[tok];
    else throw badRequest(`${op} operation does not apply: doc is missing path: ${JSON.stringify(pointer)}: missing value`);
  }
  return cur;
}

function add(doc: unknown, pointer: string, value: unknown): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return structuredClone(value);
  const { parent, key } = parentOf(doc, tokens, 'add', pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(key, parent.length, true), 0, structuredClone(value));
  else parent[key] = structuredClone(value);
  return doc;
}

function remove(doc: unknown, pointer: string, op = 'remove'): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) throw badRequest(`${op} operation does not apply: cannot remove the document root`);
  const { parent, key } = parentOf(doc, tokens, op, pointer);
  if (Array.isArray(parent)) {
    parent.splice(arrayIndex(key, parent.length, false), 1);
  } else {
    if (!(key in parent)) throw badRequest(`Unable to remove nonexistent key: ${key}: missing value`);
    delete parent[key];
  }
  return doc;
}

function applyOne(doc: unknown, raw: unknown, i: number): unknown {
  if (!isObj(raw)) throw badRequest(`invalid JSON patch operation at index ${i}: not an object`);
  const op = raw.op;
  const path = raw.path;
  if (typeof path !== 'string') throw badRequest(`${String(op)} operation missing path field`);
  const from = typeof raw.from === 'string' ? raw.from : undefined;
  switch (op) {
    case 'add':
      if (!('value' in raw)) throw badRequest('add operation missing value field');
      return add(doc, path, raw.value);
    case 'remove':
      return remove(doc, path);
    case 'replace': {
      if (!('value' in raw)) throw badRequest('replace operation missing value field');
      if (parsePointer(path).length === 0) return structuredClone(raw.value);
      getAt(doc, path, 'replace');
      const { parent, key } = parentOf(doc, parsePointer(path), 'replace', path);
      if (Array.isArray(parent)) parent[arrayIndex(key, parent.length, false)] = structuredClone(raw.value);
      else parent[key] = structuredClone(raw.value);
      return doc;
    }
    case 'move': {
      if (from === undefined) throw badRequest('move operation missing from field');
      const v = getAt(doc, from, 'move');
      if (path.startsWith(`${from}/`)) throw badRequest(`move operation does not apply: cannot move ${from} into its own child`);
      return add(remove(doc, from, 'move'), path, v);
    }
    case 'copy': {
      if (from === undefined) throw badRequest('copy operation missing from field');
      return add(doc, path, getAt(doc, from, 'copy'));
    }
    case 'test': {
      const v = getAt(doc, path, 'test');
      if (!equal(v, raw.value)) throw badRequest(`testing value ${path} failed: test failed`);
      return doc;
    }
    default:
      throw badRequest(`Unexpected kind: ${String(op)}`);
  }
}

/** Apply `ops` (an RFC 6902 array) to a copy of `target`; throws 400 on any failure (no partial result). */
export function applyJsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc: unknown = structuredClone(target);
  ops.forEach((op, i) => {
    doc = applyOne(doc, op, i);
  });
  return doc;
}
