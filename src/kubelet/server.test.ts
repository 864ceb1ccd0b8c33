import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { FakeRuntime } from './cri/fake.js';
import { containerConfig, sandboxConfig } from './container-config.js';
import { createContainerLogsHandler } from './logs.js';
import { parseLogOptions, startKubeletServer } from './server.js';
import { makePod } from './testing/builders.js';
import type { Pod } from '../api/types.js';

function get(port: number, path: string): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }));
    }).on('error', reject);
  });
}

test('parseLogOptions', () => {
  const o = parseLogOptions(new URLSearchParams('follow=true&tailLines=5&timestamps=true&sinceSeconds=10&limitBytes=7'), 100_000);
  assert.equal(o.follow, true);
  assert.equal(o.tailLines, 5);
  assert.equal(o.limitBytes, 7);
  assert.equal(o.sinceNs, 90_000n * 1_000_000n);
  assert.throws(() => parseLogOptions(new URLSearchParams('tailLines=abc'), 0));
});

test('kubelet server serves containerLogs from CRI files, with Kubernetes errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubelet-srv-'));
  const rt = new FakeRuntime();
  rt.addImage('docker.io/library/busybox:latest');
  const pod: Pod = makePod('web');
  const sbc = sandboxConfig(pod, 0, dir);
  const sb = await rt.runPodSandbox(sbc);
  const id = await rt.createContainer(sb, containerConfig(pod, pod.spec.containers[0]!, 0, { podIP: '', hostIP: '', nodeName: '' }), sbc);
  await rt.startContainer(id);
  rt.writeLog(id, 'stdout', 'hello');
  rt.writeLog(id, 'stderr', 'wor', true);
  rt.writeLog(id, 'stderr', 'ld');
  pod.status = { containerStatuses: [{ name: 'c', ready: true, restartCount: 0, image: '', imageID: '', containerID: `containerd://${id}`, state: { running: {} }, lastState: {} }] };
  const srv = await startKubeletServer({ port: 0, host: '127.0.0.1', logs: createContainerLogsHandler({ getPod: (ns, n) => (ns === 'default' && n === 'web' ? pod : undefined), runtime: rt, pollMs: 10 }) });
  try {
    const ok = await get(srv.port, '/containerLogs/default/web/c');
    assert.equal(ok.status, 200);
    assert.equal(ok.body, 'hello\nworld\n');
    assert.equal((await get(srv.port, '/containerLogs/default/web/c?tailLines=1')).body, 'world\n');
    assert.match((await get(srv.port, '/containerLogs/default/web/c?timestamps=true')).body, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z hello\n/);

    const prev = await get(srv.port, '/containerLogs/default/web/c?previous=true');
    assert.equal(prev.status, 400);
    assert.equal(JSON.parse(prev.body).message, 'previous terminated container "c" in pod "web" not found');
    const noPod = await get(srv.port, '/containerLogs/default/nope/c');
    assert.equal(noPod.status, 404);
    assert.equal(JSON.parse(noPod.body).message, 'pod "nope" does not exist');
    const noC = await get(srv.port, '/containerLogs/default/web/x');
    assert.equal(noC.status, 404);
    assert.equal(JSON.parse(noC.body).kind, 'Status');

    const follow = get(srv.port, '/containerLogs/default/web/c?follow=true&tailLines=0');
    await new Promise((r) => setTimeout(r, 50));
    rt.writeLog(id, 'stdout', 'streamed');
    await new Promise((r) => setTimeout(r, 50));
    rt.exitContainer(id, 0);
    const f = await follow;
    assert.equal(f.body, 'streamed\n');
  } finally {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
