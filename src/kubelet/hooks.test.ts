import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RuntimeService } from './cri/api.js';
import { FakeRuntime } from './cri/fake.js';
import { lifecycleHandler, runHook } from './hooks.js';
import { makePod } from './testing/builders.js';

const pod = makePod('p');
const c = { name: 'c', image: 'busybox', lifecycle: { preStop: { exec: { command: ['sh', '-c', 'exit 1'] } } } };

test('lifecycleHandler picks postStart/preStop', () => {
  assert.deepEqual(lifecycleHandler(c, 'preStop'), { exec: { command: ['sh', '-c', 'exit 1'] } });
  assert.equal(lifecycleHandler(c, 'postStart'), undefined);
});

test('runHook exec: success is undefined, a non-zero exit gives the Kubernetes message', async () => {
  const rt: RuntimeService = new FakeRuntime();
  const calls: [string, string[], number][] = [];
  rt.execSync = async (id: string, cmd: string[], timeout: number) => {
    calls.push([id, cmd, timeout]);
    return { stdout: Buffer.from(''), stderr: Buffer.from(cmd[2] === 'exit 1' ? 'oops' : ''), exitCode: cmd[2] === 'exit 1' ? 1 : 0 };
  };
  assert.equal(await runHook({ exec: { command: ['sh', '-c', 'true'] } }, pod, c, 'cid', '', rt, 30), undefined);
  assert.deepEqual(calls[0], ['cid', ['sh', '-c', 'true'], 30]);
  assert.equal(await runHook({ exec: { command: ['sh', '-c', 'exit 1'] } }, pod, c, 'cid', '', rt, 30),
    'Exec lifecycle hook ([sh -c exit 1]) for Container "c" in Pod "p_default(uid-p)" failed - error: command \'sh -c exit 1\' exited with 1: oops, message: "oops"');
});

test('runHook httpGet: any HTTP answer succeeds, a refused connection fails', async () => {
  let hits = 0;
  const srv = http.createServer((_req, res) => { hits++; res.writeHead(500); res.end(); });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  const rt = new FakeRuntime();
  assert.equal(await runHook({ httpGet: { port, path: '/shutdown' } }, pod, c, 'cid', '127.0.0.1', rt, 5), undefined);
  assert.equal(hits, 1);
  await new Promise((r) => srv.close(r));
  const msg = await runHook({ httpGet: { port, path: '/shutdown' } }, pod, c, 'cid', '127.0.0.1', rt, 5);
  assert.match(msg ?? '', /^HTTP lifecycle hook \(\/shutdown\) for Container "c" in Pod "p_default\(uid-p\)" failed - error: Get "http:\/\/127\.0\.0\.1:\d+\/shutdown": dial tcp 127\.0\.0\.1:\d+: connect: connection refused$/);
});
