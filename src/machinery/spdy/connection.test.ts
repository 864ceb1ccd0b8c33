import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { SpdyConnection, type SpdyStream } from './connection.js';
import { encode, FrameParser } from './frames.js';

/** Two connections wired back to back; `chunk` cuts every write into pieces of that size. */
function pair(chunk = Infinity): { client: SpdyConnection; server: SpdyConnection; wire: Buffer[] } {
  const wire: Buffer[] = [];
  let client!: SpdyConnection;
  let server!: SpdyConnection;
  const to = (peer: () => SpdyConnection) => ({
    write: (b: Buffer): boolean => {
      wire.push(b);
      for (let o = 0; o < b.length; o += Math.min(chunk, b.length)) peer().receive(b.subarray(o, o + Math.min(chunk, b.length)));
      return true;
    },
    destroy: (): void => peer().transportClosed(),
  });
  client = new SpdyConnection(to(() => server), true);
  server = new SpdyConnection(to(() => client), false);
  return { client, server, wire };
}

for (const chunk of [Infinity, 1, 7]) {
  test(`streams open, reply, carry data both ways and half-close (chunks of ${chunk})`, async () => {
    const { client, server } = pair(chunk);
    const got: string[] = [];
    server.on('stream', (s: SpdyStream) => {
      got.push(`syn ${s.id} ${s.headers['streamtype']}`);
      s.reply({});
      s.on('data', (d: Buffer) => {
        got.push(`server data ${d}`);
        s.write(Buffer.from(String(d).toUpperCase()));
      });
      s.on('end', () => {
        got.push('server end');
        s.end();
      });
    });
    const s = client.openStream({ streamtype: 'data', port: '80' });
    assert.equal(s.id, 1);
    const reply = once(s, 'reply');
    const back = once(s, 'data');
    s.write(Buffer.from('hello')); // sent right behind the SYN_STREAM: must not overtake it
    await reply;
    assert.equal(String((await back)[0]), 'HELLO');
    const closed = once(s, 'close');
    s.end();
    await closed;
    assert.deepEqual(got, ['syn 1 data', 'server data hello', 'server end']);
    assert.equal(client.openStreams, 0);
    assert.equal(server.openStreams, 0);
    assert.equal(client.openStream({}).id, 3);
  });
}

test('pings from the peer are echoed; our own come back as pong', async () => {
  const { client, server, wire } = pair();
  const pong = once(client, 'pong');
  client.ping();
  assert.deepEqual(await pong, [1]);
  const frames = new FrameParser().push(Buffer.concat(wire));
  assert.deepEqual(frames.map((f) => f.type), ['ping', 'ping']);
  let echoed = 0;
  server.on('pong', () => echoed++);
  client.receive(encode.ping(2)); // a server-initiated ping arriving at the client is echoed
  assert.equal(echoed, 1);
});

test('RST_STREAM ends the stream on both sides; transport loss ends every stream', async () => {
  const { client, server } = pair();
  let serverStream: SpdyStream | undefined;
  server.on('stream', (s: SpdyStream) => {
    serverStream = s;
    s.reply();
  });
  const a = client.openStream({ streamtype: 'a' });
  const b = client.openStream({ streamtype: 'b' });
  await once(b, 'reply');
  const ended = once(serverStream!, 'end');
  a.resetStream();
  assert.equal(a.reset, true);
  const bEnd = once(b, 'end');
  client.transportClosed();
  await bEnd;
  assert.ok(serverStream);
  void ended;
});

test('a stream id of the wrong parity is refused with RST_STREAM', async () => {
  const { client, wire } = pair();
  const rogue = new SpdyConnection({ write: (b) => (client.receive(b), true), destroy: () => undefined }, true);
  let opened = 0;
  client.on('stream', () => opened++);
  rogue.openStream({ x: '1' }); // odd id sent to a client: invalid
  assert.equal(opened, 0);
  for (let i = 0; i < 100 && wire.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
  const frames = new FrameParser().push(Buffer.concat(wire));
  assert.equal(frames.at(-1)?.type, 'rst_stream');
  assert.equal(opened, 0);
});
