/**
 * HTTP upgrade plumbing for the streaming subresources: dialing an upgrade at the
 * kubelet (TLS with the API server's kubelet-client certificate), relaying a 101
 * answer, writing a Status error on a raw socket, and splicing two byte streams with
 * backpressure. Mirrors apimachinery's UpgradeAwareHandler.
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { internalError, StatusError } from '../../api/errors.js';

/** Where and how to dial. PEM strings for TLS. */
export interface UpgradeTarget {
  host: string;
  port: number;
  path: string;
  method: string;
  /** Header values; arrays become repeated header lines (X-Stream-Protocol-Version). */
  headers: Record<string, string | string[]>;
  tls?: { caPem: string; certPem: string; keyPem: string };
}

/** Result of an upgrade attempt: switched (101) with the raw socket, or a plain HTTP answer. */
export type UpgradeResult =
  | { upgraded: true; res: http.IncomingMessage; socket: Duplex; head: Buffer }
  | { upgraded: false; status: number; headers: http.IncomingHttpHeaders; body: Buffer };

/** Sends the upgrade request and resolves with the outcome. @throws Error when the connection fails. */
export function dialUpgrade(t: UpgradeTarget, timeoutMs = 30_000): Promise<UpgradeResult> {
  return new Promise((resolve, reject) => {
    const base = { host: t.host, port: t.port, path: t.path, method: t.method, headers: t.headers, agent: false as const };
    const req = t.tls
      ? https.request({ ...base, ca: t.tls.caPem, cert: t.tls.certPem, key: t.tls.keyPem, checkServerIdentity: () => undefined })
      : http.request(base);
    const timer = setTimeout(() => req.destroy(new Error(`upgrade to ${t.host}:${t.port} timed out`)), timeoutMs);
    req.on('upgrade', (res, socket, head) => {
      clearTimeout(timer);
      noDelay(socket);
      resolve({ upgraded: true, res, socket, head });
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ upgraded: false, status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end();
  });
}

/** The upgrade-relevant headers of a request, repeated headers kept as arrays. */
export function upgradeHeaders(req: http.IncomingMessage): Record<string, string | string[]> {
  const keep = new Set(['upgrade', 'connection', 'x-stream-protocol-version', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-protocol', 'sec-websocket-extensions']);
  const out: Record<string, string[]> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (!keep.has(name.toLowerCase())) continue;
    (out[name] ??= []).push(raw[i + 1]!);
  }
  return out;
}

/** Writes a 101 answer carrying the upstream's headers onto the client socket. */
export function writeSwitchingProtocols(socket: Duplex, res: http.IncomingMessage): void {
  let text = 'HTTP/1.1 101 Switching Protocols\r\n';
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) text += `${raw[i]}: ${raw[i + 1]}\r\n`;
  socket.write(text + '\r\n');
}

/** Writes a plain HTTP answer on a raw socket, then ends it. */
export function writeRawResponse(socket: Duplex, status: number, contentType: string, body: Buffer | string): void {
  const b = typeof body === 'string' ? Buffer.from(body) : body;
  const reason = http.STATUS_CODES[status] ?? 'Error';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: ${contentType}\r\nContent-Length: ${b.length}\r\nCache-Control: no-cache, private\r\nConnection: close\r\n\r\n` + b.toString('latin1'), 'latin1');
}

/** Writes any thrown value as a Kubernetes Status answer on a raw socket. */
export function writeStatusError(socket: Duplex, err: unknown): void {
  const se = err instanceof StatusError ? err : internalError(err);
  if (socket.destroyed || !socket.writable) return;
  writeRawResponse(socket, se.code, 'application/json', JSON.stringify(se.status));
}

/**
 * Splices two byte streams both ways (pipe with backpressure). An end is passed on as an
 * end (pending bytes are flushed first); an error or abort on either side destroys both.
 */
export function splice(a: Duplex, b: Duplex): void {
  a.pipe(b);
  b.pipe(a);
  const wire = (x: Duplex, y: Duplex): void => {
    x.on('error', () => {
      x.destroy();
      y.destroy();
    });
    x.on('close', () => {
      if (y.destroyed) return;
      y.end();
      setTimeout(() => y.destroy(), 10_000).unref();
    });
  };
  wire(a, b);
  wire(b, a);
  for (const s of [a, b]) {
    noDelay(s);
  }
}

/** Turns Nagle off (and TCP keep-alive on) where the stream is a socket: streams carry interactive traffic. */
export function noDelay(s: Duplex): void {
  const k = s as unknown as { setKeepAlive?: (on: boolean, ms: number) => void; setNoDelay?: (on: boolean) => void };
  k.setKeepAlive?.(true, 30_000);
  k.setNoDelay?.(true);
}
