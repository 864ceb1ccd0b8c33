/**
 * Raw-socket plumbing for HTTP upgrades (exec/attach/port-forward), shared by the
 * API server and the kubelet: the upgrade-relevant headers of a request, plain and
 * 101 answers written on a raw socket, Status errors, and splicing two byte streams
 * with backpressure (apimachinery's UpgradeAwareHandler does the same).
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { internalError, StatusError } from '../api/errors.js';

const UPGRADE_HEADERS = new Set(['upgrade', 'connection', 'x-stream-protocol-version', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-protocol', 'sec-websocket-extensions']);

/** The upgrade-relevant headers among `rawHeaders` (name, value, ...); repeated ones stay separate lines. */
export function upgradeHeaders(rawHeaders: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (UPGRADE_HEADERS.has(name.toLowerCase())) (out[name] ??= []).push(rawHeaders[i + 1]!);
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

/** Writes a plain HTTP answer on a raw socket, then ends it (no-op on a closed socket). */
export function writeRawResponse(socket: Duplex, status: number, contentType: string, body: Buffer | string): void {
  if (socket.destroyed || !socket.writable) return;
  const b = typeof body === 'string' ? Buffer.from(body) : body;
  const reason = http.STATUS_CODES[status] ?? 'Error';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: ${contentType}\r\nContent-Length: ${b.length}\r\nCache-Control: no-cache, private\r\nConnection: close\r\n\r\n` + b.toString('latin1'), 'latin1');
}

/** Writes any thrown value as a Kubernetes Status answer on a raw socket (500 InternalError unless a StatusError). */
export function writeStatusError(socket: Duplex, err: unknown): void {
  const se = err instanceof StatusError ? err : internalError(err);
  writeRawResponse(socket, se.code, 'application/json', JSON.stringify(se.status));
}

/** Turns Nagle off (and TCP keep-alive on) where the stream is a socket: streams carry interactive traffic. */
export function noDelay(s: Duplex): void {
  const k = s as unknown as { setKeepAlive?: (on: boolean, ms: number) => void; setNoDelay?: (on: boolean) => void };
  k.setKeepAlive?.(true, 30_000);
  k.setNoDelay?.(true);
}

/**
 * Splices two byte streams both ways (pipe with backpressure). An end is passed on as an
 * end (pending bytes are flushed first); an error on either side destroys both.
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
  noDelay(a);
  noDelay(b);
}
