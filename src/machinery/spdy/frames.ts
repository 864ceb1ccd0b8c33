/**
 * SPDY/3.1 framing: the frame layouts of the SPDY draft 3.1 spec (the subset that
 * client-go's moby/spdystream speaks), an incremental frame parser, frame encoders,
 * and header-block compression with the SPDY/3 zlib dictionary.
 *
 * Header blocks share one zlib context per direction for the whole connection and are
 * flushed with Z_SYNC_FLUSH after each frame, so compression and decompression must see
 * every header block of the connection, in order.
 */
import zlib from 'node:zlib';

/** Control frame types (SPDY/3 section 2.6). */
export const FrameType = {
  SYN_STREAM: 1,
  SYN_REPLY: 2,
  RST_STREAM: 3,
  SETTINGS: 4,
  PING: 6,
  GOAWAY: 7,
  HEADERS: 8,
  WINDOW_UPDATE: 9,
} as const;

/** FLAG_FIN on data, SYN_STREAM, SYN_REPLY and HEADERS frames. */
export const FLAG_FIN = 0x01;
/** FLAG_UNIDIRECTIONAL on SYN_STREAM. */
export const FLAG_UNIDIRECTIONAL = 0x02;
/** Largest payload a frame can carry (24-bit length). */
export const MAX_FRAME_PAYLOAD = 0xffffff;

/** RST_STREAM status codes used here. */
export const RstStatus = { PROTOCOL_ERROR: 1, INVALID_STREAM: 2, REFUSED_STREAM: 3, CANCEL: 5, INTERNAL_ERROR: 6 } as const;

/** One parsed frame. Header blocks stay compressed (`headerBlock`): decompress them in arrival order. */
export type SpdyFrame =
  | { type: 'data'; streamId: number; fin: boolean; data: Buffer }
  | { type: 'syn_stream'; streamId: number; associatedId: number; priority: number; fin: boolean; unidirectional: boolean; headerBlock: Buffer }
  | { type: 'syn_reply'; streamId: number; fin: boolean; headerBlock: Buffer }
  | { type: 'headers'; streamId: number; fin: boolean; headerBlock: Buffer }
  | { type: 'rst_stream'; streamId: number; status: number }
  | { type: 'settings'; clear: boolean; entries: Array<{ id: number; flags: number; value: number }> }
  | { type: 'ping'; id: number }
  | { type: 'goaway'; lastGoodStreamId: number; status: number }
  | { type: 'window_update'; streamId: number; delta: number }
  | { type: 'unknown'; frameType: number; flags: number; payload: Buffer };

/** A malformed frame stream (the connection must be dropped). */
export class SpdyProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpdyProtocolError';
  }
}

// The SPDY/3 header dictionary: length-prefixed common header names and values, then a
// raw tail of status codes, reason phrases, dates and media types (SPDY/3 section 2.6.10.1).
const DICTIONARY_WORDS = [
  'options', 'head', 'post', 'put', 'delete', 'trace', 'accept', 'accept-charset', 'accept-encoding',
  'accept-language', 'accept-ranges', 'age', 'allow', 'authorization', 'cache-control', 'connection',
  'content-base', 'content-encoding', 'content-language', 'content-length', 'content-location',
  'content-md5', 'content-range', 'content-type', 'date', 'etag', 'expect', 'expires', 'from', 'host',
  'if-match', 'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since', 'last-modified',
  'location', 'max-forwards', 'pragma', 'proxy-authenticate', 'proxy-authorization', 'range', 'referer',
  'retry-after', 'server', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'vary', 'via',
  'warning', 'www-authenticate', 'method', 'get', 'status', '200 OK', 'version', 'HTTP/1.1', 'url',
  'public', 'set-cookie', 'keep-alive', 'origin',
];
const DICTIONARY_TAIL =
  '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505' +
  '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized' +
  '403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable' +
  'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT' +
  'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,' +
  'text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';

function buildDictionary(): Buffer {
  const parts: Buffer[] = [];
  for (const w of DICTIONARY_WORDS) {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(w.length);
    parts.push(len, Buffer.from(w, 'latin1'));
  }
  parts.push(Buffer.from(DICTIONARY_TAIL, 'latin1'));
  return Buffer.concat(parts);
}

/** The SPDY/3 zlib dictionary (1423 bytes). */
export const SPDY_DICTIONARY: Buffer = buildDictionary();

/** Header names and values; names are lower-case, several values of one name are NUL-joined. */
export type SpdyHeaders = Record<string, string>;

/** Serialises a header block (uncompressed): count, then length-prefixed names and values. */
export function encodeHeaderBlock(headers: SpdyHeaders): Buffer {
  const entries = Object.entries(headers);
  const parts: Buffer[] = [u32(entries.length)];
  for (const [k, v] of entries) {
    const name = Buffer.from(k.toLowerCase(), 'utf8');
    const value = Buffer.from(v, 'utf8');
    parts.push(u32(name.length), name, u32(value.length), value);
  }
  return Buffer.concat(parts);
}

/** Parses an uncompressed header block. @throws SpdyProtocolError when truncated. */
export function decodeHeaderBlock(buf: Buffer): SpdyHeaders {
  const out: SpdyHeaders = {};
  if (buf.length < 4) throw new SpdyProtocolError('header block too short');
  const count = buf.readUInt32BE(0);
  let off = 4;
  const take = (): string => {
    if (off + 4 > buf.length) throw new SpdyProtocolError('truncated header block');
    const n = buf.readUInt32BE(off);
    off += 4;
    if (off + n > buf.length) throw new SpdyProtocolError('truncated header block');
    const s = buf.toString('utf8', off, off + n);
    off += n;
    return s;
  };
  for (let i = 0; i < count; i++) {
    const name = take().toLowerCase();
    out[name] = take();
  }
  return out;
}

/** Adler-32 checksum (RFC 1950), as zlib puts in a header's DICTID. */
export function adler32(buf: Buffer): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < buf.length; i += 5552) {
    const end = Math.min(buf.length, i + 5552);
    for (let j = i; j < end; j++) {
      a += buf[j]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * Compresses header blocks for one direction of one connection. Emits a zlib stream
 * that announces the SPDY dictionary (FDICT) and carries each block as deflate *stored*
 * blocks followed by the empty stored block of a sync flush, which every inflater
 * (Go's compress/zlib included) reads with the shared-context rules of SPDY. Header blocks are tiny, so not compressing them
 * costs nothing and keeps this synchronous (frames stay in order).
 */
const SYNC_MARKER = Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]);

/** SPDY/3 header block compression: one zlib stream with the SPDY dictionary per direction, flushed per frame. */
export class HeaderCompressor {
  private started = false;

  /** Returns the encoded block for `headers`. */
  compress(headers: SpdyHeaders): Buffer {
    const raw = encodeHeaderBlock(headers);
    const parts: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      const h = Buffer.alloc(6);
      h[0] = 0x78; // CM=8 (deflate), CINFO=7 (32K window)
      h[1] = 0xf9; // FLEVEL=3, FDICT, FCHECK so that 0x78f9 % 31 == 0
      h.writeUInt32BE(adler32(SPDY_DICTIONARY), 2);
      parts.push(h);
    }
    for (let off = 0; off < raw.length; off += 0xffff) {
      const piece = raw.subarray(off, Math.min(raw.length, off + 0xffff));
      const hdr = Buffer.alloc(5);
      hdr[0] = 0; // BFINAL=0, BTYPE=00 (stored), padding to the byte boundary
      hdr.writeUInt16LE(piece.length, 1);
      hdr.writeUInt16LE(~piece.length & 0xffff, 3);
      parts.push(hdr, piece);
    }
    // An empty stored block, as Z_SYNC_FLUSH writes: it lets an inflater hand out the
    // block's bytes without reading past the frame (Go's flate needs it).
    parts.push(SYNC_MARKER);
    return Buffer.concat(parts);
  }

  /** Nothing to release (kept for symmetry with the decompressor). */
  close(): void {}
}

/**
 * Decompresses header blocks for one direction of one connection (one zlib context,
 * dictionary supplied when the stream asks for it). Calls must not overlap: await each.
 */
export class HeaderDecompressor {
  private readonly z = zlib.createInflate({ dictionary: SPDY_DICTIONARY });
  private failed: Error | undefined;

  constructor() {
    this.z.on('error', (e) => {
      this.failed = e;
    });
  }

  /** Inflates one block and parses it. @throws SpdyProtocolError on bad compression or layout. */
  decompress(block: Buffer): Promise<SpdyHeaders> {
    return new Promise((resolve, reject) => {
      if (this.failed) return reject(new SpdyProtocolError(`header decompression failed: ${this.failed.message}`));
      const chunks: Buffer[] = [];
      const onData = (c: Buffer): void => {
        chunks.push(c);
      };
      const onError = (e: Error): void => {
        this.z.off('data', onData);
        reject(new SpdyProtocolError(`header decompression failed: ${e.message}`));
      };
      this.z.on('data', onData);
      this.z.once('error', onError);
      this.z.write(block);
      this.z.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        this.z.off('data', onData);
        this.z.off('error', onError);
        if (this.failed) return;
        try {
          resolve(decodeHeaderBlock(Buffer.concat(chunks)));
        } catch (err) {
          reject(err);
        }
      });
    });
  }

  /** Releases the zlib context. */
  close(): void {
    this.z.close();
  }
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function control(type: number, flags: number, payload: Buffer): Buffer {
  if (payload.length > MAX_FRAME_PAYLOAD) throw new RangeError('SPDY frame payload too large');
  const h = Buffer.alloc(8);
  h.writeUInt16BE(0x8003, 0);
  h.writeUInt16BE(type, 2);
  h.writeUInt32BE(((flags & 0xff) << 24 | payload.length) >>> 0, 4);
  return Buffer.concat([h, payload]);
}

/** Encodes frames. Header blocks passed in must already be compressed. */
export const encode = {
  data(streamId: number, data: Buffer, fin = false): Buffer {
    if (data.length > MAX_FRAME_PAYLOAD) throw new RangeError('SPDY frame payload too large');
    const h = Buffer.alloc(8);
    h.writeUInt32BE(streamId & 0x7fffffff, 0);
    h.writeUInt32BE(((fin ? FLAG_FIN : 0) << 24 | data.length) >>> 0, 4);
    return data.length ? Buffer.concat([h, data]) : h;
  },
  synStream(streamId: number, headerBlock: Buffer, o: { fin?: boolean; unidirectional?: boolean; associatedId?: number; priority?: number } = {}): Buffer {
    const p = Buffer.alloc(10);
    p.writeUInt32BE(streamId & 0x7fffffff, 0);
    p.writeUInt32BE((o.associatedId ?? 0) & 0x7fffffff, 4);
    p[8] = ((o.priority ?? 0) & 7) << 5;
    p[9] = 0;
    const flags = (o.fin ? FLAG_FIN : 0) | (o.unidirectional ? FLAG_UNIDIRECTIONAL : 0);
    return control(FrameType.SYN_STREAM, flags, Buffer.concat([p, headerBlock]));
  },
  synReply(streamId: number, headerBlock: Buffer, fin = false): Buffer {
    return control(FrameType.SYN_REPLY, fin ? FLAG_FIN : 0, Buffer.concat([u32(streamId & 0x7fffffff), headerBlock]));
  },
  rstStream(streamId: number, status: number): Buffer {
    return control(FrameType.RST_STREAM, 0, Buffer.concat([u32(streamId & 0x7fffffff), u32(status)]));
  },
  ping(id: number): Buffer {
    return control(FrameType.PING, 0, u32(id));
  },
  goaway(lastGoodStreamId: number, status = 0): Buffer {
    return control(FrameType.GOAWAY, 0, Buffer.concat([u32(lastGoodStreamId & 0x7fffffff), u32(status)]));
  },
  windowUpdate(streamId: number, delta: number): Buffer {
    return control(FrameType.WINDOW_UPDATE, 0, Buffer.concat([u32(streamId & 0x7fffffff), u32(delta & 0x7fffffff)]));
  },
};

/**
 * Incremental parser: push bytes in any chunking, get whole frames back.
 * @throws SpdyProtocolError for control frames of another SPDY version or malformed payloads.
 */
export class FrameParser {
  private buf: Buffer = Buffer.alloc(0);

  /** Appends bytes; returns the frames now complete, in order. */
  push(chunk: Buffer): SpdyFrame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: SpdyFrame[] = [];
    let off = 0;
    while (this.buf.length - off >= 8) {
      const len = this.buf.readUInt32BE(off + 4) & 0xffffff;
      if (this.buf.length - off < 8 + len) break;
      out.push(parseFrame(this.buf.subarray(off, off + 8 + len)));
      off += 8 + len;
    }
    this.buf = off === this.buf.length ? Buffer.alloc(0) : Buffer.from(this.buf.subarray(off));
    return out;
  }
}

function parseFrame(f: Buffer): SpdyFrame {
  const flags = f[4]!;
  const payload = f.subarray(8);
  if ((f[0]! & 0x80) === 0) {
    return { type: 'data', streamId: f.readUInt32BE(0) & 0x7fffffff, fin: (flags & FLAG_FIN) !== 0, data: Buffer.from(payload) };
  }
  const version = f.readUInt16BE(0) & 0x7fff;
  if (version !== 3) throw new SpdyProtocolError(`unsupported SPDY version ${version}`);
  const type = f.readUInt16BE(2);
  const need = (n: number): void => {
    if (payload.length < n) throw new SpdyProtocolError(`control frame ${type} too short`);
  };
  const sid = (): number => payload.readUInt32BE(0) & 0x7fffffff;
  const fin = (flags & FLAG_FIN) !== 0;
  switch (type) {
    case FrameType.SYN_STREAM:
      need(10);
      return {
        type: 'syn_stream', streamId: sid(), associatedId: payload.readUInt32BE(4) & 0x7fffffff, priority: payload[8]! >> 5,
        fin, unidirectional: (flags & FLAG_UNIDIRECTIONAL) !== 0, headerBlock: Buffer.from(payload.subarray(10)),
      };
    case FrameType.SYN_REPLY:
      need(4);
      return { type: 'syn_reply', streamId: sid(), fin, headerBlock: Buffer.from(payload.subarray(4)) };
    case FrameType.HEADERS:
      need(4);
      return { type: 'headers', streamId: sid(), fin, headerBlock: Buffer.from(payload.subarray(4)) };
    case FrameType.RST_STREAM:
      need(8);
      return { type: 'rst_stream', streamId: sid(), status: payload.readUInt32BE(4) };
    case FrameType.SETTINGS: {
      need(4);
      const n = payload.readUInt32BE(0);
      need(4 + 8 * n);
      const entries = [];
      for (let i = 0; i < n; i++) {
        const o = 4 + 8 * i;
        entries.push({ flags: payload[o]!, id: payload.readUInt32BE(o) & 0xffffff, value: payload.readUInt32BE(o + 4) });
      }
      return { type: 'settings', clear: (flags & 1) !== 0, entries };
    }
    case FrameType.PING:
      need(4);
      return { type: 'ping', id: payload.readUInt32BE(0) };
    case FrameType.GOAWAY:
      need(4);
      return { type: 'goaway', lastGoodStreamId: sid(), status: payload.length >= 8 ? payload.readUInt32BE(4) : 0 };
    case FrameType.WINDOW_UPDATE:
      need(8);
      return { type: 'window_update', streamId: sid(), delta: payload.readUInt32BE(4) & 0x7fffffff };
    default:
      return { type: 'unknown', frameType: type, flags, payload: Buffer.from(payload) };
  }
}
