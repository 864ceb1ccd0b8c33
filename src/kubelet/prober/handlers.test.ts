import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import type { Container } from '../../api/types.js';
import { FakeRuntime } from '../cri/fake.js';
import { decodeHealthResponse, encodeHealthRequest, resolvePort, runAction, runGrpc, runHttpGet, runTcp } from './handlers.js';

const c: Container = { name: 'c', image: 'x', ports: [{ name: 'web', containerPort: 8080 }] };

test('resolvePort: numbers, numeric strings and names', () => {
  assert.equal(resolvePort(80, c), 80);
  assert.equal(resolvePort('81', c), 81);
  assert.equal(resolvePort('web', c), 8080);
  assert.throws(() => resolvePort('nope', c), /couldn't find port: nope in c/);
});

test('httpGet: 2xx/3xx succeed, others fail with the status code, refused connections with Go wording', async () => {
  let code = 200;
  let ua = '';
  const srv = http.createServer((req, res) => { ua = req.headers['user-agent'] ?? ''; res.writeHead(code); res.end('body'); });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  try {
    assert.deepEqual(await runHttpGet({ port, path: '/healthz' }, c, '127.0.0.1', 1), { result: 'success', output: 'body' });
    assert.equal(ua, 'kube-probe/1.32');
    code = 500;
    assert.deepEqual(await runHttpGet({ port }, c, '127.0.0.1', 1), { result: 'failure', output: 'HTTP probe failed with statuscode: 500' });
  } finally {
    await new Promise((r) => srv.close(r));
  }
  const r = await runHttpGet({ port, path: '/x' }, c, '127.0.0.1', 1);
  assert.deepEqual(r, { result: 'failure', output: `Get "http://127.0.0.1:${port}/x": dial tcp 127.0.0.1:${port}: connect: connection refused` });
});

test('tcpSocket: open port succeeds, closed port is refused', async () => {
  const srv = net.createServer((s) => s.end());
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  assert.equal((await runTcp({ port }, c, '127.0.0.1', 1)).result, 'success');
  await new Promise((r) => srv.close(r));
  assert.deepEqual(await runTcp({ port }, c, '127.0.0.1', 1), { result: 'failure', output: `dial tcp 127.0.0.1:${port}: connect: connection refused` });
});

test('grpc health: message codec', () => {
  assert.deepEqual(encodeHealthRequest(''), Buffer.alloc(0));
  assert.deepEqual(encodeHealthRequest('svc'), Buffer.from([0x0a, 3, 0x73, 0x76, 0x63]));
  assert.equal(decodeHealthResponse(Buffer.from([0x08, 0x01])), 1);
  assert.equal(decodeHealthResponse(Buffer.alloc(0)), 0);
});

test('grpc health: SERVING succeeds, NOT_SERVING fails with Kubernetes wording', async () => {
  let status = 1;
  const server = new grpc.Server();
  server.addService({
    check: { path: '/grpc.health.v1.Health/Check', requestStream: false, responseStream: false,
      requestSerialize: (x: Buffer) => x, requestDeserialize: (x: Buffer) => x, responseSerialize: (x: Buffer) => x, responseDeserialize: (x: Buffer) => x },
  }, { check: (_call: unknown, cb: (e: null, r: Buffer) => void) => cb(null, Buffer.from([0x08, status])) });
  const port = await new Promise<number>((res, rej) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
  try {
    assert.deepEqual(await runGrpc({ port }, '127.0.0.1', 2), { result: 'success', output: 'service healthy' });
    status = 2;
    assert.deepEqual(await runGrpc({ port }, '127.0.0.1', 2), { result: 'failure', output: 'service unhealthy (responded with "NOT_SERVING")' });
  } finally {
    server.forceShutdown();
  }
});

test('exec: exit code decides, output is the message', async () => {
  const rt = new FakeRuntime();
  rt.execSync = async (_id, cmd) => ({ stdout: Buffer.from(cmd.join(' ')), stderr: Buffer.from(''), exitCode: cmd[0] === 'false' ? 1 : 0 });
  assert.deepEqual(await runAction({ exec: { command: ['true'] } }, c, 'id', '', 1, rt), { result: 'success', output: 'true' });
  assert.deepEqual(await runAction({ exec: { command: ['false', 'x'] } }, c, 'id', '', 1, rt), { result: 'failure', output: 'false x' });
  rt.execSync = async () => { throw new Error('timeout 1s exceeded: context deadline exceeded'); };
  assert.deepEqual(await runAction({ exec: { command: ['sleep', '9'] } }, c, 'id', '', 1, rt), { result: 'failure', output: 'command "sleep 9" timed out' });
});
