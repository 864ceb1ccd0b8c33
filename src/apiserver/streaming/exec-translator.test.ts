import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { WebSocket, WebSocketServer } from 'ws';
import { SpdyConnection, type SpdyStream } from '../../machinery/spdy/connection.js';
import { exitCodeStatus } from './channels.js';
import { translateExecSession, type StreamFlags } from './exec-translator.js';

/**
 * A fake containerd remotecommand v4 SPDY server: stdout echoes stdin upper-cased; at
 * stdin EOF it writes "bye" on stderr and exit code 3 on the error stream, then closes.
 */
function fakeRuntime(seen: { streams: string[]; resize: string[] }): Promise<net.Server> {
  const srv = net.createServer((sock) => {
    const conn = new SpdyConnection({ write: (b) => sock.write(b), destroy: () => sock.destroy() }, false);
    sock.on('data', (c: Buffer) => conn.receive(c));
    sock.on('close', () => conn.transportClosed());
    const by = new Map<string, SpdyStream>();
    conn.on('stream', (s: SpdyStream) => {
      s.reply();
      const t = s.headers['streamtype'] ?? '';
      seen.streams.push(t);
      by.set(t, s);
      if (t === 'resize') s.on('data', (d: Buffer) => seen.resize.push(String(d)));
      if (t !== 'stdin') return;
      s.on('data', (d: Buffer) => by.get('stdout')?.write(Buffer.from(String(d).toUpperCase())));
      s.on('end', () => {
        by.get('stderr')?.write(Buffer.from('bye'));
        by.get('error')!.write(Buffer.from(JSON.stringify(exitCodeStatus(3))));
        for (const x of by.values()) x.end();
        setTimeout(() => conn.close(), 10);
      });
    });
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv)));
}

async function session(protocol: string, flags: StreamFlags, send: Buffer[]): Promise<{ msgs: Buffer[]; code: number; seen: { streams: string[]; resize: string[] } }> {
  const seen = { streams: [] as string[], resize: [] as string[] };
  const runtime = await fakeRuntime(seen);
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: () => protocol });
  await once(wss, 'listening');
  wss.on('connection', (ws) => {
    const up = net.connect((runtime.address() as net.AddressInfo).port, '127.0.0.1');
    void translateExecSession(ws, protocol, flags, up, Buffer.alloc(0));
  });
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as net.AddressInfo).port}/`, [protocol]);
  const msgs: Buffer[] = [];
  client.on('message', (m: Buffer) => msgs.push(m));
  await once(client, 'open');
  for (const m of send) client.send(m);
  const [code] = (await once(client, 'close')) as [number];
  wss.close();
  runtime.close();
  return { msgs, code, seen };
}

test('v5: stdin, close-stdin as EOF, stdout/stderr split, exit status on channel 3, close 1000', async () => {
  const flags = { stdin: true, stdout: true, stderr: true, tty: false };
  const r = await session('v5.channel.k8s.io', flags, [Buffer.from('\x00hello'), Buffer.from([255, 0])]);
  assert.deepEqual(r.seen.streams, ['error', 'stdin', 'stdout', 'stderr']);
  assert.equal(r.code, 1000);
  assert.deepEqual(r.msgs.map((m) => [m[0], String(m.subarray(1))]).slice(0, 2), [[1, 'HELLO'], [2, 'bye']]);
  const last = r.msgs.at(-1)!;
  assert.equal(last[0], 3);
  assert.equal(JSON.parse(String(last.subarray(1))).details.causes[0].message, '3');
});

test('tty: no stderr stream, resize frames reach the resize stream', async () => {
  const flags = { stdin: true, stdout: true, stderr: false, tty: true };
  const r = await session('v5.channel.k8s.io', flags, [
    Buffer.from('\x04{"Width":80,"Height":24}\n'), Buffer.from('\x00ls'), Buffer.from([255, 0]),
  ]);
  assert.deepEqual(r.seen.streams, ['error', 'stdin', 'stdout', 'resize']);
  assert.deepEqual(r.seen.resize, ['{"Width":80,"Height":24}\n']);
  assert.equal(String(r.msgs[0]!.subarray(1)), 'LS');
});
