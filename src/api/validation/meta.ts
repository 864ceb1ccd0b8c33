/** ObjectMeta validation entry points (see objectmeta.ts); name functions from primitives.ts. */
export { validateObjectMeta, validateObjectMetaUpdate, validateLabels, validateAnnotations } from './objectmeta.js';
export { nameIsDNSSubdomain, nameIsDNSLabel, type ValidateNameFunc } from './primitives.js';
