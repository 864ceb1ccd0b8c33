/** Applies a PATCH body of any supported content type to the current object. */
import { badRequest, unsupportedMediaType } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from '../patch/index.js';

/**
 * Returns the patched object (the input is not modified).
 * Content types: json-patch+json (RFC 6902), merge-patch+json (RFC 7386),
 * strategic-merge-patch+json (Kubernetes SMP, by the kind's merge keys) and
 * apply-patch+yaml (server-side apply, approximated as a strategic merge).
 * @throws 400 for malformed patches, 415 for other content types.
 */
export function applyPatch(contentType: string, old: KubeObject, patch: unknown, kind: string): KubeObject {
  const base = structuredClone(old);
  let out: unknown;
  switch (contentType) {
    case 'application/json-patch+json':
      out = applyJsonPatch(base, patch);
      break;
    case 'application/merge-patch+json':
      out = applyMergePatch(base, patch);
      break;
    case 'application/strategic-merge-patch+json':
    case 'application/apply-patch+yaml':
      if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw badRequest('the patch must be a JSON object');
      out = applyStrategicMergePatch(base, patch, kind);
      break;
    default:
      throw unsupportedMediaType(contentType);
  }
  if (typeof out !== 'object' || out === null || Array.isArray(out)) throw badRequest('the patched object is not an object');
  const obj = out as KubeObject;
  if (typeof obj.metadata !== 'object' || obj.metadata === null) obj.metadata = {};
  return obj;
}
