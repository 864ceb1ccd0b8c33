/**
 * The embedded registry mirror (what k3s calls its embedded registry): a read-only
 * OCI distribution API over plain HTTP, served from the {@link ImageStore}.
 * containerd is pointed at it through `hosts.toml` (see hosts.ts) and tries it
 * before the real registry, so a loaded image satisfies every pull, even under
 * `imagePullPolicy: Always`; anything not loaded gets a 404 and containerd moves
 * on to the next host (the real registry).
 *
 * Endpoints (distribution spec v1.0 "pull" subset):
 * - `GET /v2/` → 200 `{}`
 * - `HEAD|GET /v2/<name>/manifests/<tag|digest>`
 * - `HEAD|GET /v2/<name>/blobs/<digest>` (honours a single `Range: bytes=a-[b]`)
 *
 * The upstream registry comes from containerd's `?ns=<registry>` query parameter
 * (default `docker.io`). The store is re-read on every request, so images loaded
 * by another process are served at once.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDigest, type ImageStore } from './store.js';

/** Options for {@link startRegistryMirror}. */
export interface RegistryMirrorOptions {
  store: ImageStore;
  /** Listen address; defaults to `127.0.0.1`. */
  host?: string;
  /** TCP port; 0 or undefined picks a free one. */
  port?: number;
  /** Called after every request is answered (for logs and tests). */
  onRequest?: (info: MirrorRequestInfo) => void;
}

/** What the mirror saw and answered. */
export interface MirrorRequestInfo {
  method: string;
  /** URL path without the query. */
  path: string;
  /** The raw request target (path and query). */
  url: string;
  /** Upstream registry from `?ns=`, or `docker.io`. */
  registry: string;
  status: number;
}

/** A running mirror. `url` is `http://host:port` (no trailing slash). */
export interface RegistryMirror {
  url: string;
  port: number;
  /** Stops listening and closes idle connections. */
  close(): Promise<void>;
}

type ErrorCode = 'MANIFEST_UNKNOWN' | 'BLOB_UNKNOWN' | 'NAME_UNKNOWN' | 'NAME_INVALID' | 'DIGEST_INVALID' | 'UNSUPPORTED';

const MESSAGES: Record<ErrorCode, string> = {
  MANIFEST_UNKNOWN: 'manifest unknown',
  BLOB_UNKNOWN: 'blob unknown to registry',
  NAME_UNKNOWN: 'repository name not known to registry',
  NAME_INVALID: 'invalid repository name',
  DIGEST_INVALID: 'provided digest did not match uploaded content',
  UNSUPPORTED: 'The operation is unsupported.',
};

const REPO_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const ROUTE_RE = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/;

function sendError(res: http.ServerResponse, status: number, code: ErrorCode, detail: Record<string, string>): void {
  const body = JSON.stringify({ errors: [{ code, message: MESSAGES[code], detail }] });
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** A parsed `Range: bytes=a-b` header, or undefined when absent/unsupported. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'invalid' | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (m === null) return undefined;
  const [, a = '', b = ''] = m;
  let start: number;
  let end: number;
  if (a === '') {
    if (b === '') return 'invalid';
    start = Math.max(0, size - Number(b));
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  }
  return start > end || start >= size ? 'invalid' : { start, end };
}

async function serveManifest(store: ImageStore, req: http.IncomingMessage, res: http.ServerResponse, registry: string, name: string, ref: string): Promise<void> {
  const desc = await store.resolve(registry, name, ref);
  if (desc === undefined) return sendError(res, 404, 'MANIFEST_UNKNOWN', { name, reference: ref, registry });
  const headers = {
    'Content-Type': desc.mediaType,
    'Docker-Content-Digest': desc.digest,
    'Content-Length': String(desc.size),
    ETag: `"${desc.digest}"`,
  };
  if (req.method === 'HEAD') {
    res.writeHead(200, headers);
    return void res.end();
  }
  const data = await store.readBlob(desc.digest);
  if (data === undefined) return sendError(res, 404, 'MANIFEST_UNKNOWN', { name, reference: ref, registry });
  res.writeHead(200, { ...headers, 'Content-Length': String(data.length) });
  res.end(data);
}

async function serveBlob(store: ImageStore, req: http.IncomingMessage, res: http.ServerResponse, name: string, digest: string): Promise<void> {
  if (!isDigest(digest)) return sendError(res, 400, 'DIGEST_INVALID', { digest });
  const size = await store.blobSize(digest);
  if (size === undefined) return sendError(res, 404, 'BLOB_UNKNOWN', { name, digest });
  const headers: Record<string, string> = {
    'Content-Type': 'application/octet-stream',
    'Docker-Content-Digest': digest,
    'Accept-Ranges': 'bytes',
    ETag: `"${digest}"`,
  };
  const range = parseRange(req.headers.range, size);
  if (range === 'invalid') {
    res.writeHead(416, { 'Content-Range': `bytes */${size}` });
    return void res.end();
  }
  const status = range === undefined ? 200 : 206;
  const start = range?.start ?? 0;
  const end = range?.end ?? size - 1;
  if (range !== undefined) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  headers['Content-Length'] = String(size === 0 ? 0 : end - start + 1);
  res.writeHead(status, headers);
  if (req.method === 'HEAD' || size === 0) return void res.end();
  const blob = await store.openBlob(digest, { start, end });
  if (blob === undefined) return void res.destroy();
  const stream = blob.stream;
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

async function handle(store: ImageStore, req: http.IncomingMessage, res: http.ServerResponse): Promise<{ path: string; url: string; registry: string }> {
  const url = new URL(req.url ?? '/', 'http://mirror');
  const registry = url.searchParams.get('ns') ?? 'docker.io';
  const info = { path: url.pathname, url: req.url ?? '', registry };
  res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendError(res, 405, 'UNSUPPORTED', { method: req.method ?? '' });
    return info;
  }
  if (url.pathname === '/v2/' || url.pathname === '/v2') {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '2' });
    res.end(req.method === 'HEAD' ? undefined : '{}');
    return info;
  }
  const m = ROUTE_RE.exec(url.pathname);
  if (m === null || m[1] === undefined || m[3] === undefined) {
    sendError(res, 404, 'NAME_UNKNOWN', { path: url.pathname });
    return info;
  }
  const name = decodeURIComponent(m[1]);
  const ref = decodeURIComponent(m[3]);
  if (!REPO_RE.test(name)) sendError(res, 400, 'NAME_INVALID', { name });
  else if (m[2] === 'manifests') await serveManifest(store, req, res, registry, name, ref);
  else await serveBlob(store, req, res, name, ref);
  return info;
}

/**
 * Starts the mirror. Resolves once listening; rejects if the port is taken.
 * Never writes to the store.
 */
export async function startRegistryMirror(opts: RegistryMirrorOptions): Promise<RegistryMirror> {
  const host = opts.host ?? '127.0.0.1';
  const server = http.createServer((req, res) => {
    handle(opts.store, req, res).then(
      (info) => opts.onRequest?.({ method: req.method ?? '', ...info, status: res.statusCode }),
      (err: unknown) => {
        if (!res.headersSent) sendError(res, 500, 'UNSUPPORTED', { error: String(err) });
        else res.destroy();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
