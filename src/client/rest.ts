/**
 * The REST client peapod's components use to reach the API server over HTTPS
 * with a client certificate (the same path a remote kubelet takes).
 */
import https from 'node:https';
import http from 'node:http';
import { StatusError } from '../api/errors.js';
import type { DeleteOptions, KubeList, KubeObject, Status, WatchEvent } from '../api/types.js';
import type { ApiClient, ListOptions, PatchType, ResourceRef, WriteOptions } from './types.js';

/** Where and how to connect. PEM strings. */
export interface RestConfig {
  /** e.g. `https://127.0.0.1:6443`. */
  server: string;
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  /** Identifies the component in the User-Agent (e.g. `kubelet`). */
  userAgent?: string;
}

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** Path of a collection: `/api/v1/namespaces/ns/pods` or `/apis/g/v/...`. */
export function collectionPath(ref: ResourceRef): string {
  const base = ref.group ? `/apis/${ref.group}/${ref.version}` : `/api/${ref.version}`;
  const ns = ref.namespace ? `/namespaces/${encodeURIComponent(ref.namespace)}` : '';
  return `${base}${ns}/${ref.resource}`;
}

function query(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

function toStatusError(code: number, body: string): StatusError {
  try {
    const st = JSON.parse(body) as Partial<Status>;
    if (st.kind === 'Status') return new StatusError(st.code ?? code, st.reason ?? '', st.message ?? body, st.details);
  } catch {
    /* not JSON */
  }
  return new StatusError(code, '', body || `HTTP ${code}`);
}

/** An ApiClient over HTTP(S). */
export class RestClient implements ApiClient {
  private readonly agent: http.Agent;
  private readonly url: URL;

  constructor(private readonly cfg: RestConfig) {
    this.url = new URL(cfg.server);
    this.agent = this.url.protocol === 'https:'
      ? new https.Agent({ keepAlive: true, ca: cfg.caPem, cert: cfg.certPem, key: cfg.keyPem, maxSockets: 64 })
      : new http.Agent({ keepAlive: true, maxSockets: 64 });
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.agent.destroy();
  }

  /** Sends one request and returns the status code and body text. */
  request(method: string, path: string, body?: unknown, contentType = 'application/json', signal?: AbortSignal): Promise<{ code: number; body: string }> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const mod = this.url.protocol === 'https:' ? https : http;
      const req = mod.request(
        {
          hostname: this.url.hostname,
          port: this.url.port,
          method,
          path,
          agent: this.agent,
          signal,
          headers: {
            Accept: 'application/json',
            'User-Agent': this.cfg.userAgent ?? 'peapod',
            ...(payload !== undefined ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ code: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  private async call<T>(method: string, path: string, body?: unknown, contentType?: string, signal?: AbortSignal): Promise<T> {
    const res = await this.request(method, path, body, contentType, signal);
    if (res.code < 200 || res.code >= 300) throw toStatusError(res.code, res.body);
    return (res.body ? JSON.parse(res.body) : {}) as T;
  }

  get<T extends KubeObject>(ref: ResourceRef, name: string, signal?: AbortSignal): Promise<T> {
    return this.call<T>('GET', `${collectionPath(ref)}/${encodeURIComponent(name)}`, undefined, undefined, signal);
  }

  list<T extends KubeObject>(ref: ResourceRef, opts: ListOptions = {}, signal?: AbortSignal): Promise<KubeList<T>> {
    const q = query({ labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector, resourceVersion: opts.resourceVersion, limit: opts.limit, continue: opts.continue });
    return this.call<KubeList<T>>('GET', `${collectionPath(ref)}${q}`, undefined, undefined, signal);
  }

  create<T extends KubeObject>(ref: ResourceRef, obj: KubeObject, opts: WriteOptions = {}, signal?: AbortSignal): Promise<T> {
    const q = query({ fieldManager: opts.fieldManager, dryRun: opts.dryRun ? 'All' : undefined });
    return this.call<T>('POST', `${collectionPath(ref)}${q}`, obj, 'application/json', signal);
  }

  update<T extends KubeObject>(ref: ResourceRef, obj: KubeObject, opts: WriteOptions = {}, signal?: AbortSignal): Promise<T> {
    const sub = opts.subresource ? `/${opts.subresource}` : '';
    const q = query({ fieldManager: opts.fieldManager, dryRun: opts.dryRun ? 'All' : undefined });
    const name = encodeURIComponent(obj.metadata.name ?? '');
    return this.call<T>('PUT', `${collectionPath(ref)}/${name}${sub}${q}`, obj, 'application/json', signal);
  }

  patch<T extends KubeObject>(ref: ResourceRef, name: string, type: PatchType, patch: unknown, opts: WriteOptions = {}, signal?: AbortSignal): Promise<T> {
    const sub = opts.subresource ? `/${opts.subresource}` : '';
    const q = query({ fieldManager: opts.fieldManager, dryRun: opts.dryRun ? 'All' : undefined });
    return this.call<T>('PATCH', `${collectionPath(ref)}/${encodeURIComponent(name)}${sub}${q}`, patch, PATCH_CONTENT_TYPES[type], signal);
  }

  createSubresource(ref: ResourceRef, name: string, subresource: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
    return this.call<unknown>('POST', `${collectionPath(ref)}/${encodeURIComponent(name)}/${subresource}`, body, 'application/json', signal);
  }

  delete(ref: ResourceRef, name: string, opts: DeleteOptions = {}, signal?: AbortSignal): Promise<unknown> {
    return this.call<unknown>('DELETE', `${collectionPath(ref)}/${encodeURIComponent(name)}`, opts, 'application/json', signal);
  }

  async *watch<T extends KubeObject>(ref: ResourceRef, opts: ListOptions, signal: AbortSignal): AsyncIterable<WatchEvent<T>> {
    const q = query({
      watch: 'true',
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      resourceVersion: opts.resourceVersion,
      timeoutSeconds: opts.timeoutSeconds,
      allowWatchBookmarks: opts.allowWatchBookmarks ? 'true' : undefined,
    });
    const mod = this.url.protocol === 'https:' ? https : http;
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = mod.request(
        {
          hostname: this.url.hostname,
          port: this.url.port,
          method: 'GET',
          path: `${collectionPath(ref)}${q}`,
          agent: this.agent,
          signal,
          headers: { Accept: 'application/json', 'User-Agent': this.cfg.userAgent ?? 'peapod' },
        },
        resolve,
      );
      req.on('error', reject);
      req.end();
    });
    if ((res.statusCode ?? 0) !== 200) {
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      throw toStatusError(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'));
    }
    let buf = '';
    try {
      for await (const chunk of res) {
        buf += (chunk as Buffer).toString('utf8');
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) yield JSON.parse(line) as WatchEvent<T>;
        }
      }
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    }
  }
}
