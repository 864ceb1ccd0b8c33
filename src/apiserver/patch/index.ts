/** PATCH bodies: JSON merge patch, JSON patch, strategic merge patch. */
export { applyMergePatch } from './merge.js';
export { applyJsonPatch, parsePointer, type JsonPatchOp } from './json.js';
export { applyStrategicMergePatch } from './strategic.js';
export { strategicMergeInfo, type SmpField, type SmpType } from './smpschema.js';
