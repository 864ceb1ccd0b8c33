/**
 * A SPDY/3.1 connection over any byte transport, either end (client streams have odd
 * ids, server streams even ones), as moby/spdystream does it for client-go:
 * SYN_STREAM/SYN_REPLY with zlib-compressed headers, half-close with FIN, RST_STREAM,
 * PING echoed, GOAWAY honoured. Like spdystream it does not enforce flow-control windows
 * (WINDOW_UPDATE frames are accepted and ignored).
 *
 * Feed received bytes with {@link SpdyConnection.receive}; frames go out through the
 * transport's `write`. Received frames are handled strictly in order: frames behind a
 * header block wait for its (asynchronous) decompression; others are handled at once.
 */
import { EventEmitter } from 'node:events';
import {
  encode, FrameParser, HeaderCompressor, HeaderDecompressor, RstStatus, SpdyProtocolError,
  type SpdyFrame, type SpdyHeaders,
} from './frames.js';

/** Where a connection writes its frames. `write` returns false when the transport buffers (backpressure). */
export interface SpdyTransport {
  write(chunk: Buffer): boolean;
  /** Tears the transport down. */
  destroy(): void;
}

/** Data frames are cut at this size (bytes). */
const CHUNK = 64 * 1024;

/**
 * One SPDY stream. Events: `reply` (headers) once the peer answered our SYN_STREAM;
 * `data` (Buffer); `end` when the peer half-closed (FIN) or reset it; `close` when both
 * sides are done.
 */
export class SpdyStream extends EventEmitter {
  /** Set when we sent FIN (or the stream was reset). */
  localClosed = false;
  /** Set when the peer sent FIN (or the stream was reset). */
  remoteClosed = false;
  /** Set when either side reset the stream. */
  reset = false;
  /** Headers of the SYN_REPLY, once received (streams we opened). */
  replyHeaders: SpdyHeaders | undefined;

  constructor(private readonly conn: SpdyConnection, readonly id: number, readonly headers: SpdyHeaders) {
    super();
  }

  /** Sends data (split into frames). Returns false when the transport asks to wait for `drain`. */
  write(data: Buffer): boolean {
    if (this.localClosed) return true;
    let ok = true;
    for (let off = 0; off < data.length; off += CHUNK) {
      ok = this.conn.send(encode.data(this.id, data.subarray(off, Math.min(data.length, off + CHUNK)))) && ok;
    }
    return ok;
  }

  /** Half-closes our side (an empty DATA frame with FIN). Idempotent. */
  end(): void {
    if (this.localClosed) return;
    this.localClosed = true;
    this.conn.send(encode.data(this.id, Buffer.alloc(0), true));
    this.maybeClose();
  }

  /** Answers a peer-opened stream with SYN_REPLY. */
  reply(headers: SpdyHeaders = {}, fin = false): void {
    this.conn.send(encode.synReply(this.id, this.conn.compress(headers), fin));
    if (fin) {
      this.localClosed = true;
      this.maybeClose();
    }
  }

  /** Resets the stream (RST_STREAM CANCEL by default). */
  resetStream(status: number = RstStatus.CANCEL): void {
    if (this.reset) return;
    this.conn.send(encode.rstStream(this.id, status));
    this.onReset();
  }

  /** @internal */
  onData(data: Buffer, fin: boolean): void {
    if (this.remoteClosed) return;
    if (data.length) this.emit('data', data);
    if (fin) this.onRemoteFin();
  }

  /** @internal */
  onRemoteFin(): void {
    if (this.remoteClosed) return;
    this.remoteClosed = true;
    this.emit('end');
    this.maybeClose();
  }

  /** @internal */
  onReset(): void {
    this.reset = true;
    this.localClosed = true;
    this.onRemoteFin();
    this.maybeClose();
  }

  private maybeClose(): void {
    if (this.localClosed && this.remoteClosed) this.conn.forget(this);
  }
}

/**
 * A SPDY/3.1 session. Events: `stream` (SpdyStream) for each peer SYN_STREAM (call
 * `reply`); `goaway`; `error` (SpdyProtocolError); `close` once, after {@link close},
 * a transport end or a protocol error.
 */
export class SpdyConnection extends EventEmitter {
  private readonly parser = new FrameParser();
  private readonly compressor = new HeaderCompressor();
  private readonly decompressor = new HeaderDecompressor();
  private readonly streams = new Map<number, SpdyStream>();
  private nextId: number;
  private nextPingId: number;
  private lastPeerStream = 0;
  private closed = false;
  private readonly queue: SpdyFrame[] = [];
  private draining = false;
  private endAfterDrain = false;

  constructor(private readonly transport: SpdyTransport, readonly isClient: boolean) {
    super();
    this.nextId = isClient ? 1 : 2;
    this.nextPingId = isClient ? 1 : 2;
  }

  /** Opens a stream with the given headers (SYN_STREAM). */
  openStream(headers: SpdyHeaders, fin = false): SpdyStream {
    if (this.closed) throw new Error('SPDY connection closed');
    const id = this.nextId;
    this.nextId += 2;
    const s = new SpdyStream(this, id, headers);
    this.streams.set(id, s);
    this.send(encode.synStream(id, this.compress(headers), { fin }));
    if (fin) s.localClosed = true;
    return s;
  }

  /** Sends a PING with a fresh id of our parity. */
  ping(): void {
    this.send(encode.ping(this.nextPingId));
    this.nextPingId = (this.nextPingId + 2) >>> 0;
  }

  /** Number of streams not yet closed on both sides. */
  get openStreams(): number {
    return this.streams.size;
  }

  /** Feeds bytes received from the transport. Protocol errors close the connection. */
  receive(chunk: Buffer): void {
    if (this.closed) return;
    try {
      this.queue.push(...this.parser.push(chunk));
    } catch (err) {
      this.fail(err);
      return;
    }
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length && !this.closed) {
        const f = this.queue.shift()!;
        const block = 'headerBlock' in f ? f.headerBlock : undefined;
        const headers = block ? await this.decompressor.decompress(block) : {};
        if (!this.closed) this.handle(f, headers);
      }
    } catch (err) {
      this.fail(err);
    } finally {
      this.draining = false;
      if (this.endAfterDrain) this.transportClosed();
    }
  }

  private fail(err: unknown): void {
    if (this.listenerCount('error') > 0) this.emit('error', err instanceof Error ? err : new SpdyProtocolError(String(err)));
    this.close();
  }

  /** Sends GOAWAY, ends every stream from the peer's view and destroys the transport. Idempotent. */
  close(): void {
    if (this.closed) return;
    try {
      this.transport.write(encode.goaway(this.lastPeerStream));
    } catch {
      // transport already gone
    }
    this.teardown();
    this.transport.destroy();
  }

  /**
   * Call when the transport ended or failed: once the frames already received are
   * handled, ends all streams and emits `close`. Idempotent.
   */
  transportClosed(): void {
    if (this.closed) return;
    if (this.draining) {
      this.endAfterDrain = true;
      return;
    }
    this.teardown();
  }

  private teardown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of [...this.streams.values()]) s.onReset();
    this.streams.clear();
    this.compressor.close();
    this.decompressor.close();
    this.emit('close');
  }

  /** @internal */
  send(frame: Buffer): boolean {
    if (this.closed) return true;
    return this.transport.write(frame);
  }

  /** @internal */
  compress(headers: SpdyHeaders): Buffer {
    return this.compressor.compress(headers);
  }

  /** @internal */
  forget(s: SpdyStream): void {
    if (this.streams.get(s.id) === s) {
      this.streams.delete(s.id);
      s.emit('close');
    }
  }

  private handle(f: SpdyFrame, headers: SpdyHeaders): void {
    switch (f.type) {
      case 'data': {
        const s = this.streams.get(f.streamId);
        if (s) s.onData(f.data, f.fin);
        return;
      }
      case 'syn_stream': {
        if ((f.streamId % 2 === 1) === this.isClient || this.streams.has(f.streamId)) {
          this.send(encode.rstStream(f.streamId, RstStatus.PROTOCOL_ERROR));
          return;
        }
        this.lastPeerStream = Math.max(this.lastPeerStream, f.streamId);
        const s = new SpdyStream(this, f.streamId, headers);
        this.streams.set(f.streamId, s);
        if (f.unidirectional) s.localClosed = true;
        this.emit('stream', s);
        if (f.fin) s.onRemoteFin();
        return;
      }
      case 'syn_reply': {
        const s = this.streams.get(f.streamId);
        if (!s) return;
        s.replyHeaders = headers;
        s.emit('reply', headers);
        if (f.fin) s.onRemoteFin();
        return;
      }
      case 'headers': {
        if (f.fin) this.streams.get(f.streamId)?.onRemoteFin();
        return;
      }
      case 'rst_stream':
        this.streams.get(f.streamId)?.onReset();
        return;
      case 'ping':
        // Echo pings the peer started (ids of the peer's parity); ours coming back are replies.
        if ((f.id % 2 === 1) !== this.isClient) this.send(encode.ping(f.id));
        else this.emit('pong', f.id);
        return;
      case 'goaway':
        this.emit('goaway', f.lastGoodStreamId, f.status);
        return;
      default:
        return; // SETTINGS, WINDOW_UPDATE and unknown types need no action.
    }
  }
}
