/** Validation for core kinds, with Kubernetes' field paths and messages. */
export { validatePod, validatePodSpec, validateTolerations, validateVolumes } from './pod.js';
export { validatePodUpdate, POD_UPDATE_FORBIDDEN_PREFIX, UPDATABLE_POD_SPEC_FIELDS } from './podupdate.js';
export { validateObjectMeta, validateObjectMetaUpdate, validateLabels, validateAnnotations } from './objectmeta.js';
export { validateNamespace, validateNode, validateEvent, validateLease } from './others.js';
export * from './primitives.js';
export { specDiff, semanticEqual } from './specdiff.js';
