/**
 * End-to-end harness: starts a real `peapod up` in a temp directory, drives it
 * with the real kubectl, and on stop() verifies (and enforces) that nothing is
 * left behind: processes, mounts, network namespaces, CNI bridges.
 *
 * Set PEAPOD_E2E_KEEP=1 to keep the temp directory (and its peapod.log) after stop().
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { freePort } from '../../src/machinery/net.js';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBusyboxImageArchive } from '../../src/images/busybox.js';
import { cleanupLeaks, conflistBridges, describeLeaks, findLeaks, isClean, runNodeCleanup, takeBaseline } from './leaks.js';

/** Repository root (this file runs from dist/test/e2e/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const MAIN_JS = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');
const READY_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 30_000;

/** The kubectl binary: Google Cloud SDK's 1.32 if present, else /usr/bin/kubectl. */
export const KUBECTL: string = existsSync('/usr/lib/google-cloud-sdk/bin/kubectl.1.32')
  ? '/usr/lib/google-cloud-sdk/bin/kubectl.1.32'
  : '/usr/bin/kubectl';

/** Result of one kubectl run. `code` is the exit code, or -1 when it was killed (timeout/signal). */
export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link Cluster.kubectl}. */
export interface KubectlOptions {
  /** Written to kubectl's stdin (then closed). Without it stdin is empty. */
  input?: string;
  /** Kill kubectl after this many ms (default 60 000). */
  timeoutMs?: number;
  /** Return non-zero exits instead of throwing. */
  allowFail?: boolean;
}

/** A running peapod cluster under test. */
export interface Cluster {
  /** The temp dir holding everything of this cluster (removed by stop()); free for test files. */
  tmpDir: string;
  /** The data dir given to `peapod up --data-dir`. */
  dataDir: string;
  /** `<dataDir>/kubeconfig`, written by peapod. */
  kubeconfig: string;
  /** The API server's HTTPS port. */
  port: number;
  /** `<dataDir>/peapod.log`: stdout+stderr of every start. */
  logFile: string;
  /**
   * Runs the real kubectl with `--kubeconfig` and a per-cluster `--cache-dir`.
   * @throws Error with command, exit code and output when kubectl fails and `allowFail` is not set.
   */
  kubectl(args: string[], opts?: KubectlOptions): Promise<KubectlResult>;
  /** SIGTERM (SIGKILL after 30 s), then start again on the same dir and wait until Ready. */
  restart(): Promise<void>;
  /**
   * SIGTERM (SIGKILL after 30 s), then checks for leaks; removes any it finds and then
   * throws listing them. Removes the temp dir. Idempotent.
   */
  stop(): Promise<void>;
}

/** Options of {@link startCluster}. */
export interface StartClusterOptions {
  /** Nodes that must be Ready (default 1); values above 1 pass `--nodes N` to `peapod up`. */
  nodes?: number;
  /** Extra arguments for `peapod up`. */
  args?: string[];
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

/**
 * Starts `node dist/src/cli/main.js up --data-dir DIR --port PORT` in a fresh temp dir and
 * waits (up to 120 s) until `DIR/kubeconfig` exists and `kubectl get nodes` shows
 * `nodes` Ready nodes.
 * @throws Error carrying the tail of peapod.log when the cluster exits or is not Ready in time
 *   (the cluster is stopped and cleaned up first).
 */
export async function startCluster(opts: StartClusterOptions = {}): Promise<Cluster> {
  const nodes = opts.nodes ?? 1;
  const root = await mkdtemp(join(tmpdir(), 'peapod-e2e-'));
  const dataDir = join(root, 'data');
  const cacheDir = join(root, 'kube-cache');
  await mkdir(dataDir, { recursive: true });
  const baseline = await takeBaseline();
  const port = await freePort();
  const kubeconfig = join(dataDir, 'kubeconfig');
  const logFile = join(dataDir, 'peapod.log');
  const args = ['up', '--data-dir', dataDir, '--port', String(port), ...(nodes > 1 ? ['--nodes', String(nodes)] : []), ...(opts.args ?? [])];
  const bridges = new Set<string>();
  let child: ChildProcess | undefined;
  let stopped = false;

  const kubectl = (kargs: string[], kopts: KubectlOptions = {}): Promise<KubectlResult> =>
    runKubectl(['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...kargs], kopts);

  const launch = async (): Promise<void> => {
    child = spawnPeapod(args, logFile);
    const abort = new AbortController();
    const exited = new Promise<string>((res) => child?.once('exit', (code, sig) => res(`peapod exited (code ${code}, signal ${sig})`)));
    try {
      await Promise.race([
        waitReady(kubeconfig, nodes, kubectl, abort.signal),
        exited.then((why) => Promise.reject(new Error(why))),
      ]);
    } catch (err) {
      abort.abort(new Error('startCluster gave up'));
      throw new Error(`cluster did not become Ready: ${(err as Error).message}\n--- tail of ${logFile} ---\n${tail(logFile, 60)}`);
    }
    for (const b of await conflistBridges(dataDir)) bridges.add(b);
  };

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await terminate(child);
    // `peapod up` leaves pods running on SIGTERM (they are re-adopted on the next start);
    // tearing a node down is cleanupNode's job (`peapod down`). Whatever survives it leaked.
    const problems = await runNodeCleanup(dataDir);
    const leaks = await findLeaks(dataDir, baseline, bridges);
    if (!isClean(leaks)) problems.push(...(await cleanupLeaks(dataDir, leaks)));
    const still = await findLeaks(dataDir, baseline, bridges);
    if (process.env['PEAPOD_E2E_KEEP'] !== '1' && isClean(still)) {
      await rm(root, { recursive: true, force: true }).catch((e: unknown) => problems.push(String(e)));
    }
    if (!isClean(leaks) || problems.length > 0) {
      throw new Error(
        `cluster ${dataDir} was not cleaned up after stop:\n${describeLeaks(leaks)}` +
          (problems.length ? `\ncleanup problems:\n${problems.join('\n')}` : '') +
          (isClean(still) ? '' : `\nstill present after forced cleanup:\n${describeLeaks(still)}`),
      );
    }
  };

  const cluster: Cluster = {
    tmpDir: root,
    dataDir,
    kubeconfig,
    port,
    logFile,
    kubectl,
    stop,
    restart: async () => {
      await terminate(child);
      await launch();
    },
  };
  try {
    await launch();
  } catch (err) {
    await stop().catch((e: unknown) => {
      (err as Error).message += `\n${(e as Error).message}`;
    });
    throw err;
  }
  return cluster;
}

function spawnPeapod(args: string[], logFile: string): ChildProcess {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(process.execPath, [MAIN_JS, ...args], { cwd: REPO_ROOT, stdio: ['ignore', fd, fd] });
    live.add(child);
    child.once('exit', () => live.delete(child));
    return child;
  } finally {
    closeSync(fd);
  }
}

async function terminate(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

async function waitReady(
  kubeconfig: string,
  nodes: number,
  kubectl: (a: string[], o?: KubectlOptions) => Promise<KubectlResult>,
  signal: AbortSignal,
): Promise<void> {
  await waitFor(() => existsSync(kubeconfig), {
    timeoutMs: READY_TIMEOUT_MS,
    intervalMs: 200,
    description: `${kubeconfig} to exist`,
    signal,
  });
  await waitFor(
    async () => {
      const r = await kubectl(['get', 'nodes', '-o', 'json', '--request-timeout=10s'], { allowFail: true, timeoutMs: 15_000 });
      if (r.code !== 0) return { ok: false as const, last: r.stderr.trim() };
      const ready = readyNodes(r.stdout);
      return ready.length >= nodes ? ready : { ok: false as const, last: `Ready nodes: [${ready.join(', ')}]` };
    },
    { timeoutMs: READY_TIMEOUT_MS, intervalMs: 500, description: `${nodes} Ready node(s)`, accept: Array.isArray, signal },
  );
}

/** Names of nodes whose Ready condition is True in a `kubectl get nodes -o json` output. */
export function readyNodes(json: string): string[] {
  const list = JSON.parse(json) as { items?: Array<{ metadata?: { name?: string }; status?: { conditions?: Array<{ type?: string; status?: string }> } }> };
  return (list.items ?? [])
    .filter((n) => (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'))
    .map((n) => n.metadata?.name ?? '');
}

/** Runs {@link KUBECTL} with `args` (see {@link KubectlOptions}); environment untouched. */
export function runKubectl(args: string[], opts: KubectlOptions = {}): Promise<KubectlResult> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(KUBECTL, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      if (timedOut) stderr += `\n[harness] kubectl killed after ${timeoutMs} ms`;
      const result = { code: code ?? -1, stdout, stderr };
      if (result.code !== 0 && !opts.allowFail) {
        reject(new Error(`kubectl ${args.join(' ')} exited ${result.code}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      } else {
        resolvePromise(result);
      }
    });
  });
}

/** Options of {@link waitFor}. */
export interface WaitForOptions<T> {
  /** Give up after this many ms (default 30 000). */
  timeoutMs?: number;
  /** Pause between attempts in ms (default 250). */
  intervalMs?: number;
  /** What is awaited, for the timeout message ("pod web Running"). */
  description: string;
  /** Decides whether a result ends the wait; default: not undefined, null or false. */
  accept?: (value: T) => boolean;
  /** Stops polling; waitFor then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Calls `fn` until its result is accepted, and returns that result. Errors thrown by
 * `fn` count as "not yet" and are remembered.
 * @throws Error `timed out after Nms waiting for <description>; last value: <json or error>`.
 */
export async function waitFor<T>(fn: () => T | Promise<T>, opts: WaitForOptions<T>): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const intervalMs = opts.intervalMs ?? 250;
  const accept = opts.accept ?? ((v: T) => v !== undefined && v !== null && v !== false);
  const deadline = Date.now() + timeoutMs;
  let last: unknown = undefined;
  for (;;) {
    opts.signal?.throwIfAborted();
    try {
      const v = await fn();
      if (accept(v)) return v;
      last = v;
    } catch (err) {
      last = err instanceof Error ? `error: ${err.message}` : err;
    }
    if (Date.now() + intervalMs > deadline) {
      throw new Error(`timed out after ${timeoutMs}ms waiting for ${opts.description}; last value: ${show(last)}`);
    }
    await sleep(intervalMs, opts.signal);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((res, rej) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      rej(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      res();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function show(v: unknown): string {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/**
 * Builds the test images into `dir` (created if missing): today the busybox image
 * `docker.io/library/busybox:latest` as a docker-save archive.
 * @returns the archive path (`<dir>/busybox.tar`).
 */
export async function buildTestImages(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const archive = join(dir, 'busybox.tar');
  await buildBusyboxImageArchive(archive);
  return archive;
}

export { freePort };

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch (err) {
    return `(cannot read: ${(err as Error).message})`;
  }
}
