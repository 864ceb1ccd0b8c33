import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import {
  adler32, decodeHeaderBlock, encode, encodeHeaderBlock, FrameParser, HeaderCompressor, HeaderDecompressor, SPDY_DICTIONARY, type SpdyFrame,
} from './frames.js';

test('the SPDY/3 dictionary has the size and checksum containerd (Go spdystream) announces', () => {
  assert.equal(SPDY_DICTIONARY.length, 1423);
  // containerd's first SYN_REPLY header block starts 78 f9 e3 c6 a7 c2: DICTID = adler32(dictionary).
  assert.equal(adler32(SPDY_DICTIONARY), 0xe3c6a7c2);
  assert.equal(adler32(Buffer.from('Wikipedia')), 0x11e60398);
});

const cases: Array<{ name: string; bytes: Buffer; want: Partial<SpdyFrame> }> = [
  { name: 'data with FIN', bytes: encode.data(5, Buffer.from('hi'), true), want: { type: 'data', streamId: 5, fin: true, data: Buffer.from('hi') } },
  { name: 'empty data', bytes: encode.data(3, Buffer.alloc(0)), want: { type: 'data', streamId: 3, fin: false, data: Buffer.alloc(0) } },
  { name: 'syn_stream', bytes: encode.synStream(7, Buffer.from([1, 2]), { fin: true, priority: 3 }), want: { type: 'syn_stream', streamId: 7, associatedId: 0, priority: 3, fin: true, unidirectional: false, headerBlock: Buffer.from([1, 2]) } },
  { name: 'syn_reply', bytes: encode.synReply(2, Buffer.from([9])), want: { type: 'syn_reply', streamId: 2, fin: false, headerBlock: Buffer.from([9]) } },
  { name: 'rst_stream', bytes: encode.rstStream(9, 5), want: { type: 'rst_stream', streamId: 9, status: 5 } },
  { name: 'ping', bytes: encode.ping(42), want: { type: 'ping', id: 42 } },
  { name: 'goaway', bytes: encode.goaway(11, 0), want: { type: 'goaway', lastGoodStreamId: 11, status: 0 } },
  { name: 'window_update', bytes: encode.windowUpdate(1, 65536), want: { type: 'window_update', streamId: 1, delta: 65536 } },
];

for (const c of cases) {
  test(`frame round trip: ${c.name}, whole and byte by byte`, () => {
    assert.deepEqual(new FrameParser().push(c.bytes), [c.want]);
    const p = new FrameParser();
    const got: SpdyFrame[] = [];
    for (const b of c.bytes) got.push(...p.push(Buffer.from([b])));
    assert.deepEqual(got, [c.want]);
  });
}

test('frame parser splits several frames in one chunk and keeps the remainder', () => {
  const all = Buffer.concat([encode.ping(1), encode.data(1, Buffer.from('abc')), encode.ping(3)]);
  const p = new FrameParser();
  assert.equal(p.push(all.subarray(0, 15)).length, 1);
  assert.deepEqual(p.push(all.subarray(15)).map((f) => f.type), ['data', 'ping']);
});

test('control frames of another SPDY version are refused', () => {
  const f = encode.ping(1);
  f.writeUInt16BE(0x8002, 0);
  assert.throws(() => new FrameParser().push(f), /unsupported SPDY version 2/);
});

test('header blocks: layout round trip, lower-cased names', () => {
  const raw = encodeHeaderBlock({ StreamType: 'data', port: '8080' });
  assert.equal(raw.readUInt32BE(0), 2);
  assert.deepEqual(decodeHeaderBlock(raw), { streamtype: 'data', port: '8080' });
  assert.throws(() => decodeHeaderBlock(raw.subarray(0, raw.length - 1)), /truncated/);
});

test('compressed header blocks share one zlib context and inflate with the dictionary', async () => {
  const c = new HeaderCompressor();
  const blocks: Array<Record<string, string>> = [{ streamtype: 'error' }, { streamtype: 'stdout', port: '1' }, {}];
  const enc = blocks.map((h) => c.compress(h));
  // Each block ends with a sync-flush marker, so an inflater stops exactly at frame ends.
  for (const e of enc) assert.deepEqual([...e.subarray(-5)], [0, 0, 0, 0xff, 0xff]);
  const inflated = zlib.inflateSync(Buffer.concat(enc), { dictionary: SPDY_DICTIONARY, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  const d = new HeaderDecompressor();
  for (let i = 0; i < blocks.length; i++) assert.deepEqual(await d.decompress(enc[i]!), blocks[i]);
  assert.ok(inflated.length > 0);
  d.close();
});

test('the decompressor reads what a real zlib compressor with the dictionary writes (Go peers)', async () => {
  const z = zlib.createDeflate({ dictionary: SPDY_DICTIONARY });
  const flushOne = (h: Record<string, string>): Promise<Buffer> => new Promise((resolve) => {
    const out: Buffer[] = [];
    const on = (b: Buffer): void => void out.push(b);
    z.on('data', on);
    z.write(encodeHeaderBlock(h));
    z.flush(zlib.constants.Z_SYNC_FLUSH, () => {
      z.off('data', on);
      resolve(Buffer.concat(out));
    });
  });
  const d = new HeaderDecompressor();
  assert.deepEqual(await d.decompress(await flushOne({ streamtype: 'error', port: '80', requestid: '0' })), { streamtype: 'error', port: '80', requestid: '0' });
  assert.deepEqual(await d.decompress(await flushOne({ streamtype: 'data', port: '80', requestid: '0' })), { streamtype: 'data', port: '80', requestid: '0' });
  // Bytes captured from containerd 1.6: two empty SYN_REPLY header blocks.
  const d2 = new HeaderDecompressor();
  assert.deepEqual(await d2.decompress(Buffer.from('78f9e3c6a7c26260606000000000ffff', 'hex')), {});
  assert.deepEqual(await d2.decompress(Buffer.from('026100000000ffff', 'hex')), {});
  z.close();
  d.close();
  d2.close();
});

test('a corrupt header block is a protocol error', async () => {
  await assert.rejects(new HeaderDecompressor().decompress(Buffer.from('78f900000000', 'hex')), /header decompression failed/);
});
