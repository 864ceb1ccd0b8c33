/**
 * Field selectors (k8s.io/apimachinery/pkg/fields): `a=b`, `a==b`, `a!=b`,
 * comma-joined, values with `\,` `\=` `\\` escapes; plus the per-kind
 * selectable fields the apiserver supports (registry GetAttrs / field label
 * conversion). Unsupported fields are a 400 `field label not supported: x`.
 */
import { badRequest } from '../errors.js';
import type { KubeObject } from '../types.js';

/** One field requirement. */
export interface FieldRequirement {
  field: string;
  operator: '=' | '==' | '!=';
  value: string;
}

function escapeValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/=/g, '\\=');
}

/** A parsed field selector; empty selects everything. */
export class FieldSelector {
  constructor(readonly requirements: readonly FieldRequirement[]) {}
  /** True when every requirement holds; a missing field reads as ``. */
  matches(fields: Record<string, string>): boolean {
    return this.requirements.every((r) => {
      const v = fields[r.field] ?? '';
      return r.operator === '!=' ? v !== r.value : v === r.value;
    });
  }
  /** True when the selector has no requirements. */
  empty(): boolean {
    return this.requirements.length === 0;
  }
  /** Canonical form with values escaped. */
  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator}${escapeValue(r.value)}`).join(',');
  }
}

function splitTerms(s: string): string[] {
  const terms: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '\\' && i + 1 < s.length) {
      cur += ch + s[i + 1]!;
      i++;
    } else if (ch === ',') {
      terms.push(cur);
      cur = '';
    } else cur += ch;
  }
  terms.push(cur);
  return terms;
}

function unescape(v: string, selector: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const ch = v[i]!;
    if (ch !== '\\') {
      if (ch === '=' || ch === ',') throw badRequest(`invalid field selector: '${selector}': unescaped ${ch} in value`);
      out += ch;
      continue;
    }
    const next = v[i + 1];
    if (next !== '\\' && next !== ',' && next !== '=') throw badRequest(`invalid field selector: '${selector}': invalid escape sequence`);
    out += next;
    i++;
  }
  return out;
}

/** Parse the `fieldSelector` query string. Throws 400 `invalid selector: '<s>'; can't understand '<term>'`. */
export function parseFieldSelector(s: string): FieldSelector {
  const reqs: FieldRequirement[] = [];
  for (const term of splitTerms(s)) {
    if (term === '') continue;
    let found: FieldRequirement | undefined;
    outer: for (let i = 0; i < term.length; i++) {
      for (const op of ['!=', '==', '='] as const) {
        if (term.startsWith(op, i)) {
          found = { field: term.slice(0, i), operator: op, value: unescape(term.slice(i + op.length), s) };
          break outer;
        }
      }
    }
    if (!found) throw badRequest(`invalid selector: '${s}'; can't understand '${term}'`);
    reqs.push(found);
  }
  return new FieldSelector(reqs);
}

type Getter = (o: Record<string, unknown>) => string;
const path = (...keys: string[]): Getter => (o) => {
  let cur: unknown = o;
  for (const k of keys) cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[k] : undefined;
  return cur === undefined || cur === null ? '' : String(cur);
};
const boolPath = (...keys: string[]): Getter => (o) => (path(...keys)(o) === 'true' ? 'true' : 'false');

const META: Record<string, Getter> = { 'metadata.name': path('metadata', 'name'), 'metadata.namespace': path('metadata', 'namespace') };

const KIND_FIELDS: Record<string, Record<string, Getter>> = {
  pods: {
    'spec.nodeName': path('spec', 'nodeName'), 'spec.restartPolicy': path('spec', 'restartPolicy'),
    'spec.schedulerName': path('spec', 'schedulerName'), 'spec.serviceAccountName': path('spec', 'serviceAccountName'),
    'spec.hostNetwork': boolPath('spec', 'hostNetwork'), 'status.phase': path('status', 'phase'),
    'status.podIP': path('status', 'podIP'), 'status.nominatedNodeName': path('status', 'nominatedNodeName'),
  },
  events: {
    'involvedObject.kind': path('involvedObject', 'kind'), 'involvedObject.namespace': path('involvedObject', 'namespace'),
    'involvedObject.name': path('involvedObject', 'name'), 'involvedObject.uid': path('involvedObject', 'uid'),
    'involvedObject.apiVersion': path('involvedObject', 'apiVersion'), 'involvedObject.resourceVersion': path('involvedObject', 'resourceVersion'),
    'involvedObject.fieldPath': path('involvedObject', 'fieldPath'), reason: path('reason'),
    reportingComponent: path('reportingComponent'), source: path('source', 'component'), type: path('type'),
  },
  nodes: { 'spec.unschedulable': boolPath('spec', 'unschedulable') },
  namespaces: { 'status.phase': path('status', 'phase') },
  secrets: { type: path('type') },
  replicasets: { 'status.replicas': path('status', 'replicas') },
};

const KIND_TO_RESOURCE: Record<string, string> = {
  Pod: 'pods', Event: 'events', Node: 'nodes', Namespace: 'namespaces', Secret: 'secrets', ReplicaSet: 'replicasets',
};

function getters(resource: string): Record<string, Getter> {
  return { ...META, ...(KIND_FIELDS[KIND_TO_RESOURCE[resource] ?? resource] ?? {}) };
}

/** The field labels `resource` (plural, e.g. `pods`, or Kind) supports in field selectors. */
export function supportedFieldLabels(resource: string): string[] {
  return Object.keys(getters(resource));
}

/** Throws 400 `field label not supported: x` for the first unsupported field. */
export function validateFieldSelector(resource: string, sel: FieldSelector): void {
  const g = getters(resource);
  for (const r of sel.requirements) if (!(r.field in g)) throw badRequest(`field label not supported: ${r.field}`);
}

/** The selectable field values of an object (all supported labels; absent fields read as ``). */
export function fieldsForObject(resource: string, obj: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, get] of Object.entries(getters(resource))) out[k] = get(obj as Record<string, unknown>);
  return out;
}

/** True when `obj` satisfies `sel`; throws 400 for unsupported field labels. */
export function matchesFieldSelector(resource: string, obj: KubeObject, sel: FieldSelector): boolean {
  if (sel.empty()) return true;
  validateFieldSelector(resource, sel);
  return sel.matches(fieldsForObject(resource, obj));
}
