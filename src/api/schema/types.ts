/**
 * peapod's small schema language for Kubernetes types.
 *
 * One description of every served type drives four things: strict decoding
 * (unknown-field and type checks, mirroring the apiserver's `fieldValidation=Strict`
 * decoder), the OpenAPI v3 documents kubectl reads for `apply`/`explain`, and the
 * protobuf decoder for typed-client request bodies (each field carries the field
 * number of the upstream `generated.proto`).
 *
 * Definitions are named like the upstream OpenAPI names
 * (`io.k8s.api.core.v1.PodSpec`) and referenced by that name.
 */

/** Properties every field kind may carry. */
export interface FieldBase {
  /** Short human description (shown by `kubectl explain`). */
  description?: string;
  /** Protobuf field number in the upstream generated.proto (absent: not on the wire). */
  proto?: number;
  /**
   * The JSON form keeps this value even when it is the zero value (the Go field is a
   * pointer or lacks `omitempty`). Only affects protobuf-to-JSON conversion.
   */
  keepZero?: boolean;
  /** Go type name used in type-error messages, when it differs from the derived one (e.g. `v1.RestartPolicy`). */
  goType?: string;
}

/** A string. `format: 'byte'` means base64 in JSON and raw bytes in protobuf. */
export interface StringField extends FieldBase {
  type: 'string';
  format?: 'byte';
  enum?: readonly string[];
}

/** A whole number; `format` fixes the Go width (int32 or int64). */
export interface IntegerField extends FieldBase {
  type: 'integer';
  format: 'int32' | 'int64';
}

/** A floating-point number (double). */
export interface NumberField extends FieldBase {
  type: 'number';
}

/** true/false. */
export interface BooleanField extends FieldBase {
  type: 'boolean';
}

/** A list. Merge lists carry the strategic-merge-patch key and strategy. */
export interface ArrayField extends FieldBase {
  type: 'array';
  items: Field;
  /** `x-kubernetes-patch-merge-key`, e.g. `name` for containers. */
  mergeKey?: string;
  /** `x-kubernetes-patch-strategy`, e.g. `merge` or `merge,retainKeys`. */
  patchStrategy?: string;
  /** `x-kubernetes-list-type`. */
  listType?: 'atomic' | 'map' | 'set';
  /** `x-kubernetes-list-map-keys` (with listType map). */
  listMapKeys?: readonly string[];
}

/** A string-keyed map (protobuf map entries: 1 key, 2 value). Keys are never checked. */
export interface MapField extends FieldBase {
  type: 'map';
  values: Field;
}

/**
 * An inline object. Without `properties` it is free-form (never checked);
 * `rawJson` marks messages that carry JSON text in field 1 on the wire (FieldsV1).
 */
export interface ObjectField extends FieldBase {
  type: 'object';
  properties?: Record<string, Field>;
  rawJson?: boolean;
}

/** A reference to a named definition. */
export interface RefField extends FieldBase {
  type: 'ref';
  ref: string;
}

/** resource.Quantity: JSON string (or number); protobuf message {1 string}. */
export interface QuantityField extends FieldBase {
  type: 'quantity';
}

/** intstr.IntOrString: JSON int or string; protobuf {1 type, 2 intVal, 3 strVal}. */
export interface IntOrStringField extends FieldBase {
  type: 'intOrString';
}

/** meta/v1 Time (RFC 3339, seconds) or MicroTime (`micro`: six fractional digits); protobuf {1 seconds, 2 nanos}. */
export interface TimeField extends FieldBase {
  type: 'time';
  micro?: boolean;
}

/** Any field. */
export type Field =
  | StringField
  | IntegerField
  | NumberField
  | BooleanField
  | ArrayField
  | MapField
  | ObjectField
  | RefField
  | QuantityField
  | IntOrStringField
  | TimeField;

/** Group, version and kind; `group` is `""` for the core group. */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/**
 * A Go struct embedded inline (`json:",inline"`): its properties appear flat in the
 * parent's JSON, while protobuf carries it as a nested message under `proto`.
 */
export interface Embed {
  proto: number;
  ref: string;
}

/** A named object type. */
export interface Definition {
  description: string;
  properties: Record<string, Field>;
  /** Properties `kubectl explain` marks `-required-`. */
  required?: readonly string[];
  /** Inline-embedded structs (see {@link Embed}). */
  embeds?: readonly Embed[];
  /** Top-level kinds: the GVKs this definition serves as. */
  gvk?: readonly GroupVersionKind[];
}

/** All definitions, by full name. */
export type DefinitionSet = Readonly<Record<string, Definition>>;
