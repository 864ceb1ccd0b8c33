/**
 * Turns labelSelector/fieldSelector query strings into one object predicate,
 * using the selector parsers in src/api/selectors.
 */
import type { KubeObject } from '../../api/types.js';
import { compileFilter } from '../../api/selectors/adapter.js';

/** A predicate over stored objects. */
export type ObjectFilter = (obj: KubeObject) => boolean;

/**
 * Builds the predicate; throws a 400 StatusError for malformed selectors or
 * unsupported field labels (Kubernetes' wording).
 */
export function makeFilter(
  resource: string,
  labelSelector: string | undefined,
  fieldSelector: string | undefined,
  extraFields?: (obj: KubeObject) => Record<string, string>,
): ObjectFilter {
  return compileFilter(resource, labelSelector, fieldSelector, extraFields);
}
