/**
 * Per-kind behaviour plugged into the generic registry store (apiserver's
 * `registry/generic` + `rest.RESTCreateStrategy`/`RESTUpdateStrategy`).
 */
import type { FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import type { ResourceInfo } from '../resources.js';

/** Context of one request. */
export interface RequestContext {
  now: Date;
  /** Authenticated user name. */
  user: string;
}

/** Per-kind hooks. Every hook is optional; defaults keep the object as sent. */
export interface Strategy {
  info: ResourceInfo;
  /** True when the kind has a `status` subresource (main updates ignore status). */
  hasStatus: boolean;
  /** Defaults and resets before create (e.g. clear status, set defaults). */
  prepareForCreate?(obj: KubeObject, ctx: RequestContext): void;
  /** Validation on create; field errors become a 422 Invalid. */
  validate?(obj: KubeObject): FieldError[];
  /** Adjusts an update of the main resource (e.g. keep status). */
  prepareForUpdate?(obj: KubeObject, old: KubeObject, ctx: RequestContext): void;
  /** Validation on update. */
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /** Adjusts a status update (e.g. keep spec). */
  prepareForStatusUpdate?(obj: KubeObject, old: KubeObject, ctx: RequestContext): void;
  /** Graceful deletion: the grace period in seconds to apply, or undefined to delete at once. */
  gracePeriod?(obj: KubeObject, requested: number | undefined): number | undefined;
  /** Fields for field selectors beyond metadata.name/namespace. */
  selectableFields?(obj: KubeObject): Record<string, string>;
  /** Whether generation is tracked (bumped on spec changes). */
  tracksGeneration?: boolean;
}
