/** Local TCP port helpers shared by the platform, the node runtime and the tests. */
import { createServer } from 'node:net';

/** Binds `port` on `host` (0 = any free one), reads the bound port and releases it. @throws the bind error (e.g. EADDRINUSE). */
function probe(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(port, host, () => {
      const a = s.address();
      const bound = typeof a === 'object' && a ? a.port : 0;
      s.close(() => (bound ? resolve(bound) : reject(new Error('no port'))));
    });
  });
}

/** A TCP port free on `host` (default 127.0.0.1) right now. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return probe(0, host);
}

/** Resolves `preferred` if it can be bound on `host`, else a free ephemeral port. */
export function portOrFree(preferred: number, host = '0.0.0.0'): Promise<number> {
  return probe(preferred, host).catch(() => probe(0, host));
}
