/**
 * HTTP upgrade plumbing for the streaming subresources: dialing an upgrade at the
 * kubelet (TLS with the API server's kubelet-client certificate), relaying a 101
 * answer, writing a Status error on a raw socket, and splicing two byte streams with
 * backpressure. Mirrors apimachinery's UpgradeAwareHandler.
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import {
  noDelay, splice, upgradeHeaders as rawUpgradeHeaders, writeRawResponse, writeStatusError, writeSwitchingProtocols,
} from '../../machinery/upgrade.js';

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
  return rawUpgradeHeaders(req.rawHeaders);
}

export { noDelay, splice, writeRawResponse, writeStatusError, writeSwitchingProtocols };
