import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readyNodes, startCluster } from './harness.js';

describe('startCluster (real peapod up)', () => {
  it('starts a Ready node reachable by kubectl over https, survives restart, stops without leaks', async () => {
    const cluster = await startCluster();
    let stopped = false;
    try {
      const ctx = await cluster.kubectl(['config', 'current-context']);
      assert.equal(ctx.stdout.trim(), 'peapod');
      const server = await cluster.kubectl(['config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}']);
      assert.match(server.stdout, new RegExp(`^https://[^/]+:${cluster.port}$`));
      const nodes = await cluster.kubectl(['get', 'nodes', '-o', 'json']);
      assert.equal(readyNodes(nodes.stdout).length, 1);

      await cluster.restart();
      const again = await cluster.kubectl(['get', 'nodes']);
      assert.match(again.stdout, /\sReady\s/);
    } finally {
      await cluster.stop();
      stopped = true;
    }
    assert.ok(stopped);
    assert.equal(existsSync(cluster.dataDir), false, 'temp dir removed');
  });
});
