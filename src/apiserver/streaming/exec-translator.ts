/**
 * The API server's stream translator (Kubernetes' StreamTranslatorHandler, 1.30+): a
 * client speaking a WebSocket channel protocol (v5 from kubectl 1.30+, v4 and older
 * accepted) on one side, a SPDY/3.1 remotecommand `v4.channel.k8s.io` session towards
 * the kubelet (which splices it to containerd's streaming server) on the other.
 *
 * Channel 0 goes to the stdin stream; `ff 00` (v5 close) half-closes it with FIN, so the
 * process sees EOF; channel 4 goes to the resize stream; stdout/stderr come back on 1/2;
 * the runtime's Status (exit code) is sent on channel 3, then the WebSocket is closed
 * with 1000. Backpressure is kept both ways.
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { Channel, channelMessage, decodeClientMessage, errorChannelPayload } from './channels.js';
import { SpdyConnection, type SpdyStream } from '../../machinery/spdy/connection.js';

/** Which streams the session has (the exec/attach query flags). With a tty there is no stderr. */
export interface StreamFlags {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** Stop reading the upstream when this many bytes wait in the WebSocket. */
const HIGH_WATER = 4 * 1024 * 1024;

/**
 * Sends WebSocket messages and pauses `source` while too much is buffered; resumes once
 * the socket drained. Returns the send function.
 */
export function wsSenderWithBackpressure(ws: WebSocket, source: Duplex): (msg: Buffer, done?: () => void) => void {
  let paused = false;
  const afterSend = (): void => {
    if (paused && ws.bufferedAmount < HIGH_WATER / 4) {
      paused = false;
      source.resume();
    }
  };
  return (msg, done) => {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(msg, { binary: true }, () => {
      afterSend();
      done?.();
    });
    if (!paused && ws.bufferedAmount > HIGH_WATER) {
      paused = true;
      source.pause();
    }
  };
}

/** Stops reading the WebSocket until `upstream` drained (once, however many writes failed). */
function pauseUntilDrain(ws: WebSocket, upstream: Duplex): void {
  if (ws.isPaused) return;
  ws.pause();
  upstream.once('drain', () => ws.resume());
}

/**
 * Runs one exec/attach session between `ws` (already upgraded with `protocol`) and the
 * SPDY-upgraded `upstream` socket (`head`: bytes that came with the 101). Resolves when
 * the session is over and both sides are closed.
 */
export function translateExecSession(ws: WebSocket, protocol: string, flags: StreamFlags, upstream: Duplex, head: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const conn = new SpdyConnection({ write: (b) => upstream.write(b), destroy: () => upstream.destroy() }, true);
    const send = wsSenderWithBackpressure(ws, upstream);
    const errorChunks: Buffer[] = [];
    let finished = false;

    const open = (type: string): SpdyStream => conn.openStream({ streamtype: type });
    const errorStream = open('error');
    const stdin = flags.stdin ? open('stdin') : undefined;
    const outputs: SpdyStream[] = [];
    if (flags.stdout) outputs.push(open('stdout'));
    if (flags.stderr && !flags.tty) outputs.push(open('stderr'));
    const resize = flags.tty ? open('resize') : undefined;
    for (const s of outputs) {
      const ch = s.headers['streamtype'] === 'stdout' ? Channel.STDOUT : Channel.STDERR;
      s.on('data', (d: Buffer) => send(channelMessage(ch, d)));
      s.on('end', () => maybeFinish());
    }
    errorStream.on('data', (d: Buffer) => errorChunks.push(d));
    errorStream.on('end', () => maybeFinish());

    function maybeFinish(): void {
      if (errorStream.remoteClosed && outputs.every((s) => s.remoteClosed)) finish();
    }
    function finish(): void {
      if (finished) return;
      finished = true;
      const payload = errorChannelPayload(protocol, Buffer.concat(errorChunks));
      const close = (): void => {
        if (ws.readyState === ws.OPEN) ws.close(1000);
        conn.close();
      };
      if (payload) send(channelMessage(Channel.ERROR, payload), close);
      else close();
    }

    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      if (!isBinary) {
        ws.close(1003, 'unexpected message type');
        return;
      }
      const msg = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      const a = decodeClientMessage(protocol, msg);
      if (a.kind === 'stdin' && stdin) {
        if (!stdin.write(a.data)) pauseUntilDrain(ws, upstream);
      } else if (a.kind === 'resize') {
        resize?.write(a.data);
      } else if (a.kind === 'close' && a.channel === Channel.STDIN) {
        stdin?.end();
      }
    });
    ws.on('close', () => {
      finished = true;
      conn.close();
      resolve();
    });
    ws.on('error', () => ws.terminate());
    upstream.on('data', (c: Buffer) => conn.receive(c));
    upstream.on('error', () => conn.transportClosed());
    upstream.on('close', () => {
      conn.transportClosed();
      finish();
    });
    conn.on('error', () => finish());
    if (head.length) conn.receive(head);
  });
}

/**
 * Bridges a WebSocket whose binary messages carry a raw byte stream (the
 * `SPDY/3.1+portforward.k8s.io` tunnel) to `upstream`, both ways, with backpressure.
 * Resolves when either side closed (the other is closed too).
 */
export function bridgeWebSocket(ws: WebSocket, upstream: Duplex, head: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const send = wsSenderWithBackpressure(ws, upstream);
    if (head.length) send(head);
    upstream.on('data', (c: Buffer) => send(c));
    const closeBoth = (): void => {
      if (ws.readyState === ws.OPEN) ws.close(1000);
      upstream.destroy();
      resolve();
    };
    upstream.on('close', closeBoth);
    upstream.on('error', closeBoth);
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      const msg = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      if (msg.length && !upstream.write(msg)) pauseUntilDrain(ws, upstream);
    });
    ws.on('close', closeBoth);
    ws.on('error', () => ws.terminate());
  });
}
