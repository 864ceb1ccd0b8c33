/**
 * Splicing an upgraded client connection to containerd's streaming server: the
 * kubelet forwards the upgrade request (SPDY/3.1 or WebSocket, protocol headers kept,
 * repeated `X-Stream-Protocol-Version` lines included) to the single-use URL the CRI
 * returned, relays containerd's answer (101 or error) and then copies bytes both ways.
 * containerd 1.6 speaks SPDY remotecommand v4..v1, SPDY `portforward.k8s.io` and
 * WebSocket v4 and older (not v5).
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { splice, upgradeHeaders, writeRawResponse, writeStatusError } from '../../machinery/upgrade.js';

export { upgradeHeaders };

/** Writes a plain HTTP answer on a raw socket and ends it. */
export const writeRaw = writeRawResponse;

/** Writes a thrown value as a Status answer (500 InternalError unless a StatusError). */
export const writeStatus = writeStatusError;

/**
 * Proxies the client's upgrade to `target` (an `http://127.0.0.1:PORT/...` streaming
 * URL; the client's query string is appended). Resolves once the answer was relayed;
 * after a 101 the two connections stay spliced until either closes.
 * @throws Error when containerd cannot be reached.
 */
export function proxyUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, target: string): Promise<void> {
  const u = new URL(target);
  const query = new URL(req.url ?? '/', 'http://x').search;
  return new Promise((resolve, reject) => {
    const up = http.request({
      host: u.hostname, port: u.port, path: u.pathname + (u.search || query), method: req.method ?? 'POST',
      headers: upgradeHeaders(req.rawHeaders), agent: false,
    });
    up.on('upgrade', (res, upSocket, upHead) => {
      let text = 'HTTP/1.1 101 Switching Protocols\r\n';
      for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) text += `${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`;
      socket.write(text + '\r\n');
      if (upHead.length) socket.write(upHead);
      if (head.length) upSocket.write(head);
      splice(socket, upSocket);
      resolve();
    });
    up.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        writeRaw(socket, res.statusCode ?? 502, String(res.headers['content-type'] ?? 'text/plain'), Buffer.concat(chunks));
        resolve();
      });
    });
    up.on('error', reject);
    up.end();
  });
}


/**
 * Opens a SPDY/3.1 upgrade to a streaming URL with one protocol version.
 * @throws Error with the answer's status and body when it is not a 101.
 */
export function dialSpdy(target: string, protocol: string, timeoutMs = 30_000): Promise<{ socket: Duplex; head: Buffer }> {
  const u = new URL(target);
  return new Promise((resolve, reject) => {
    const up = http.request({
      host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'POST', agent: false,
      headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': protocol },
    });
    const timer = setTimeout(() => up.destroy(new Error(`SPDY upgrade to ${u.host} timed out`)), timeoutMs);
    up.on('upgrade', (_res, socket, head) => {
      clearTimeout(timer);
      (socket as unknown as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
      resolve({ socket, head });
    });
    up.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        reject(new Error(`streaming server answered ${res.statusCode}: ${Buffer.concat(chunks).toString().trim()}`));
      });
    });
    up.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    up.end();
  });
}
