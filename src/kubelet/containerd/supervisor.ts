/**
 * Runs a private containerd for one peapod node: writes the CNI conflist and the
 * containerd config, starts `containerd --config <dataDir>/containerd/config.toml`,
 * waits until the CRI answers Version and Status with RuntimeReady and NetworkReady,
 * imports the pause image if it is missing, and stops containerd on `stop()`.
 *
 * Stopping containerd does not stop pods: their shims keep running and a restarted
 * containerd (and kubelet) re-adopts them, as on a real Kubernetes node.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, open, writeFile, rm, stat, readFile, readdir } from 'node:fs/promises';
import { freePort } from '../../machinery/net.js';
import { promisify } from 'node:util';
import { createRemoteRuntime, type RemoteRuntime } from '../cri/remote.js';
import { CriError } from '../cri/api.js';
import { writeCniConfig } from './cni.js';
import { containerdPaths, renderContainerdConfig, type ContainerdPaths } from './config.js';

export { cleanupNode, type CleanupNodeOptions } from './cleanup.js';

const execFileP = promisify(execFile);

/** Constructor options of {@link ContainerdSupervisor}. */
export interface ContainerdSupervisorOptions {
  /** Node data directory (absolute); containerd's files go to `<dataDir>/containerd/`. */
  dataDir: string;
  /** The node's pod CIDR (IPv4), e.g. `10.244.3.0/24`. */
  podCIDR: string;
  /** docker-save or OCI archive imported into namespace k8s.io when `pauseImage` is absent. */
  pauseImageArchive?: string;
  /** Sandbox image reference, e.g. `localhost/pause:1`. */
  pauseImage: string;
  /** CRI streaming server port on 127.0.0.1; default: a free port picked at start. */
  streamServerPort?: number;
  /** CNI bridge name (max 15 chars). Default `peapod0`. */
  bridgeName?: string;
  /** Start deadline in ms (containerd up and CRI ready). Default 30 000. */
  startTimeoutMs?: number;
  /** Grace period after SIGTERM before SIGKILL on stop, ms. Default 10 000. */
  stopTimeoutMs?: number;
  /** Progress lines (one event per call, no trailing newline). */
  log?: (line: string) => void;
}

export { freePort };

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = (): void => { clearTimeout(t); reject(signal?.reason); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** True while `pid` exists (zombies count as gone). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return !/^\S+ \(.*\) Z/.test(readFileSyncSafe(`/proc/${pid}/stat`));
}

function readFileSyncSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** PIDs of `containerd --config <configFile>` processes (left by a crashed peapod). */
async function orphanedContainerds(configFile: string): Promise<number[]> {
  const out: number[] = [];
  for (const name of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    const argv = readFileSyncSafe(`/proc/${name}/cmdline`).split('\0');
    if (argv[0]?.endsWith('containerd') && argv.includes('--config') && argv[argv.indexOf('--config') + 1] === configFile) out.push(Number(name));
  }
  return out;
}

/** Supervises one containerd process. `start()` / `stop()` may be called again after stop. */
export class ContainerdSupervisor {
  /** gRPC socket path of this node's containerd (CRI endpoint, without `unix://`). */
  readonly socketPath: string;
  /** All paths derived from the data dir. */
  readonly paths: ContainerdPaths;
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private port: number | undefined;
  private dead = true;
  private readonly log: (line: string) => void;

  constructor(private readonly opts: ContainerdSupervisorOptions) {
    this.paths = containerdPaths(opts.dataDir);
    this.socketPath = this.paths.socket;
    this.port = opts.streamServerPort;
    this.log = opts.log ?? (() => {});
  }

  /** Streaming server port (known once `start()` has resolved). */
  get streamServerPort(): number | undefined {
    return this.port;
  }

  /**
   * Starts containerd and resolves once the CRI is ready and the pause image is present.
   * @throws Error if containerd exits early, is already running on this socket, does
   *   not become ready within `startTimeoutMs`, or the pause import fails; the
   *   process is killed on any failure or abort.
   */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.child && !this.dead) throw new Error('containerd already started by this supervisor');
    const t0 = Date.now();
    const p = this.paths;
    await mkdir(p.base, { recursive: true });
    await mkdir(p.certsDir, { recursive: true });
    await writeCniConfig(p.cniConfDir, { podCIDR: this.opts.podCIDR, bridgeName: this.opts.bridgeName ?? 'peapod0' });
    this.port ??= await freePort();
    await writeFile(p.configFile, renderContainerdConfig({
      dataDir: this.opts.dataDir, sandboxImage: this.opts.pauseImage, streamServerPort: this.port,
    }));
    await this.refuseIfRunning();
    await rm(p.socket, { force: true });
    await rm(p.ttrpcSocket, { force: true });

    const logFd = await open(p.logFile, 'a');
    try {
      this.child = spawn('containerd', ['--config', p.configFile], { stdio: ['ignore', logFd.fd, logFd.fd] });
    } finally {
      await logFd.close();
    }
    const child = this.child;
    this.dead = false;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, sig) => {
        this.dead = true;
        this.log(`containerd pid ${child.pid} exited (code ${code}, signal ${sig})`);
        resolve();
      });
      child.once('error', (e) => { this.dead = true; this.log(`containerd spawn error: ${e.message}`); resolve(); });
    });
    this.log(`containerd pid ${child.pid} started (config ${p.configFile})`);
    try {
      await this.waitReady(signal);
      this.log(`containerd CRI ready in ${Date.now() - t0} ms`);
      await this.ensurePauseImage(signal);
      this.log(`containerd node runtime ready in ${Date.now() - t0} ms`);
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  /**
   * A containerd still serving this node's socket is either an orphan of a peapod
   * that crashed (its command line names this node's config file: it is stopped —
   * pods survive, as they survive any containerd restart — and a fresh one started)
   * or someone else's, which is refused.
   * @throws Error when a foreign containerd serves the socket.
   */
  private async refuseIfRunning(): Promise<void> {
    if (!(await stat(this.paths.socket).catch(() => undefined))) return;
    const cri = createRemoteRuntime(this.paths.socket, { timeoutMs: 1000 });
    try {
      await cri.runtime.version();
    } catch {
      return; // stale socket file
    } finally {
      cri.close();
    }
    const orphans = await orphanedContainerds(this.paths.configFile);
    if (!orphans.length) throw new Error(`a containerd is already serving ${this.paths.socket}`);
    this.log(`stopping containerd left running by an earlier peapod (pid ${orphans.join(', ')})`);
    for (const pid of orphans) { try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ } }
    const deadline = Date.now() + (this.opts.stopTimeoutMs ?? 10_000);
    while (orphans.some(isAlive) && Date.now() < deadline) await delay(50);
    for (const pid of orphans.filter(isAlive)) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  }

  private async logTail(): Promise<string> {
    const text = await readFile(this.paths.logFile, 'utf8').catch(() => '');
    return text.split('\n').slice(-15).join('\n');
  }

  /** Polls Version + Status (every 50 ms) until RuntimeReady and NetworkReady are true. */
  private async waitReady(signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + (this.opts.startTimeoutMs ?? 30_000);
    const cri = createRemoteRuntime(this.socketPath, { timeoutMs: 1000 });
    let last = 'no answer yet';
    try {
      for (;;) {
        if (this.dead) {
          throw new Error(`containerd exited during start (code ${this.child?.exitCode}); log tail:\n${await this.logTail()}`);
        }
        try {
          await cri.runtime.version(signal);
          const { conditions } = await cri.runtime.status(signal);
          const notReady = ['RuntimeReady', 'NetworkReady'].filter((t) => !conditions.find((c) => c.type === t)?.status);
          if (notReady.length === 0) return;
          last = conditions.map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason}: ${c.message})` : ''}`).join(', ');
        } catch (e) {
          if (signal?.aborted) throw signal.reason;
          last = e instanceof Error ? e.message : String(e);
        }
        if (Date.now() > deadline) throw new Error(`containerd not ready in time: ${last}`);
        await delay(50, signal);
      }
    } finally {
      cri.close();
    }
  }

  /** Imports `pauseImageArchive` into k8s.io when the CRI does not know `pauseImage`. */
  private async ensurePauseImage(signal?: AbortSignal): Promise<void> {
    const cri = createRemoteRuntime(this.socketPath);
    try {
      if (await cri.images.imageStatus({ image: this.opts.pauseImage }, signal)) return;
      const archive = this.opts.pauseImageArchive;
      if (!archive) {
        this.log(`pause image ${this.opts.pauseImage} absent and no archive given; containerd will pull it`);
        return;
      }
      const t0 = Date.now();
      await execFileP('ctr', ['-a', this.socketPath, '-n', 'k8s.io', 'images', 'import', archive], { signal, timeout: 120_000 });
      if (!(await cri.images.imageStatus({ image: this.opts.pauseImage }, signal))) {
        throw new Error(`imported ${archive} but ${this.opts.pauseImage} is still absent (check the archive's RepoTags)`);
      }
      this.log(`imported ${this.opts.pauseImage} from ${archive} in ${Date.now() - t0} ms`);
    } catch (e) {
      throw e instanceof CriError ? new Error(`pause image check failed: ${e.message}`) : e;
    } finally {
      cri.close();
    }
  }

  /**
   * Stops containerd: SIGTERM, then SIGKILL after `stopTimeoutMs`; resolves once the
   * process has exited. Pods keep running (their shims outlive containerd). No-op
   * when not started.
   */
  async stop(): Promise<void> {
    const child = this.child;
    const exited = this.exited;
    if (!child || !exited) return;
    if (!this.dead) {
      child.kill('SIGTERM');
      const killTimer = setTimeout(() => {
        this.log('containerd did not exit after SIGTERM; sending SIGKILL');
        child.kill('SIGKILL');
      }, this.opts.stopTimeoutMs ?? 10_000);
      await exited;
      clearTimeout(killTimer);
    }
    this.child = undefined;
    this.exited = undefined;
    this.log('containerd stopped');
  }
}
