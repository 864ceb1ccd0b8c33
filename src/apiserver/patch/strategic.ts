/**
 * Strategic merge patch (`application/strategic-merge-patch+json`), as
 * k8s.io/apimachinery/pkg/util/strategicpatch applies it on the server:
 * maps merge recursively and `null` deletes; lists with strategy `merge`
 * merge element-wise by their merge key (or as a set of primitives); other
 * lists are replaced. Directives: `$patch: replace|delete|merge`,
 * `$setElementOrder/<list>`, `$retainKeys`, `$deleteFromPrimitiveList/<list>`.
 * Errors are 400 BadRequest StatusErrors. Inputs are not mutated.
 */
import { badRequest } from '../../api/errors.js';
import { strategicMergeInfo, type SmpField, type SmpType } from './smpschema.js';

type Obj = Record<string, unknown>;

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ELEMENT_ORDER = '$setElementOrder/';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList/';

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isDirectiveKey(k: string): boolean {
  return k === DIRECTIVE || k === RETAIN_KEYS || k.startsWith(SET_ELEMENT_ORDER) || k.startsWith(DELETE_FROM_PRIMITIVE_LIST);
}

function applyRetainKeys(result: Obj, patch: Obj): void {
  const keys = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(keys)) throw badRequest('invalid patch format for retainKeys');
  const keep = new Set(keys.map(String));
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || isDirectiveKey(k)) continue;
    if (!keep.has(k)) throw badRequest('invalid patch format for retainKeys');
  }
  for (const k of Object.keys(result)) if (!keep.has(k)) delete result[k];
}

function mergeMap(original: Obj, patchIn: Obj, type: SmpType | undefined): Obj {
  const patch: Obj = { ...patchIn };
  const directive = patch[DIRECTIVE];
  if (directive !== undefined) {
    delete patch[DIRECTIVE];
    if (directive === 'replace') return mergeMap({}, patch, type);
    if (directive === 'delete') return {};
    if (directive !== 'merge') throw badRequest(`unknown patch type: ${String(directive)} in map: ${JSON.stringify(patchIn)}`);
  }
  const result: Obj = structuredClone(original);
  if (RETAIN_KEYS in patch) applyRetainKeys(result, patch);
  for (const [k, v] of Object.entries(patch)) {
    if (!k.startsWith(DELETE_FROM_PRIMITIVE_LIST)) continue;
    const base = k.slice(DELETE_FROM_PRIMITIVE_LIST.length);
    const drop = Array.isArray(v) ? v : [];
    const cur = result[base];
    if (Array.isArray(cur)) result[base] = cur.filter((x) => !drop.some((d) => d === x));
  }
  for (const [k, v] of Object.entries(patch)) {
    if (isDirectiveKey(k)) continue;
    if (v === null) {
      delete result[k];
      continue;
    }
    const order = patch[SET_ELEMENT_ORDER + k];
    result[k] = mergeValue(result[k], v, type?.fields[k], Array.isArray(order) ? order : undefined);
  }
  for (const [k, order] of Object.entries(patch)) {
    if (!k.startsWith(SET_ELEMENT_ORDER)) continue;
    const base = k.slice(SET_ELEMENT_ORDER.length);
    const cur = result[base];
    if (base in patch || !Array.isArray(cur) || !Array.isArray(order)) continue;
    result[base] = normalizeOrder(cur, order, cur, type?.fields[base]?.mergeKey);
  }
  return result;
}

function mergeValue(original: unknown, patch: unknown, field: SmpField | undefined, order: unknown[] | undefined): unknown {
  if (isObj(patch)) return mergeMap(isObj(original) ? original : {}, patch, field?.type);
  if (Array.isArray(patch)) {
    if (!field?.strategy?.includes('merge')) return replaceList(patch, field);
    return mergeList(Array.isArray(original) ? original : [], patch, field, order);
  }
  return structuredClone(patch);
}

/** A replaced list keeps its elements, minus `$patch` marker elements, with nested directives applied. */
function replaceList(patch: unknown[], field: SmpField | undefined): unknown[] {
  return patch.filter((el) => !(isObj(el) && DIRECTIVE in el && Object.keys(el).length === 1))
    .map((el) => (isObj(el) ? mergeMap({}, el, field?.type) : structuredClone(el)));
}

function keyOf(el: unknown, mergeKey: string | undefined): unknown {
  return mergeKey && isObj(el) ? el[mergeKey] : el;
}

function mergeList(original: unknown[], patch: unknown[], field: SmpField, order: unknown[] | undefined): unknown[] {
  const mergeKey = field.mergeKey;
  let replace = false;
  const deletes: unknown[] = [];
  const items: unknown[] = [];
  for (const el of patch) {
    if (isObj(el) && DIRECTIVE in el) {
      const d = el[DIRECTIVE];
      if (d === 'replace') replace = true;
      else if (d === 'delete') {
        if (!mergeKey || !(mergeKey in el)) throw badRequest(`map: ${JSON.stringify(el)} does not contain declared merge key: ${mergeKey ?? ''}`);
        deletes.push(el[mergeKey]);
      } else if (d === 'merge') throw badRequest('merging lists cannot yet be specified in the patch');
      else throw badRequest(`unknown patch type: ${String(d)} in map: ${JSON.stringify(el)}`);
      continue;
    }
    items.push(el);
  }
  if (replace) return replaceList(items, field);
  let result = original.filter((o) => !deletes.some((d) => d === keyOf(o, mergeKey))).map((o) => structuredClone(o));
  for (const el of items) {
    if (!mergeKey || !isObj(el)) {
      if (!result.some((x) => x === el)) result.push(structuredClone(el));
      continue;
    }
    if (!(mergeKey in el)) throw badRequest(`map: ${JSON.stringify(el)} does not contain declared merge key: ${mergeKey}`);
    const i = result.findIndex((o) => isObj(o) && o[mergeKey] === el[mergeKey]);
    if (i >= 0) result[i] = mergeMap(result[i] as Obj, el, field.type);
    else result.push(mergeMap({}, el, field.type));
  }
  if (order) result = normalizeOrder(result, order, original, mergeKey);
  return result;
}

/**
 * `$setElementOrder`: elements named in `order` come in that order; elements
 * only the server had keep their place relative to the original list
 * (strategicpatch normalizeElementOrder + mergeSortedSlice).
 */
function normalizeOrder(merged: unknown[], order: unknown[], server: unknown[], mergeKey: string | undefined): unknown[] {
  const orderKeys = order.map((o) => keyOf(o, mergeKey));
  const serverKeys = server.map((o) => keyOf(o, mergeKey));
  const pos = (keys: unknown[], el: unknown) => keys.findIndex((k) => k === keyOf(el, mergeKey));
  const patched = merged.filter((el) => pos(orderKeys, el) >= 0).sort((a, b) => pos(orderKeys, a) - pos(orderKeys, b));
  const serverOnly = merged.filter((el) => pos(orderKeys, el) < 0).sort((a, b) => pos(serverKeys, a) - pos(serverKeys, b));
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < patched.length) {
    if (i >= serverOnly.length) out.push(patched[j++]);
    else if (j >= patched.length) out.push(serverOnly[i++]);
    else {
      const li = pos(serverKeys, serverOnly[i]);
      const ri = pos(serverKeys, patched[j]);
      if (li >= 0 && ri >= 0 && li < ri) out.push(serverOnly[i++]);
      else out.push(patched[j++]);
    }
  }
  return out;
}

/**
 * Apply a strategic merge patch. `schema` is an {@link SmpType} or a kind
 * name looked up with {@link strategicMergeInfo}. Throws 400 BadRequest when
 * the patch is not an object or uses a directive wrongly.
 */
export function applyStrategicMergePatch(original: unknown, patch: unknown, schema: SmpType | string): Obj {
  if (!isObj(patch)) throw badRequest('strategic merge patch must be a JSON object');
  const type = typeof schema === 'string' ? strategicMergeInfo(schema) : schema;
  return mergeMap(isObj(original) ? original : {}, patch, type);
}
