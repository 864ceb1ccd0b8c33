/**
 * SPDY port-forward sessions (`portforward.k8s.io`), served by the kubelet itself so a
 * session lives as long as the client keeps it: the kubelet answers the upgrade, pairs
 * each connection's `error` and `data` streams by `requestid`, and forwards every pair
 * over a SPDY session to containerd's streaming server (opened on first use, reopened
 * whenever containerd drops it, e.g. after its stream idle timeout).
 *
 * A connection containerd cannot make (nothing listens on the port) is logged and the
 * client's data stream is closed, so the local connection ends; the client's error
 * stream is closed empty. kubectl (1.23 through 1.33) tears its whole session down when
 * an error message arrives on an error stream ("lost connection to pod"), so keeping it
 * empty is what keeps the session usable for the next connection.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { SpdyConnection, type SpdyStream } from '../../machinery/spdy/connection.js';
import { RstStatus } from '../../machinery/spdy/frames.js';
import type { RuntimeService } from '../cri/api.js';
import { dialSpdy } from './proxy.js';

/** The SPDY subprotocol of port forwarding. */
export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
/** How long the second stream of a pair may take (client-go's stream creation timeout), ms. */
const PAIR_TIMEOUT_MS = 30_000;

/** What a session needs: the runtime and the pod's ready sandbox. */
export interface PortForwardDeps {
  runtime: RuntimeService;
  sandboxId: string;
  log: (msg: string) => void;
}

/** Whether the request asks for a SPDY upgrade offering `portforward.k8s.io`. */
export function wantsSpdyPortForward(req: IncomingMessage): boolean {
  if (String(req.headers.upgrade ?? '').toLowerCase() !== 'spdy/3.1') return false;
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === 'x-stream-protocol-version' && raw[i + 1]!.split(',').map((s) => s.trim()).includes(PORT_FORWARD_PROTOCOL)) return true;
  }
  return false;
}

interface Upstream { conn: SpdyConnection; socket: Duplex }

/** The SPDY session to containerd, opened lazily and replaced once it closes. */
class UpstreamSession {
  private current: Promise<Upstream> | undefined;
  private closed = false;

  constructor(private readonly deps: PortForwardDeps) {}

  get(): Promise<Upstream> {
    if (this.closed) return Promise.reject(new Error('port-forward session closed'));
    if (!this.current) {
      const p = this.open();
      this.current = p;
      const forget = (): void => {
        if (this.current === p) this.current = undefined;
      };
      p.then((u) => u.conn.on('close', forget), forget);
    }
    return this.current;
  }

  private async open(): Promise<Upstream> {
    const url = await this.deps.runtime.portForward(this.deps.sandboxId, []);
    const { socket, head } = await dialSpdy(url, PORT_FORWARD_PROTOCOL);
    const conn = new SpdyConnection({ write: (b) => socket.write(b), destroy: () => socket.destroy() }, true);
    socket.on('data', (c: Buffer) => conn.receive(c));
    socket.on('close', () => conn.transportClosed());
    socket.on('error', () => socket.destroy());
    conn.on('error', (e: Error) => this.deps.log(`port-forward: upstream: ${e.message}`));
    if (head.length) conn.receive(head);
    if (this.closed) conn.close();
    return { conn, socket };
  }

  close(): void {
    this.closed = true;
    this.current?.then((u) => u.conn.close(), () => undefined);
  }
}

/** Pauses `reader` until `writer` drains when a write reported backpressure. */
function throttle(ok: boolean, reader: Duplex, writer: Duplex): void {
  if (ok || reader.isPaused()) return;
  reader.pause();
  writer.once('drain', () => reader.resume());
}

/**
 * Answers the upgrade with 101 and serves the session on `socket` until the client
 * closes it. Never throws.
 */
export function servePortForwardSession(socket: Duplex, head: Buffer, deps: PortForwardDeps): void {
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${PORT_FORWARD_PROTOCOL}\r\n\r\n`);
  const conn = new SpdyConnection({ write: (b) => socket.write(b), destroy: () => socket.destroy() }, false);
  const upstream = new UpstreamSession(deps);
  const pending = new Map<string, { error?: SpdyStream; data?: SpdyStream; timer?: NodeJS.Timeout }>();

  conn.on('stream', (s: SpdyStream) => {
    s.reply();
    const type = s.headers['streamtype'] as 'error' | 'data' | undefined;
    const port = Number(s.headers['port']);
    if ((type !== 'error' && type !== 'data') || !Number.isInteger(port) || port < 1 || port > 65535) {
      s.resetStream(RstStatus.PROTOCOL_ERROR);
      return;
    }
    const id = s.headers['requestid'] ?? `port-${port}`;
    const p = pending.get(id) ?? {};
    p[type] = s;
    if (p.error && p.data) {
      pending.delete(id);
      clearTimeout(p.timer);
      void forward(p.error, p.data, port, id);
      return;
    }
    p.timer ??= setTimeout(() => {
      pending.delete(id);
      p.error?.resetStream();
      p.data?.resetStream();
    }, PAIR_TIMEOUT_MS);
    pending.set(id, p);
  });
  conn.on('error', (e: Error) => deps.log(`port-forward: ${e.message}`));
  conn.on('close', () => {
    upstream.close();
    for (const p of pending.values()) clearTimeout(p.timer);
    pending.clear();
  });
  socket.on('data', (c: Buffer) => conn.receive(c));
  socket.on('close', () => conn.transportClosed());
  socket.on('error', () => socket.destroy());
  if (head.length) conn.receive(head);

  async function forward(errS: SpdyStream, dataS: SpdyStream, port: number, id: string): Promise<void> {
    // The client may send as soon as its streams are answered: hold its bytes until the upstream is ready.
    const early: Buffer[] = [];
    const hold = (d: Buffer): void => {
      early.push(d);
    };
    dataS.on('data', hold);
    let up: Upstream;
    try {
      up = await upstream.get();
    } catch (err) {
      // No way into the pod at all: report it (the client ends its session, rightly).
      errS.write(Buffer.from(`error forwarding port ${port} to pod: ${(err as Error).message}`));
      errS.end();
      dataS.end();
      return;
    }
    dataS.off('data', hold);
    const uErr = up.conn.openStream({ streamtype: 'error', port: String(port), requestid: id });
    uErr.end();
    const uData = up.conn.openStream({ streamtype: 'data', port: String(port), requestid: id });
    const messages: Buffer[] = [];
    uErr.on('data', (d: Buffer) => messages.push(d));
    uErr.on('end', () => {
      const msg = Buffer.concat(messages).toString('utf8').trim();
      if (msg) {
        deps.log(`port-forward: connection ${id} to port ${port} failed: ${msg}`);
        dataS.end();
        uData.resetStream();
      }
      errS.end();
    });
    for (const d of early) uData.write(d);
    const clientEnd = (): void => (dataS.reset ? uData.resetStream() : uData.end());
    if (dataS.remoteClosed) clientEnd();
    else dataS.on('end', clientEnd);
    dataS.on('data', (d: Buffer) => throttle(uData.write(d), socket, up.socket));
    uData.on('data', (d: Buffer) => throttle(dataS.write(d), up.socket, socket));
    uData.on('end', () => dataS.end());
  }
}
