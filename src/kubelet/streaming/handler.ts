/**
 * The kubelet's streaming endpoints (pkg/kubelet/server): `/exec/NS/POD/CONTAINER`,
 * `/attach/NS/POD/CONTAINER` and `/portForward/NS/POD`, reached only as upgrades.
 * Resolves the running container (or the ready sandbox), asks the CRI for a streaming
 * URL (Exec/Attach/PortForward) and splices the client to containerd's streaming server.
 * Query parameters: `command` (repeated), `stdin`, `stdout`, `stderr`, `tty` for exec;
 * the same flags for attach; optional `port` (repeated) for port-forward.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { badRequest, notFoundGeneric, StatusError } from '../../api/errors.js';
import type { Pod } from '../../api/types.js';
import type { RuntimeService } from '../cri/api.js';
import { LABEL_POD_UID } from '../runtime-state.js';
import { servePortForwardSession, wantsSpdyPortForward } from './portforward.js';
import { proxyUpgrade, writeStatus } from './proxy.js';

/** What the streaming endpoints need from the kubelet. */
export interface StreamingDeps {
  /** The pod as the kubelet knows it (its informer), undefined when unknown. */
  getPod(namespace: string, name: string): Pod | undefined;
  runtime: RuntimeService;
  log?: (msg: string) => void;
}

/** A parsed streaming path. */
export type StreamingPath =
  | { kind: 'exec' | 'attach'; namespace: string; pod: string; container: string }
  | { kind: 'portForward'; namespace: string; pod: string };

/** Parses a kubelet streaming path; undefined for any other path. */
export function parseStreamingPath(pathname: string): StreamingPath | undefined {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const [kind, namespace, pod, container, ...rest] = parts;
  if (rest.length || !namespace || !pod) return undefined;
  if ((kind === 'exec' || kind === 'attach') && container) return { kind, namespace, pod, container };
  if ((kind === 'portForward' || kind === 'portforward') && !container) return { kind: 'portForward', namespace, pod };
  return undefined;
}

function flag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === 'true' || v === '1';
}

/** The CRI id of the running container `name` of `pod`. @throws StatusError 404 like the kubelet's `container not found`. */
export function runningContainerID(pod: Pod, name: string): string {
  const st = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].find((s) => s.name === name);
  if (!st?.state.running || !st.containerID) throw new StatusError(404, 'NotFound', `container not found ("${name}")`);
  return st.containerID.replace(/^[a-z]+:\/\//, '');
}

function getPod(p: StreamingPath, deps: StreamingDeps): Pod {
  const pod = deps.getPod(p.namespace, p.pod);
  if (!pod) throw new StatusError(404, 'NotFound', `pod "${p.pod}" does not exist`);
  return pod;
}

/** The id of the pod's ready sandbox. @throws StatusError 404 when there is none. */
async function readySandbox(pod: Pod, runtime: RuntimeService): Promise<string> {
  const sandboxes = await runtime.listPodSandbox({ labelSelector: { [LABEL_POD_UID]: pod.metadata.uid ?? '' }, state: { state: 'SANDBOX_READY' } });
  const sb = sandboxes.sort((a, b) => b.createdAt - a.createdAt)[0];
  if (!sb) throw new StatusError(404, 'NotFound', `pod "${pod.metadata.name}" has no running sandbox`);
  return sb.id;
}

async function streamingURL(p: StreamingPath, q: URLSearchParams, deps: StreamingDeps): Promise<string> {
  const pod = getPod(p, deps);
  if (p.kind === 'portForward') {
    const ports = q.getAll('port').map(Number).filter((n) => Number.isInteger(n) && n > 0 && n < 65536);
    return deps.runtime.portForward(await readySandbox(pod, deps.runtime), ports);
  }
  const containerId = runningContainerID(pod, p.container);
  const tty = flag(q, 'tty');
  // The CRI refuses tty together with stderr; with a tty stderr is merged into stdout.
  const base = { containerId, stdin: flag(q, 'stdin'), stdout: flag(q, 'stdout'), stderr: flag(q, 'stderr') && !tty, tty };
  if (p.kind === 'attach') return deps.runtime.attach(base);
  const cmd = q.getAll('command');
  if (cmd.length === 0) throw badRequest('you must specify at least one command for the container');
  return deps.runtime.exec({ ...base, cmd });
}

/**
 * Serves one upgrade request on the kubelet API (after authentication). Never throws:
 * errors are answered as Status JSON on the socket.
 */
export async function serveStreamingUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, deps: StreamingDeps): Promise<void> {
  socket.on('error', () => socket.destroy());
  (socket as unknown as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  try {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const p = parseStreamingPath(url.pathname);
    if (!p) throw notFoundGeneric();
    if (p.kind === 'portForward' && wantsSpdyPortForward(req)) {
      const sandboxId = await readySandbox(getPod(p, deps), deps.runtime);
      servePortForwardSession(socket, head, { runtime: deps.runtime, sandboxId, log: deps.log ?? (() => undefined) });
      return;
    }
    const target = await streamingURL(p, url.searchParams, deps);
    await proxyUpgrade(req, socket, head, target);
  } catch (err) {
    if (!(err instanceof StatusError)) deps.log?.(`kubelet: upgrade ${req.url}: ${err instanceof Error ? err.message : String(err)}`);
    writeStatus(socket, err instanceof StatusError ? err : new StatusError(500, 'InternalError', err instanceof Error ? err.message : String(err)));
  }
}
