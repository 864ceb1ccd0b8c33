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
