/**
 * pods/exec, pods/attach and pods/portforward: the API server checks the user, the pod
 * and the container, then connects to the kubelet of the pod's node
 * (`/exec|attach/NS/POD/CONTAINER`, `/portForward/NS/POD`, TLS with the kubelet-client
 * certificate) and:
 *
 * - SPDY/3.1 upgrades (kubectl <= 1.29, and every client's fallback) are proxied as they
 *   are: the 101 and the byte stream pass through (UpgradeAwareHandler);
 * - WebSocket exec/attach (`v5.channel.k8s.io` ... `channel.k8s.io`) is translated to a
 *   SPDY `v4.channel.k8s.io` session (StreamTranslatorHandler);
 * - WebSocket port-forward with `SPDY/3.1+portforward.k8s.io` is unwrapped: the binary
 *   messages' bytes are the SPDY session, spliced to a SPDY upgrade at the kubelet;
 * - other WebSocket upgrades (port-forward `v4.channel.k8s.io`) pass through as they are.
 *
 * Failures before the switch are answered as Status JSON with the usual codes; a
 * non-101 answer of the kubelet is relayed as is.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { badRequest, notFoundGeneric, StatusError, unauthorized } from '../../api/errors.js';
import type { Node, Pod } from '../../api/types.js';
import type { Registries } from '../registries.js';
import {
  CHANNEL_PROTOCOLS, negotiateProtocol, parseProtocolHeader, PORT_FORWARD_TUNNEL_PROTOCOL,
} from '../streaming/channels.js';
import { bridgeWebSocket, translateExecSession, type StreamFlags } from '../streaming/exec-translator.js';
import {
  dialUpgrade, noDelay, splice, upgradeHeaders, writeRawResponse, writeStatusError, writeSwitchingProtocols, type UpgradeResult, type UpgradeTarget,
} from '../streaming/upgrade.js';
import { kubeletAddress, type KubeletConnection } from './logs.js';
import { parseRoute } from './route.js';

/** The pod subresources served over upgraded connections. */
export const STREAMING_SUBRESOURCES = new Set(['exec', 'attach', 'portforward']);

/** What the streaming handler needs from the API server. */
export interface PodStreamingDeps {
  registries: Registries;
  kubelet: KubeletConnection;
  log?: (msg: string) => void;
}

const chosenProtocol = new WeakMap<IncomingMessage, string>();
const wss = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  handleProtocols: (_offered, req) => chosenProtocol.get(req) ?? false,
});

/** The error for a streaming subresource reached without an upgrade (what kubectl shows if both transports fail). */
export function upgradeRequired(): StatusError {
  return badRequest('Upgrade request required');
}

interface Target {
  pod: Pod;
  kind: 'exec' | 'attach' | 'portforward';
  /** Path on the kubelet, query included. */
  kubeletPath: string;
  host: string;
  port: number;
}

function flag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === 'true' || v === '1';
}

/** Resolves the default container and checks it exists and runs. @throws StatusError 400. */
function checkContainer(pod: Pod, requested: string): string {
  const name = pod.metadata.name ?? '';
  let container = requested;
  if (!container) {
    if (pod.spec.containers.length !== 1) {
      throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${pod.spec.containers.map((c) => c.name).join(' ')}]`);
    }
    container = pod.spec.containers[0]!.name;
  }
  const all = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  if (!all.some((c) => c.name === container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
  const st = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].find((s) => s.name === container);
  if (!st?.state.running) {
    const waiting = st?.state.waiting?.reason;
    if (waiting) throw badRequest(`container ${container} is not running (${waiting}) in pod ${name}`);
    throw badRequest(`container ${container} is not running in pod ${name}`);
  }
  return container;
}

async function resolveTarget(url: URL, deps: PodStreamingDeps): Promise<Target> {
  const route = parseRoute(url.pathname.replace(/\/+$/, ''));
  if (route.type !== 'resource' || route.group !== '' || route.resource !== 'pods' || !route.name || !route.namespace
    || !route.subresource || !STREAMING_SUBRESOURCES.has(route.subresource)) {
    throw notFoundGeneric();
  }
  const kind = route.subresource as Target['kind'];
  const pod = (await deps.registries.pods.get(route.namespace, route.name)) as Pod;
  const ns = encodeURIComponent(route.namespace);
  const podName = encodeURIComponent(route.name);
  let kubeletPath: string;
  if (kind === 'portforward') {
    if (pod.status?.phase !== 'Running') throw badRequest(`pod ${route.name} is not running (phase ${pod.status?.phase ?? 'Pending'})`);
    kubeletPath = `/portForward/${ns}/${podName}${url.search}`;
  } else {
    const container = checkContainer(pod, url.searchParams.get('container') ?? '');
    kubeletPath = `/${kind}/${ns}/${podName}/${encodeURIComponent(container)}${url.search}`;
  }
  if (!pod.spec.nodeName) throw badRequest(`pod ${route.name} does not have a host assigned`);
  const node = (await deps.registries.nodes.getOrUndefined(undefined, pod.spec.nodeName)) as Node | undefined;
  if (!node) throw badRequest(`node "${pod.spec.nodeName}" not found`);
  return { pod, kind, kubeletPath, ...kubeletAddress(node) };
}

function relayFailure(socket: Duplex, r: Extract<UpgradeResult, { upgraded: false }>): void {
  writeRawResponse(socket, r.status, String(r.headers['content-type'] ?? 'text/plain'), r.body);
}

function accept(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string): Promise<WebSocket> {
  chosenProtocol.set(req, protocol);
  return new Promise((resolve) => wss.handleUpgrade(req, socket, head, (ws) => resolve(ws)));
}

/**
 * Handles one upgrade request addressed to the API server (the https server's `upgrade`
 * event). Never throws: failures are written to `socket` as Status answers.
 */
export async function servePodStreamUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, user: { user: string } | undefined, deps: PodStreamingDeps): Promise<void> {
  socket.on('error', () => socket.destroy());
  noDelay(socket);
  try {
    if (!user) throw unauthorized();
    const url = new URL(req.url ?? '/', 'https://localhost');
    const t = await resolveTarget(url, deps);
    const dial = (method: string, headers: UpgradeTarget['headers']): Promise<UpgradeResult> =>
      dialUpgrade({ host: t.host, port: t.port, path: t.kubeletPath, method, headers, tls: deps.kubelet }).catch((e: unknown) => {
        throw new StatusError(500, 'InternalError', `error dialing backend: ${(e as Error).message}`);
      });
    const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
    const offered = parseProtocolHeader(req.headers['sec-websocket-protocol']);
    const spdyHeaders = (version: string): UpgradeTarget['headers'] => ({ Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': version });

    if (upgrade === 'websocket' && t.kind !== 'portforward') {
      const protocol = negotiateProtocol(offered, CHANNEL_PROTOCOLS);
      if (!protocol) throw badRequest(`unable to upgrade: unsupported protocols ${JSON.stringify(offered)}`);
      const up = await dial('POST', spdyHeaders('v4.channel.k8s.io'));
      if (!up.upgraded) return relayFailure(socket, up);
      const ws = await accept(req, socket, head, protocol);
      const q = url.searchParams;
      const flags: StreamFlags = { stdin: flag(q, 'stdin'), stdout: flag(q, 'stdout'), stderr: flag(q, 'stderr'), tty: flag(q, 'tty') };
      await translateExecSession(ws, protocol, flags, up.socket, up.head);
      return;
    }
    if (upgrade === 'websocket' && offered.includes(PORT_FORWARD_TUNNEL_PROTOCOL)) {
      const up = await dial('POST', spdyHeaders('portforward.k8s.io'));
      if (!up.upgraded) return relayFailure(socket, up);
      const ws = await accept(req, socket, head, PORT_FORWARD_TUNNEL_PROTOCOL);
      await bridgeWebSocket(ws, up.socket, up.head);
      return;
    }
    if (upgrade !== 'websocket' && upgrade !== 'spdy/3.1') throw upgradeRequired();
    // SPDY (and legacy WebSocket port-forward): pass the upgrade through unchanged.
    const up = await dial(req.method ?? 'POST', upgradeHeaders(req));
    if (!up.upgraded) return relayFailure(socket, up);
    writeSwitchingProtocols(socket, up.res);
    if (up.head.length) socket.write(up.head);
    if (head.length) up.socket.write(head);
    splice(socket, up.socket);
  } catch (err) {
    if (!(err instanceof StatusError)) deps.log?.(`apiserver: upgrade ${req.url}: ${err instanceof Error ? err.stack : String(err)}`);
    writeStatusError(socket, err);
  }
}
