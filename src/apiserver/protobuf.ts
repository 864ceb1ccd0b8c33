/**
 * Decoder for `application/vnd.kubernetes.protobuf` request bodies, which client-go's
 * typed clients (kubectl create deployment/namespace/configmap/secret/...) send.
 *
 * Envelope (apimachinery runtime/serializer/protobuf): the magic `k8s\0`, then a
 * runtime.Unknown {1 typeMeta {1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding,
 * 4 contentType}. `raw` is the typed object, decoded here by walking peapod's schemas
 * (each field carries its upstream generated.proto number) into the JSON shape the
 * JSON API uses. Only decoding exists: the server always answers in JSON.
 */
import { badRequest } from '../api/errors.js';
import { getDefinition, schemaForKind } from '../api/schema/registry.js';
import type { Field } from '../api/schema/types.js';

/** The 4-byte prefix of every Kubernetes protobuf message: `k8s\0`. */
export const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** A decoded protobuf request body. */
export interface DecodedProtobuf {
  /** From runtime.Unknown's typeMeta, e.g. `apps/v1`. */
  apiVersion: string;
  /** From runtime.Unknown's typeMeta, e.g. `Deployment`. */
  kind: string;
  /** The object in JSON shape, with `kind` and `apiVersion` set. */
  object: Record<string, unknown>;
}

const WIRE_VARINT = 0;
const WIRE_64 = 1;
const WIRE_LEN = 2;
const WIRE_32 = 5;

class ProtoError extends Error {}

/** Minimal protobuf wire reader over one message's bytes. */
class Reader {
  pos = 0;
  constructor(private readonly buf: Uint8Array) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw new ProtoError('unexpected EOF in varint');
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw new ProtoError('varint overflow');
    }
  }
  bytes(): Uint8Array {
    const n = Number(this.varint());
    if (this.pos + n > this.buf.length) throw new ProtoError('length out of range');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  fixed(n: 4 | 8): Uint8Array {
    if (this.pos + n > this.buf.length) throw new ProtoError('unexpected EOF');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  skip(wire: number): void {
    if (wire === WIRE_VARINT) this.varint();
    else if (wire === WIRE_64) this.fixed(8);
    else if (wire === WIRE_LEN) this.bytes();
    else if (wire === WIRE_32) this.fixed(4);
    else throw new ProtoError(`unsupported wire type ${wire}`);
  }
  /** Iterates `[fieldNumber, wireType]` until the end of the message. */
  *fields(): Generator<[number, number]> {
    while (!this.done) {
      const tag = Number(this.varint());
      yield [tag >>> 3, tag & 7];
    }
  }
}

const utf8 = new TextDecoder('utf-8');

/**
 * Decodes a Kubernetes protobuf request body into its JSON shape.
 * Zero values are dropped unless the Go field is a pointer or lacks `omitempty`
 * (schema `keepZero`); nested messages that are present become objects (`{}` when empty);
 * an empty Time becomes `null`; unknown protobuf fields are skipped.
 * @throws StatusError 400 BadRequest when the magic is missing, the envelope or object is
 *   malformed, or no schema exists for the carried kind.
 */
export function decodeKubernetesProtobuf(body: Buffer): DecodedProtobuf {
  if (body.length < 4 || !body.subarray(0, 4).equals(PROTOBUF_MAGIC)) {
    throw badRequest('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  }
  try {
    const unknown = readUnknown(body.subarray(4));
    const { apiVersion, kind } = unknown;
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    const named = schemaForKind(group, version, kind);
    if (!named) {
      throw badRequest(`no kind ${JSON.stringify(kind)} is registered for version ${JSON.stringify(apiVersion)} in scheme "peapod"`);
    }
    if (unknown.contentEncoding) throw badRequest(`unsupported protobuf content encoding ${JSON.stringify(unknown.contentEncoding)}`);
    const decoded = decodeMessage(named.name, unknown.raw);
    return { apiVersion, kind, object: { kind, apiVersion, ...decoded } };
  } catch (e) {
    if (e instanceof ProtoError) throw badRequest(`unable to decode protobuf body: ${e.message}`);
    throw e;
  }
}

interface UnknownEnvelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

function readUnknown(buf: Uint8Array): UnknownEnvelope {
  const out: UnknownEnvelope = { apiVersion: '', kind: '', raw: new Uint8Array(), contentEncoding: '', contentType: '' };
  const r = new Reader(buf);
  for (const [no, wire] of r.fields()) {
    if (wire !== WIRE_LEN) {
      r.skip(wire);
      continue;
    }
    const b = r.bytes();
    if (no === 1) {
      const tm = new Reader(b);
      for (const [tno, twire] of tm.fields()) {
        if (twire !== WIRE_LEN) tm.skip(twire);
        else if (tno === 1) out.apiVersion = utf8.decode(tm.bytes());
        else if (tno === 2) out.kind = utf8.decode(tm.bytes());
        else tm.skip(twire);
      }
    } else if (no === 2) out.raw = b;
    else if (no === 3) out.contentEncoding = utf8.decode(b);
    else if (no === 4) out.contentType = utf8.decode(b);
  }
  return out;
}

type Slot = { kind: 'field'; name: string; field: Field } | { kind: 'embed'; ref: string };

const slotCache = new Map<string, Map<number, Slot>>();

function slotsFor(defName: string): Map<number, Slot> {
  const hit = slotCache.get(defName);
  if (hit) return hit;
  const def = getDefinition(defName);
  const slots = new Map<number, Slot>();
  for (const e of def.embeds ?? []) slots.set(e.proto, { kind: 'embed', ref: e.ref });
  for (const [name, field] of Object.entries(def.properties)) {
    if (field.proto !== undefined) slots.set(field.proto, { kind: 'field', name, field });
  }
  slotCache.set(defName, slots);
  return slots;
}

/** Decodes one message of definition `defName` into its JSON shape. */
function decodeMessage(defName: string, buf: Uint8Array): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const slots = slotsFor(defName);
  const r = new Reader(buf);
  for (const [no, wire] of r.fields()) {
    const slot = slots.get(no);
    if (!slot) {
      r.skip(wire);
    } else if (slot.kind === 'embed') {
      Object.assign(out, decodeMessage(slot.ref, expectLen(r, wire)));
    } else {
      decodeInto(out, slot.name, slot.field, r, wire);
    }
  }
  return out;
}

function expectLen(r: Reader, wire: number): Uint8Array {
  if (wire !== WIRE_LEN) throw new ProtoError(`expected length-delimited field, got wire type ${wire}`);
  return r.bytes();
}

function decodeInto(out: Record<string, unknown>, name: string, f: Field, r: Reader, wire: number): void {
  if (f.type === 'array') {
    const list = Array.isArray(out[name]) ? (out[name] as unknown[]) : [];
    const packable = f.items.type === 'integer' || f.items.type === 'boolean' || f.items.type === 'number';
    if (packable && wire === WIRE_LEN) {
      const pr = new Reader(r.bytes());
      const itemWire = f.items.type === 'number' ? WIRE_64 : WIRE_VARINT;
      while (!pr.done) list.push(decodeValue(f.items, pr, itemWire));
    } else {
      list.push(decodeValue(f.items, r, wire));
    }
    out[name] = list;
    return;
  }
  if (f.type === 'map') {
    const map = (typeof out[name] === 'object' && out[name] !== null ? out[name] : {}) as Record<string, unknown>;
    const er = new Reader(expectLen(r, wire));
    let key = '';
    let value: unknown = zeroOf(f.values);
    for (const [eno, ewire] of er.fields()) {
      if (eno === 1) key = utf8.decode(expectLen(er, ewire));
      else if (eno === 2) value = decodeValue(f.values, er, ewire);
      else er.skip(ewire);
    }
    map[key] = value;
    out[name] = map;
    return;
  }
  if (f.type === 'object' && !f.rawJson) {
    r.skip(wire);
    return;
  }
  const v = decodeValue(f, r, wire);
  if (!f.keepZero && (v === '' || v === 0 || v === false)) return;
  out[name] = v;
}

/** JSON zero value of a map value type, for entries without a value. */
function zeroOf(f: Field): unknown {
  if (f.type === 'string' || f.type === 'quantity') return '';
  if (f.type === 'integer' || f.type === 'number') return 0;
  if (f.type === 'boolean') return false;
  return {};
}

function decodeValue(f: Field, r: Reader, wire: number): unknown {
  switch (f.type) {
    case 'string': {
      const b = expectLen(r, wire);
      return f.format === 'byte' ? Buffer.from(b).toString('base64') : utf8.decode(b);
    }
    case 'integer': {
      if (wire !== WIRE_VARINT) throw new ProtoError(`expected varint, got wire type ${wire}`);
      const v = r.varint();
      return Number(f.format === 'int32' ? BigInt.asIntN(32, v) : BigInt.asIntN(64, v));
    }
    case 'boolean':
      if (wire !== WIRE_VARINT) throw new ProtoError(`expected varint, got wire type ${wire}`);
      return r.varint() !== 0n;
    case 'number':
      if (wire !== WIRE_64) throw new ProtoError(`expected 64-bit field, got wire type ${wire}`);
      return Buffer.from(r.fixed(8)).readDoubleLE(0);
    case 'ref': return decodeMessage(f.ref, expectLen(r, wire));
    case 'quantity': return decodeQuantity(expectLen(r, wire));
    case 'intOrString': return decodeIntOrString(expectLen(r, wire));
    case 'time': return decodeTime(expectLen(r, wire), f.micro === true);
    case 'object': return decodeRawJson(expectLen(r, wire));
    case 'array':
    case 'map':
      throw new ProtoError('nested repeated fields are not supported');
  }
}

function decodeQuantity(buf: Uint8Array): string {
  const r = new Reader(buf);
  let s = '';
  for (const [no, wire] of r.fields()) {
    if (no === 1) s = utf8.decode(expectLen(r, wire));
    else r.skip(wire);
  }
  return s;
}

function decodeIntOrString(buf: Uint8Array): number | string {
  const r = new Reader(buf);
  let type = 0;
  let intVal = 0;
  let strVal = '';
  for (const [no, wire] of r.fields()) {
    if (no === 1 && wire === WIRE_VARINT) type = Number(r.varint());
    else if (no === 2 && wire === WIRE_VARINT) intVal = Number(BigInt.asIntN(32, r.varint()));
    else if (no === 3) strVal = utf8.decode(expectLen(r, wire));
    else r.skip(wire);
  }
  return type === 1 ? strVal : intVal;
}

/**
 * meta/v1 Time/MicroTime {1 seconds, 2 nanos}: RFC 3339 UTC, `2024-01-01T00:00:00Z`
 * (MicroTime: `2024-01-01T00:00:00.000000Z`). An empty message is the zero time, `null`.
 */
function decodeTime(buf: Uint8Array, micro: boolean): string | null {
  if (buf.length === 0) return null;
  const r = new Reader(buf);
  let seconds = 0n;
  let nanos = 0;
  for (const [no, wire] of r.fields()) {
    if (no === 1 && wire === WIRE_VARINT) seconds = BigInt.asIntN(64, r.varint());
    else if (no === 2 && wire === WIRE_VARINT) nanos = Number(BigInt.asIntN(32, r.varint()));
    else r.skip(wire);
  }
  const base = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  if (!micro) return `${base}Z`;
  return `${base}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
}

/** FieldsV1-style messages: field 1 holds JSON text. */
function decodeRawJson(buf: Uint8Array): unknown {
  const r = new Reader(buf);
  let text = '';
  for (const [no, wire] of r.fields()) {
    if (no === 1) text = utf8.decode(expectLen(r, wire));
    else r.skip(wire);
  }
  if (!text) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ProtoError('invalid JSON in raw field');
  }
}
