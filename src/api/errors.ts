/**
 * The one API error type and its catalogue of reasons, mirroring
 * k8s.io/apimachinery/pkg/api/errors: each constructor produces the same
 * `reason`, HTTP `code`, `message` wording and `details` as the real apiserver.
 */
import type { Status, StatusCause, StatusDetails } from './types.js';

/** Identifies a resource in messages: `pods`, or `deployments` with group `apps`. */
export interface GroupResource {
  group: string;
  resource: string;
}

/** An API failure carried as a Kubernetes `Status`. Throw it anywhere; the HTTP layer serialises it. */
export class StatusError extends Error {
  readonly status: Status;
  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'StatusError';
    this.status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason: reason || undefined,
      details,
      code,
    };
    if (!reason) delete this.status.reason;
    if (!details) delete this.status.details;
  }
  /** HTTP status code. */
  get code(): number {
    return this.status.code;
  }
  /** Kubernetes reason, e.g. `NotFound`. */
  get reason(): string {
    return this.status.reason ?? '';
  }
}

/** `pods` or `deployments.apps`. */
export function qualifiedResource(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

/** 404 `pods "x" not found`. */
export function notFound(gr: GroupResource, name: string): StatusError {
  return new StatusError(404, 'NotFound', `${qualifiedResource(gr)} "${name}" not found`, {
    name,
    group: gr.group || undefined,
    kind: gr.resource,
  });
}

/** 404 for unknown paths: `the server could not find the requested resource`. */
export function notFoundGeneric(): StatusError {
  return new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
}

/** 409 `pods "x" already exists`. */
export function alreadyExists(gr: GroupResource, name: string): StatusError {
  return new StatusError(409, 'AlreadyExists', `${qualifiedResource(gr)} "${name}" already exists`, {
    name,
    group: gr.group || undefined,
    kind: gr.resource,
  });
}

/** 409 `Operation cannot be fulfilled on pods "x": <why>`. */
export function conflict(gr: GroupResource, name: string, why: string): StatusError {
  return new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${why}`,
    { name, group: gr.group || undefined, kind: gr.resource },
  );
}

/** The standard optimistic-concurrency conflict message. */
export const CONFLICT_MODIFIED = 'the object has been modified; please apply your changes to the latest version and try again';

/** One field error, as produced by validation (k8s.io/apimachinery/pkg/util/validation/field). */
export interface FieldError {
  /** `Invalid`, `Required`, `Duplicate`, `Forbidden`, `NotSupported`, `TooLong`, `NotFound`. */
  type: 'Invalid' | 'Required' | 'Duplicate' | 'Forbidden' | 'NotSupported' | 'TooLong' | 'NotFound' | 'TypeInvalid';
  /** Field path, e.g. `spec.containers[0].image`. */
  field: string;
  /** Offending value (printed for Invalid/Duplicate/NotSupported). */
  value?: unknown;
  /** Human detail, e.g. `Required value` is implied by type; this is the extra text. */
  detail?: string;
}

const FIELD_ERROR_TEXT: Record<FieldError['type'], string> = {
  Invalid: 'Invalid value',
  Required: 'Required value',
  Duplicate: 'Duplicate value',
  Forbidden: 'Forbidden',
  NotSupported: 'Unsupported value',
  TooLong: 'Too long',
  NotFound: 'Not found',
  TypeInvalid: 'Invalid value',
};

const FIELD_ERROR_REASON: Record<FieldError['type'], string> = {
  Invalid: 'FieldValueInvalid',
  Required: 'FieldValueRequired',
  Duplicate: 'FieldValueDuplicate',
  Forbidden: 'FieldValueForbidden',
  NotSupported: 'FieldValueNotSupported',
  TooLong: 'FieldValueTooLong',
  NotFound: 'FieldValueNotFound',
  TypeInvalid: 'FieldValueTypeInvalid',
};

function goValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** `Invalid value: "Foo": a lowercase RFC 1123 ...` — the error text without the field path. */
export function fieldErrorBody(e: FieldError): string {
  const head = FIELD_ERROR_TEXT[e.type];
  const showValue = e.type === 'Invalid' || e.type === 'Duplicate' || e.type === 'NotSupported' || e.type === 'TypeInvalid' || e.type === 'NotFound';
  let s = head;
  if (showValue) s += `: ${goValue(e.value)}`;
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

/** `spec.containers[0].image: Required value`. */
export function fieldErrorString(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

/**
 * 422 Invalid: `Pod "x" is invalid: <field>: <text>` (several errors joined as `[a, b]`).
 * `kind` is the Kind, qualified with the group for named groups (`Deployment.apps`).
 */
export function invalid(kind: string, group: string, name: string, errs: FieldError[]): StatusError {
  const parts = errs.map(fieldErrorString);
  const agg = parts.length === 1 ? parts[0]! : `[${parts.join(', ')}]`;
  const qkind = group ? `${kind}.${group}` : kind;
  const causes: StatusCause[] = errs.map((e) => ({
    reason: FIELD_ERROR_REASON[e.type],
    message: fieldErrorBody(e),
    field: e.field,
  }));
  return new StatusError(422, 'Invalid', `${qkind} "${name}" is invalid: ${agg}`, {
    name,
    group: group || undefined,
    kind: qkind,
    causes,
  });
}

/** 400 BadRequest with a free message. */
export function badRequest(message: string): StatusError {
  return new StatusError(400, 'BadRequest', message);
}

/** 403 Forbidden with a free message. */
export function forbidden(message: string, details?: StatusDetails): StatusError {
  return new StatusError(403, 'Forbidden', message, details);
}

/** 401 Unauthorized. */
export function unauthorized(): StatusError {
  return new StatusError(401, 'Unauthorized', 'Unauthorized');
}

/** 405 MethodNotAllowed. */
export function methodNotSupported(gr: GroupResource, action: string): StatusError {
  return new StatusError(405, 'MethodNotAllowed', `${action} is not supported on resources of kind "${qualifiedResource(gr)}"`, {
    group: gr.group || undefined,
    kind: gr.resource,
  });
}

/** 415 UnsupportedMediaType. */
export function unsupportedMediaType(contentType: string): StatusError {
  return new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got ${contentType})`);
}

/** 410 Expired: watch from a compacted revision. */
export function expired(message: string): StatusError {
  return new StatusError(410, 'Expired', message);
}

/** 500 InternalError. */
export function internalError(err: unknown): StatusError {
  const msg = err instanceof Error ? err.message : String(err);
  return new StatusError(500, 'InternalError', `Internal error occurred: ${msg}`, { causes: [{ message: msg }] });
}

/** 504 Timeout. */
export function serverTimeout(message: string): StatusError {
  return new StatusError(504, 'Timeout', message);
}

/** True when `e` is a StatusError with the given reason. */
export function isReason(e: unknown, reason: string): boolean {
  return e instanceof StatusError && e.reason === reason;
}
