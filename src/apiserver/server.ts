/**
 * The peapod API server: HTTPS with client-certificate (and bearer-token)
 * authentication, discovery, OpenAPI v3, health, version, and the REST resources
 * of the registry. Unauthenticated requests get 401 except health and version.
 */
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { notFoundGeneric, StatusError, unauthorized } from '../api/errors.js';
import type { Store } from '../storage/store.js';
import { realClock, type Clock } from '../machinery/clock.js';
import {
  AGGREGATED_CONTENT_TYPE, aggregatedDiscovery, legacyCoreVersions, legacyGroup, legacyGroupList, legacyResourceList, wantsAggregated,
} from './discovery.js';
import { handleResource } from './http/handlers.js';
import { parseRoute } from './http/route.js';
import { writeError, writeJson } from './http/respond.js';
import { serveOpenApi, serveOpenApiV2 } from './http/openapi.js';
import { servePodLog, type KubeletConnection } from './http/logs.js';
import { servePodStreamUpgrade, STREAMING_SUBRESOURCES, upgradeRequired } from './http/streaming.js';
import { buildRegistries, type Registries } from './registries.js';
import { findResource } from './resources.js';

/** Version reported at /version: minor "32" makes the kubectl dispatcher run kubectl 1.32. */
export const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-peapod',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-11-21T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** Options for the API server. PEM strings for TLS. */
export interface ApiServerOptions {
  store: Store;
  host?: string;
  /** TCP port; 0 picks a free one. */
  port: number;
  tls: { certPem: string; keyPem: string; caPem: string };
  /** Bearer tokens accepted, mapped to user names. */
  tokens?: Map<string, { user: string; groups: string[] }>;
  /** How to reach kubelets for logs/exec (client cert signed by the cluster CA). */
  kubelet: KubeletConnection;
  /** The address pods reach this server at (the node IP): the `kubernetes` service's endpoint. */
  advertiseAddress?: string;
  /** Extra non-Kubernetes endpoints (peapod's node bootstrap), matched by exact method and path. */
  extraRoutes?: ExtraRoute[];
  clock?: Clock;
  log?: (msg: string) => void;
}

/** A running API server. */
export interface ApiServer {
  port: number;
  registries: Registries;
  /** Stops accepting and closes open connections (watches included). */
  close(): Promise<void>;
}

interface User { user: string; groups: string[] }

/** An extra endpoint served before the Kubernetes routes (see platform/bootstrap.ts). */
export interface ExtraRoute {
  method: string;
  path: string;
  /** Served without authentication (otherwise 401 for anonymous requests). */
  public?: boolean;
  handle(req: IncomingMessage, res: ServerResponse, ctx: { user?: User; registries: Registries }): Promise<void>;
}

function authenticate(req: IncomingMessage, tokens?: Map<string, User>): User | undefined {
  const sock = req.socket as TLSSocket;
  if (sock.authorized) {
    const cert = sock.getPeerCertificate();
    const subj = cert?.subject as unknown as Record<string, string | string[]> | undefined;
    if (subj) {
      const cn = subj.CN;
      const o = subj.O;
      return { user: Array.isArray(cn) ? cn[0]! : (cn ?? ''), groups: Array.isArray(o) ? o : o ? [o] : [] };
    }
  }
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ') && tokens) return tokens.get(auth.slice(7).trim());
  return undefined;
}

const PUBLIC_PATHS = new Set(['/livez', '/readyz', '/healthz', '/version']);

/** Starts the API server and resolves once it listens. */
export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const clock = opts.clock ?? realClock;
  const registries = buildRegistries(opts.store);
  await registries.ensureSystemNamespaces(clock.now());
  const server = https.createServer({
    cert: opts.tls.certPem,
    key: opts.tls.keyPem,
    ca: opts.tls.caPem,
    requestCert: true,
    rejectUnauthorized: false,
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('secureConnection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  server.requestTimeout = 0;

  const dispatch = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const user = authenticate(req, opts.tokens);
    const extra = opts.extraRoutes?.find((r) => r.path === path && r.method === req.method);
    if (extra && (user || extra.public)) return extra.handle(req, res, { user, registries });
    if (!user && !PUBLIC_PATHS.has(path)) throw unauthorized();
    if (path === '/version') return writeJson(res, 200, VERSION_INFO);
    if (path === '/livez' || path === '/readyz' || path === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    }
    if (path === '/openapi/v3' || path.startsWith('/openapi/v3/')) return serveOpenApi(path, res);
    if (path === '/openapi/v2') return serveOpenApiV2(req.headers.accept, res);
    const route = parseRoute(path);
    const accept = req.headers.accept;
    switch (route.type) {
      case 'discovery-root': {
        const agg = wantsAggregated(accept);
        if (agg) return writeJson(res, 200, aggregatedDiscovery(route.core, agg), AGGREGATED_CONTENT_TYPE.replace('v=v2', `v=${agg}`));
        return writeJson(res, 200, route.core ? legacyCoreVersions(req.headers.host ?? '127.0.0.1') : legacyGroupList());
      }
      case 'discovery-group': {
        const g = legacyGroup(route.group);
        if (!g) throw notFoundGeneric();
        return writeJson(res, 200, g);
      }
      case 'discovery-gv': {
        const l = legacyResourceList(route.group, route.version);
        if (!l) throw notFoundGeneric();
        return writeJson(res, 200, l);
      }
      case 'resource': {
        let { namespace, resource, name, subresource } = route;
        // /api/v1/namespaces/NAME[/status]: the namespace object itself.
        if (route.group === '' && resource === undefined) throw notFoundGeneric();
        if (route.group === '' && namespace !== undefined && route.resource === 'status' && !name) {
          resource = 'namespaces'; name = namespace; subresource = 'status'; namespace = undefined;
        }
        const info = findResource(route.group, route.version, resource);
        if (!info) throw notFoundGeneric();
        if (!info.namespaced && namespace !== undefined) throw notFoundGeneric();
        const registry = registries.get(info);
        const ctx = { now: clock.now(), user: user!.user };
        if (info.resource === 'pods' && name && subresource === 'log' && req.method === 'GET') {
          return servePodLog({ req, res, url, registry, namespace, name, ctx }, registries, opts.kubelet);
        }
        if (info.resource === 'pods' && name && subresource && STREAMING_SUBRESOURCES.has(subresource)) throw upgradeRequired();
        return handleResource({ req, res, url, registry, namespace, name, subresource, ctx });
      }
      default:
        throw notFoundGeneric();
    }
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    dispatch(req, res).catch((err: unknown) => {
      if (!(err instanceof StatusError)) opts.log?.(`apiserver: ${req.method} ${req.url}: ${err instanceof Error ? err.stack : String(err)}`);
      writeError(res, err);
    });
  });
  // exec/attach/portforward arrive as upgrades (WebSocket or SPDY/3.1).
  server.on('upgrade', (req: IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => {
    void servePodStreamUpgrade(req, socket, head, authenticate(req, opts.tokens), { registries, kubelet: opts.kubelet, log: opts.log });
  });
  // Namespace URLs like /api/v1/namespaces/NAME are parsed as resource "namespaces" with a name by parseRoute.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  await registries.ensureKubernetesService({ port, advertiseAddress: opts.advertiseAddress, now: clock.now() });
  return {
    port,
    registries,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
