#!/usr/bin/env node
/**
 * The `peapod` command: `up` (a whole cluster in the foreground), `image load`,
 * `down` (remove everything a stopped cluster left running), `kubeconfig`, `version`.
 */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { VERSION_INFO } from '../apiserver/server.js';
import { loadImageArchives } from '../images/load.js';
import { Platform } from '../platform/platform.js';
import { MultinodeCluster } from '../platform/multinode.js';
import { registerAgentCommand } from './agent.js';

/** Default data directory: /var/lib/peapod for root, ~/.peapod otherwise. */
export function defaultDataDir(): string {
  if (process.getuid?.() === 0) return '/var/lib/peapod';
  return path.join(process.env.HOME ?? '.', '.peapod');
}

function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

function parseNodes(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 200) throw new InvalidArgumentError('must be an integer from 1 to 200');
  return n;
}

const program = new Command();
program.name('peapod').description('A Kubernetes-compatible pod platform: a whole cluster from one command.');

program
  .command('up')
  .description('start a one-node cluster in the foreground (Ctrl-C stops it; pods keep running and are re-adopted on the next start)')
  .option('--data-dir <dir>', 'data directory', defaultDataDir())
  .option('--port <port>', 'API server port', parsePort, 6443)
  .option('--node-name <name>', 'node name (default: host name)')
  .option('--nodes <n>', 'nodes in all: the control plane plus N-1 workers, each in its own network namespace', parseNodes, 1)
  .action(async (o: { dataDir: string; port: number; nodeName?: string; nodes: number }) => {
    const dataDir = path.resolve(o.dataDir);
    const log = (l: string) => process.stdout.write(`${l}\n`);
    const extraServerIPs = o.nodes > 1 ? MultinodeCluster.serverIPs(dataDir) : undefined;
    const platform = new Platform({ dataDir, port: o.port, nodeName: o.nodeName, log, extraServerIPs });
    let workers: MultinodeCluster | undefined;
    let stopping = false;
    const stop = async (sig: string) => {
      if (stopping) return;
      stopping = true;
      log(`${sig} received: stopping (running pods keep running and are re-adopted on the next start)`);
      await workers?.stop();
      await platform.stop();
      log('stopped');
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
    try {
      await platform.start();
      if (o.nodes > 1) {
        workers = new MultinodeCluster({
          dataDir, nodes: o.nodes, apiPort: platform.apiPort!, controlPlaneName: platform.nodeName,
          client: platform.adminClient('peapod-route-controller'), mainScript: process.argv[1]!, log,
        });
        await workers.start();
      }
    } catch (e) {
      process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
      await workers?.stop();
      await platform.stop();
      process.exit(1);
    }
    log('');
    log('peapod is running. To use it with kubectl:');
    log(`  export KUBECONFIG=${platform.kubeconfigPath}`);
    log('  kubectl get nodes');
  });

const image = program.command('image').description('manage images on the node');
image
  .command('load')
  .description('import docker-save or OCI image archives; prints the image names')
  .argument('<file...>', 'image archives (.tar or .tar.gz)')
  .option('--data-dir <dir>', 'data directory', defaultDataDir())
  .action(async (files: string[], o: { dataDir: string }) => {
    const names = await loadImageArchives(path.resolve(o.dataDir), files.map((f) => path.resolve(f)));
    for (const n of names) process.stdout.write(`${n}\n`);
  });

program
  .command('down')
  .description('stop every container, sandbox, mount and network a cluster in DIR left behind (after `up` has stopped)')
  .option('--data-dir <dir>', 'data directory', defaultDataDir())
  .action(async (o: { dataDir: string }) => {
    const { cleanupNode } = await import('../kubelet/containerd/supervisor.js');
    const { cleanupMultinode } = await import('../platform/multinode-cleanup.js');
    const workers = await cleanupMultinode(path.resolve(o.dataDir));
    if (workers.workerNodes.length || workers.netnsDeleted.length || workers.errors.length) process.stdout.write(`${JSON.stringify(workers)}\n`);
    const report = await cleanupNode(path.resolve(o.dataDir));
    process.stdout.write(`${JSON.stringify(report)}\n`);
  });

registerAgentCommand(program);

program
  .command('kubeconfig')
  .description('print the admin kubeconfig')
  .option('--data-dir <dir>', 'data directory', defaultDataDir())
  .action(async (o: { dataDir: string }) => {
    process.stdout.write(await readFile(path.join(path.resolve(o.dataDir), 'kubeconfig'), 'utf8'));
  });

program
  .command('version')
  .description('print the version')
  .action(() => {
    process.stdout.write(`peapod ${VERSION_INFO.gitVersion} (Kubernetes API v${VERSION_INFO.major}.${VERSION_INFO.minor})\n`);
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
