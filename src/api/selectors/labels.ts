/**
 * Label selectors (k8s.io/apimachinery/pkg/labels): parsing the string form
 * (`app=web,tier!=db`, `env in (a,b)`, `env notin (c)`, `key`, `!key`,
 * `n>1`), converting a structured metav1.LabelSelector, matching label maps,
 * and printing the canonical string. Parse errors are thrown as 400
 * BadRequest StatusErrors worded as Kubernetes words them.
 */
import { badRequest } from '../errors.js';
import { fieldErrorString, type FieldError } from '../errors.js';
import { isQualifiedName, isValidLabelValue } from '../validation/primitives.js';
import { lex, type ScannedItem, type Token } from './lexer.js';

/** Selection operators, as the string form spells them (`exists` and `!` have no value). */
export type Operator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

/** One requirement: values are sorted and de-duplicated. */
export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

function requirementString(r: Requirement): string {
  switch (r.operator) {
    case 'exists': return r.key;
    case '!': return `!${r.key}`;
    case 'in': return `${r.key} in (${r.values.join(',')})`;
    case 'notin': return `${r.key} notin (${r.values.join(',')})`;
    case 'gt': return `${r.key}>${r.values[0] ?? ''}`;
    case 'lt': return `${r.key}<${r.values[0] ?? ''}`;
    default: return `${r.key}${r.operator}${r.values[0] ?? ''}`;
  }
}

function requirementMatches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = labels[r.key];
  switch (r.operator) {
    case 'in': case '=': case '==': return has && r.values.includes(v ?? '');
    case 'notin': case '!=': return !has || !r.values.includes(v ?? '');
    case 'exists': return has;
    case '!': return !has;
    case 'gt': case 'lt': {
      if (!has || !/^-?\d+$/.test(v ?? '') || !/^-?\d+$/.test(r.values[0] ?? '')) return false;
      const a = BigInt(v ?? '0');
      const b = BigInt(r.values[0] ?? '0');
      return r.operator === 'gt' ? a > b : a < b;
    }
  }
}

/** A parsed selector. `nothing` selectors (from a nil LabelSelector) match no object. */
export class LabelSelector {
  constructor(readonly requirements: readonly Requirement[], readonly nothing = false) {}
  /** True when every requirement holds for `labels`. */
  matches(labels: Record<string, string> | undefined): boolean {
    if (this.nothing) return false;
    const l = labels ?? {};
    return this.requirements.every((r) => requirementMatches(r, l));
  }
  /** True when the selector selects everything. */
  empty(): boolean {
    return !this.nothing && this.requirements.length === 0;
  }
  /** Canonical form: requirements sorted by key, joined by `,`. */
  toString(): string {
    return this.requirements.map(requirementString).join(',');
  }
}

function aggregate(errs: FieldError[]): string {
  const parts = errs.map(fieldErrorString);
  return parts.length === 1 ? parts[0]! : `[${parts.join(', ')}]`;
}

/** NewRequirement: validates key, values and arity; throws an Error with Kubernetes' aggregate message. */
export function newRequirement(key: string, operator: Operator, values: string[]): Requirement {
  const errs: FieldError[] = [];
  const keyMsgs = isQualifiedName(key);
  if (keyMsgs.length) errs.push({ type: 'Invalid', field: 'key', value: key, detail: keyMsgs.join('; ') });
  const vals = [...new Set(values)].sort();
  if ((operator === 'in' || operator === 'notin') && vals.length === 0) {
    errs.push({ type: 'Invalid', field: 'values', value: vals, detail: "for 'in', 'notin' operators, values set can't be empty" });
  } else if ((operator === '=' || operator === '==' || operator === '!=') && vals.length !== 1) {
    errs.push({ type: 'Invalid', field: 'values', value: vals, detail: 'exact-match compatibility requires one single value' });
  } else if ((operator === 'exists' || operator === '!') && vals.length !== 0) {
    errs.push({ type: 'Invalid', field: 'values', value: vals, detail: 'values set must be empty for exists and does not exist' });
  } else if (operator === 'gt' || operator === 'lt') {
    if (vals.length !== 1) errs.push({ type: 'Invalid', field: 'values', value: vals, detail: "for 'Gt', 'Lt' operators, exactly one value is required" });
    vals.forEach((v, i) => {
      if (!/^[+-]?\d+$/.test(v)) errs.push({ type: 'Invalid', field: `values[${i}]`, value: v, detail: "for 'Gt', 'Lt' operators, the value must be an integer" });
    });
  }
  vals.forEach((v, i) => {
    const msgs = isValidLabelValue(v);
    if (msgs.length) errs.push({ type: 'Invalid', field: `values[${i}]`, value: v, detail: msgs.join('; ') });
  });
  if (errs.length) throw new Error(aggregate(errs));
  return { key, operator, values: vals };
}

class Parser {
  private pos = 0;
  constructor(private readonly items: ScannedItem[]) {}
  private peek(values: boolean): ScannedItem {
    const it = this.items[this.pos] ?? { tok: 'EndOfString' as Token, literal: '' };
    return values && (it.tok === 'In' || it.tok === 'NotIn') ? { tok: 'Identifier', literal: it.literal } : it;
  }
  private next(values: boolean): ScannedItem {
    const it = this.peek(values);
    this.pos++;
    return it;
  }
  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const { tok, literal } = this.peek(true);
      if (tok === 'EndOfString') return reqs;
      if (tok !== 'Identifier' && tok !== 'DoesNotExist') throw new Error(`found '${literal}', expected: !, identifier, or 'end of string'`);
      try {
        reqs.push(this.requirement());
      } catch (e) {
        throw new Error(`unable to parse requirement: ${(e as Error).message}`);
      }
      const t = this.next(true);
      if (t.tok === 'EndOfString') return reqs;
      if (t.tok !== 'Comma') throw new Error(`found '${t.literal}', expected: ',' or 'end of string'`);
      const t2 = this.peek(true);
      if (t2.tok !== 'Identifier' && t2.tok !== 'DoesNotExist') throw new Error(`found '${t2.literal}', expected: identifier after ','`);
    }
  }
  private requirement(): Requirement {
    let t = this.next(true);
    let op: Operator | undefined;
    if (t.tok === 'DoesNotExist') {
      op = '!';
      t = this.next(true);
    }
    if (t.tok !== 'Identifier') throw new Error(`found '${t.literal}', expected: identifier`);
    const key = t.literal;
    const msgs = isQualifiedName(key);
    if (msgs.length) throw new Error(`key: Invalid value: ${JSON.stringify(key)}: ${msgs.join('; ')}`);
    const la = this.peek(true).tok;
    if (la === 'EndOfString' || la === 'Comma') return newRequirement(key, op ?? 'exists', []);
    if (op === '!') return newRequirement(key, op, []);
    const o = this.next(false);
    const ops: Partial<Record<Token, Operator>> = { In: 'in', NotIn: 'notin', Equals: '=', DoubleEquals: '==', NotEquals: '!=', GreaterThan: 'gt', LessThan: 'lt' };
    const operator = ops[o.tok];
    if (!operator) throw new Error(`found '${o.literal}', expected: in, notin, =, ==, !=, gt, lt`);
    const values = operator === 'in' || operator === 'notin' ? this.setValues() : this.exactValue();
    return newRequirement(key, operator, values);
  }
  private exactValue(): string[] {
    const la = this.peek(true).tok;
    if (la === 'EndOfString' || la === 'Comma') return [''];
    const t = this.next(true);
    if (t.tok === 'Identifier') return [t.literal];
    throw new Error(`found '${t.literal}', expected: identifier`);
  }
  private setValues(): string[] {
    const t = this.next(true);
    if (t.tok !== 'OpenPar') throw new Error(`found '${t.literal}' expected: '('`);
    const la = this.peek(true);
    if (la.tok === 'ClosedPar') {
      this.next(true);
      return [''];
    }
    if (la.tok !== 'Identifier' && la.tok !== 'Comma') throw new Error(`found '${la.literal}', expected: ',', ')' or identifier`);
    const vals = this.identifiers();
    const close = this.next(true);
    if (close.tok !== 'ClosedPar') throw new Error(`found '${close.literal}', expected: ')'`);
    return vals;
  }
  private identifiers(): string[] {
    const s = new Set<string>();
    for (;;) {
      const t = this.next(true);
      if (t.tok === 'Identifier') {
        s.add(t.literal);
        const t2 = this.peek(true);
        if (t2.tok === 'Comma') continue;
        if (t2.tok === 'ClosedPar') return [...s];
        throw new Error(`found '${t2.literal}', expected: ',' or ')'`);
      } else if (t.tok === 'Comma') {
        if (s.size === 0) s.add('');
        const t2 = this.peek(true);
        if (t2.tok === 'ClosedPar') {
          s.add('');
          return [...s];
        }
        if (t2.tok === 'Comma') {
          this.next(true);
          s.add('');
        }
      } else {
        throw new Error(`found '${t.literal}', expected: ',', or identifier`);
      }
    }
  }
}

function sortByKey(reqs: Requirement[]): Requirement[] {
  return [...reqs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Parse the `labelSelector` query string form. Empty or blank selects
 * everything. Throws a 400 BadRequest StatusError with Kubernetes' parser message.
 */
export function parseLabelSelector(s: string): LabelSelector {
  try {
    return new LabelSelector(sortByKey(new Parser(lex(s)).parse()));
  } catch (e) {
    throw badRequest((e as Error).message);
  }
}

/**
 * metav1.LabelSelectorAsSelector: `matchLabels` become `=` requirements,
 * `matchExpressions` In/NotIn/Exists/DoesNotExist. `undefined`/`null` selects
 * nothing; `{}` selects everything. Throws badRequest on invalid content.
 */
export function labelSelectorFromLabelSelector(ls: unknown): LabelSelector {
  if (ls === undefined || ls === null) return new LabelSelector([], true);
  if (typeof ls !== 'object' || Array.isArray(ls)) throw badRequest('invalid label selector');
  const { matchLabels, matchExpressions } = ls as { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
  const reqs: Requirement[] = [];
  try {
    for (const [k, v] of Object.entries(matchLabels ?? {})) reqs.push(newRequirement(k, '=', [String(v)]));
    for (const expr of matchExpressions ?? []) {
      const map: Record<string, Operator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };
      const op = map[expr.operator];
      if (!op) throw new Error(`${JSON.stringify(expr.operator)} is not a valid label selector operator`);
      reqs.push(newRequirement(expr.key, op, expr.values ?? []));
    }
  } catch (e) {
    throw badRequest((e as Error).message);
  }
  return new LabelSelector(sortByKey(reqs));
}

/** metav1.FormatLabelSelector: the canonical string, `emptyValue` (`<none>`) when empty, `<error>` when invalid. */
export function formatLabelSelector(ls: unknown, emptyValue = '<none>'): string {
  try {
    const s = labelSelectorFromLabelSelector(ls).toString();
    return s || emptyValue;
  } catch {
    return '<error>';
  }
}

/** labels.FormatLabels: `k=v` pairs sorted by key, joined by `,`; `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${labels?.[k] ?? ''}`).join(',') : '<none>';
}
