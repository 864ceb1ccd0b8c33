/**
 * The kubelet's own HTTP(S) API (the `:10250` role). Serves
 * `GET /containerLogs/{namespace}/{pod}/{container}` with PodLogOptions query
 * parameters, `/healthz`, and (with `streaming`) the upgrade endpoints `/exec`,
 * `/attach` and `/portForward` (see streaming/handler.ts). With `tls`, it requires a
 * client certificate signed by `tls.ca` whose CN is one of `allowedClients` (by default
 * only the API server's `kube-apiserver-kubelet-client`); others get 403. Errors are
 * JSON Status bodies.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { badRequest, forbidden, internalError, notFoundGeneric, StatusError } from '../api/errors.js';
import { parseStreamingPath, serveStreamingUpgrade, type StreamingDeps } from './streaming/handler.js';
import { writeStatus } from './streaming/proxy.js';
import type { ContainerLogsHandler, LogOptions } from './logs.js';
import { parseTimeNs } from './logs.js';

/** Options of startKubeletServer. PEM strings for TLS. */
export interface KubeletServerOptions {
  port: number;
  host?: string;
  tls?: { cert: string; key: string; ca: string };
  logs: ContainerLogsHandler;
  /** exec/attach/portForward through the CRI streaming server; without it those paths are 404. */
  streaming?: StreamingDeps;
  /** Client-certificate CNs allowed to call the API when `tls` is set (default: the API server's kubelet client). */
  allowedClients?: string[];
  /** Clock for sinceSeconds, ms since the epoch (default Date.now). */
  now?: () => number;
}

/** A running kubelet server. */
export interface KubeletServer {
  /** The bound port (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

function boolParam(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === 'true' || v === '1';
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`invalid value for ${name}: ${JSON.stringify(v)}`);
  return Number(v);
}

/** Parses PodLogOptions from a query string. Throws 400 StatusError on bad values. */
export function parseLogOptions(q: URLSearchParams, nowMs: number): LogOptions {
  const o: LogOptions = { follow: boolParam(q, 'follow'), timestamps: boolParam(q, 'timestamps'), previous: boolParam(q, 'previous') };
  const tail = intParam(q, 'tailLines');
  if (tail !== undefined) o.tailLines = tail;
  const limit = intParam(q, 'limitBytes');
  if (limit !== undefined) {
    if (limit < 1) throw badRequest('limitBytes must be a positive integer');
    o.limitBytes = limit;
  }
  const since = intParam(q, 'sinceSeconds');
  if (since !== undefined) {
    if (since < 1) throw badRequest('sinceSeconds must be a positive integer');
    o.sinceNs = BigInt(nowMs - since * 1000) * 1_000_000n;
  }
  const sinceTime = q.get('sinceTime');
  if (sinceTime) {
    const ns = parseTimeNs(sinceTime);
    if (ns === undefined) throw badRequest(`invalid sinceTime: ${JSON.stringify(sinceTime)}`);
    o.sinceNs = ns;
  }
  return o;
}

function sendStatus(res: http.ServerResponse, err: unknown): void {
  const se = err instanceof StatusError ? err : internalError(err);
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(se.code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(se.status));
}

/** The CN every kubelet accepts by default: the API server's kubelet-client certificate. */
export const APISERVER_KUBELET_CLIENT_CN = 'kube-apiserver-kubelet-client';

/**
 * Authorizes a caller by its verified client certificate: its CN must be allowed.
 * @throws StatusError 403 otherwise (401 without a certificate).
 */
export function authorizeClient(o: KubeletServerOptions, req: http.IncomingMessage): void {
  if (!o.tls) return;
  const sock = req.socket as TLSSocket;
  const subject = sock.authorized ? (sock.getPeerCertificate()?.subject as unknown as Record<string, string | string[]> | undefined) : undefined;
  const cnRaw = subject?.['CN'];
  const cn = Array.isArray(cnRaw) ? cnRaw[0] : cnRaw;
  if (!cn) throw new StatusError(401, 'Unauthorized', 'Unauthorized');
  const allowed = o.allowedClients ?? [APISERVER_KUBELET_CLIENT_CN];
  if (!allowed.includes(cn)) throw forbidden(`Forbidden (user=${cn}, verb=get, resource=nodes, subresource=proxy)`);
}

async function handle(o: KubeletServerOptions, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://kubelet');
  authorizeClient(o, req);
  if (o.streaming && parseStreamingPath(url.pathname)) throw badRequest('Upgrade request required');
  if (url.pathname === '/healthz') {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('ok');
    return;
  }
  const m = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)\/?$/.exec(url.pathname);
  if (!m || (req.method !== 'GET' && req.method !== 'HEAD')) throw notFoundGeneric();
  const options = parseLogOptions(url.searchParams, (o.now ?? Date.now)());
  const ac = new AbortController();
  res.on('close', () => ac.abort());
  const sink = {
    write(chunk: string): Promise<void> | void {
      if (!res.headersSent) res.writeHead(200, { 'Content-Type': 'text/plain' });
      if (res.write(chunk)) return;
      return new Promise<void>((resolve) => {
        const done = (): void => { res.off('drain', done); res.off('close', done); resolve(); };
        res.on('drain', done);
        res.on('close', done);
      });
    },
  };
  await o.logs({ namespace: decodeURIComponent(m[1]!), pod: decodeURIComponent(m[2]!), container: decodeURIComponent(m[3]!), options }, sink, ac.signal);
  if (!res.headersSent) res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end();
}

/** Starts the server; resolves once it listens. */
export async function startKubeletServer(o: KubeletServerOptions): Promise<KubeletServer> {
  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    handle(o, req, res).catch((err: unknown) => sendStatus(res, err));
  };
  const server = o.tls
    ? https.createServer({ cert: o.tls.cert, key: o.tls.key, ca: o.tls.ca, requestCert: true, rejectUnauthorized: true }, listener)
    : http.createServer(listener);
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      authorizeClient(o, req);
      if (!o.streaming) throw notFoundGeneric();
    } catch (err) {
      socket.on('error', () => socket.destroy());
      writeStatus(socket, err);
      return;
    }
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    void serveStreamingUpgrade(req, socket, head, o.streaming);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
      for (const s of upgraded) s.destroy();
    }),
  };
}
