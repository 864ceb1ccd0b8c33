/** Writing responses: JSON objects, Status errors, and Table negotiation. */
import type { ServerResponse } from 'node:http';
import { internalError, StatusError } from '../../api/errors.js';

/** Writes `body` as JSON with `code`. */
export function writeJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

/** Writes any thrown value as a Kubernetes Status (500 InternalError when not a StatusError). */
export function writeError(res: ServerResponse, err: unknown): void {
  const se = err instanceof StatusError ? err : internalError(err);
  if (!(err instanceof StatusError)) console.error('apiserver: internal error:', err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  writeJson(res, se.code, se.status);
}

/** Which Table version the Accept header asks for, if any. */
export function wantsTable(accept: string | undefined): 'v1' | 'v1beta1' | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    if (!/as=Table/.test(part) || !/g=meta\.k8s\.io/.test(part)) continue;
    if (/v=v1beta1/.test(part)) return 'v1beta1';
    if (/v=v1(;|$|\s)/.test(part)) return 'v1';
  }
  return undefined;
}
