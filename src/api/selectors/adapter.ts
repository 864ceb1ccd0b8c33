/**
 * One predicate from the `labelSelector` and `fieldSelector` query strings,
 * as the apiserver's list/watch filtering applies them.
 */
import { badRequest } from '../errors.js';
import type { KubeObject } from '../types.js';
import { fieldsForObject, parseFieldSelector, supportedFieldLabels } from './fields.js';
import { parseLabelSelector } from './labels.js';

/**
 * Compile both selectors for `resource` (plural, e.g. `pods`). `extraFields`
 * adds selectable fields beyond the built-in per-kind set. Throws a 400
 * StatusError for malformed selectors or unsupported field labels, before any
 * object is examined. Empty/absent selectors select everything.
 */
export function compileFilter(
  resource: string,
  labelSelector: string | undefined,
  fieldSelector: string | undefined,
  extraFields?: (obj: KubeObject) => Record<string, string>,
): (obj: KubeObject) => boolean {
  const ls = parseLabelSelector(labelSelector ?? '');
  const fs = parseFieldSelector(fieldSelector ?? '');
  if (!fs.empty()) {
    const supported = new Set(supportedFieldLabels(resource));
    const probe = extraFields ? Object.keys(extraFields({ metadata: {} })) : [];
    for (const k of probe) supported.add(k);
    for (const r of fs.requirements) if (!supported.has(r.field)) throw badRequest(`field label not supported: ${r.field}`);
  }
  return (obj) => {
    if (!ls.empty() && !ls.matches(obj.metadata?.labels)) return false;
    if (fs.empty()) return true;
    const fields = { ...fieldsForObject(resource, obj), ...(extraFields ? extraFields(obj) : {}) };
    return fs.matches(fields);
  };
}
