/** Reading and decoding request bodies: JSON, YAML and Kubernetes protobuf. */
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { badRequest, StatusError, unsupportedMediaType } from '../../api/errors.js';
import { decodeKubernetesProtobuf } from '../protobuf.js';

/** Largest accepted body (bytes), as the apiserver's 3 MiB request limit. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Reads the whole body; 413 when too large. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new StatusError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The media type without parameters, lower-cased. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Decodes a create/update body by content type into a plain object.
 * @throws 400 BadRequest for malformed JSON/YAML (message as the apiserver words it), 415 for unknown types.
 */
export function decodeObject(buf: Buffer, contentType: string | undefined, kindHint: string): unknown {
  const mt = mediaType(contentType) || 'application/json';
  if (mt === 'application/vnd.kubernetes.protobuf') {
    try {
      return decodeKubernetesProtobuf(buf).object;
    } catch (e) {
      throw badRequest(`error decoding protobuf: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (mt === 'application/json' || mt === '*/*') return parseJson(buf, kindHint);
  if (mt === 'application/yaml' || mt === 'application/apply-patch+yaml') return parseYamlBody(buf, kindHint);
  throw unsupportedMediaType(mt);
}

/** Parses JSON with the apiserver's error shape. */
export function parseJson(buf: Buffer, kindHint: string): unknown {
  const text = buf.toString('utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw badRequest(`${kindHint} in version "v1" cannot be handled as a ${kindHint}: ${jsonSyntaxMessage(msg)}`);
  }
}

function jsonSyntaxMessage(msg: string): string {
  const m = /position (\d+)/.exec(msg);
  return m ? `invalid character or unexpected end of JSON input (offset ${m[1]})` : `unexpected end of JSON input`;
}

function parseYamlBody(buf: Buffer, kindHint: string): unknown {
  try {
    return parseYaml(buf.toString('utf8'));
  } catch (e) {
    throw badRequest(`${kindHint} in version "v1" cannot be handled as a ${kindHint}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
