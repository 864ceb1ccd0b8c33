/**
 * JSON Merge Patch (RFC 7386), as `application/merge-patch+json`: objects merge
 * recursively, `null` deletes a key, anything else (arrays included) replaces.
 * Inputs are not mutated.
 */

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The result of applying `patch` to `target` (RFC 7386 MergePatch). */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isObj(target) ? structuredClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}
