/** Serves `/openapi/v3` and one OpenAPI 3.0 document per served group-version (cached). */
import type { ServerResponse } from 'node:http';
import { notFoundGeneric } from '../../api/errors.js';
import { openApiDocument, openApiHash, openApiIndex, openApiPathKey, type JsonObject } from '../openapi.js';
import { RESOURCES, apiVersionOf, groupVersions } from '../resources.js';
import { writeJson } from './respond.js';

let cache: { index: JsonObject; docs: Map<string, JsonObject> } | undefined;

function build(): { index: JsonObject; docs: Map<string, JsonObject> } {
  const docs = new Map<string, JsonObject>();
  const hashes = new Map<string, string>();
  for (const gv of groupVersions()) {
    const name = apiVersionOf(gv);
    const resources = RESOURCES.filter((r) => r.group === gv.group && r.version === gv.version).map((r) => ({
      resource: r.resource, kind: r.kind, namespaced: r.namespaced, subresources: r.subresources.map((s) => s.name),
    }));
    const doc = openApiDocument(name, resources);
    docs.set(`/openapi/v3/${openApiPathKey(name)}`, doc);
    hashes.set(name, openApiHash(doc));
  }
  return { index: openApiIndex(groupVersions().map(apiVersionOf), (gv) => hashes.get(gv)!), docs };
}

/** Answers an `/openapi/v3...` path; 404 Status for unknown group-versions. */
export function serveOpenApi(path: string, res: ServerResponse): void {
  cache ??= build();
  if (path === '/openapi/v3') return writeJson(res, 200, cache.index);
  const doc = cache.docs.get(path);
  if (!doc) throw notFoundGeneric();
  writeJson(res, 200, doc);
}

/** Media type kubectl asks /openapi/v2 for (gnostic's OpenAPI v2 Document in protobuf). */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

function protoString(field: number, s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([Buffer.from([(field << 3) | 2, b.length]), b]);
}

function protoMessage(field: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(field << 3) | 2, body.length]), body]);
}

/**
 * `/openapi/v2`: a Swagger 2.0 document without definitions. peapod describes its
 * types in OpenAPI v3; kubectl only falls back to v2 for client-side validation of
 * kinds absent from v3 (a `kind: List` file), and skips types v2 does not define, so
 * the server's strict field validation stays the one that applies. Protobuf when asked
 * (gnostic Document: 1 swagger, 2 info {1 title, 2 version}, 8 paths, 9 definitions), JSON otherwise.
 */
export function serveOpenApiV2(accept: string | undefined, res: ServerResponse): void {
  if (accept?.includes(OPENAPI_V2_PROTOBUF)) {
    const info = Buffer.concat([protoString(1, 'Kubernetes'), protoString(2, 'v1.32.0')]);
    const doc = Buffer.concat([protoString(1, '2.0'), protoMessage(2, info), protoMessage(8, Buffer.alloc(0)), protoMessage(9, Buffer.alloc(0))]);
    // The answer's media type spells the version with a dot: '@' is not valid in a MIME type.
    res.writeHead(200, { 'Content-Type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf', 'Content-Length': doc.length });
    res.end(doc);
    return;
  }
  writeJson(res, 200, { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths: {}, definitions: {} });
}
