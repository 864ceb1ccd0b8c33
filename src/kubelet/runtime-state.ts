/**
 * The kubelet's view of one pod in the container runtime (kubecontainer.PodStatus):
 * its sandboxes and containers, found through the labels the kubelet puts on them,
 * so a restarted kubelet adopts what an earlier process created.
 */
import { open, readFile } from 'node:fs/promises';
import type { Container as CriContainer, ContainerState as CriContainerState, ContainerStatus as CriContainerStatus, PodSandbox, RuntimeService } from './cri/api.js';
import { CriError } from './cri/api.js';
import { parseCriLog } from './logs.js';

/** Labels and annotations the kubelet sets (the same keys as Kubernetes). */
export const LABEL_POD_NAME = 'io.kubernetes.pod.name';
export const LABEL_POD_NAMESPACE = 'io.kubernetes.pod.namespace';
export const LABEL_POD_UID = 'io.kubernetes.pod.uid';
export const LABEL_CONTAINER_NAME = 'io.kubernetes.container.name';
export const LABEL_CONTAINER_TYPE = 'io.kubernetes.container.type';
export const ANNOTATION_RESTART_COUNT = 'io.kubernetes.container.restartCount';
export const ANNOTATION_HASH = 'io.kubernetes.container.hash';
export const ANNOTATION_GRACE = 'io.kubernetes.pod.terminationGracePeriod';
export const ANNOTATION_TERMINATION_MESSAGE_PATH = 'io.kubernetes.container.terminationMessagePath';
export const ANNOTATION_TERMINATION_MESSAGE_POLICY = 'io.kubernetes.container.terminationMessagePolicy';

/** Bytes of a termination message file read (MaxContainerTerminationMessageLength). */
const MAX_TERMINATION_MESSAGE = 4096;
/** Lines and bytes of the log tail used by FallbackToLogsOnError. */
const FALLBACK_LOG_LINES = 80;
const FALLBACK_LOG_BYTES = 2048;

async function readAtMost(path: string, max: number): Promise<Buffer> {
  let fh;
  try {
    fh = await open(path, 'r');
    const buf = Buffer.alloc(max);
    const { bytesRead } = await fh.read(buf, 0, max, 0);
    return buf.subarray(0, bytesRead);
  } catch {
    return Buffer.alloc(0);
  } finally {
    await fh?.close();
  }
}

/** The last lines of a CRI log, at most FALLBACK_LOG_BYTES (readLastStringFromContainerLogs). */
async function logTail(logPath: string): Promise<string> {
  if (!logPath) return '';
  const text = await readFile(logPath, 'utf8').catch(() => '');
  const lines = parseCriLog(text).slice(-FALLBACK_LOG_LINES).map((l) => `${l.content}\n`).join('');
  const b = Buffer.from(lines);
  return b.length > FALLBACK_LOG_BYTES ? b.subarray(b.length - FALLBACK_LOG_BYTES).toString('utf8') : lines;
}

/**
 * The termination message of an exited container (kuberuntime getTerminationMessage):
 * the file mounted at its terminationMessagePath, else with FallbackToLogsOnError and a
 * non-zero exit the tail of its log; appended to the runtime's own message.
 */
export async function terminationMessage(st: CriContainerStatus): Promise<string> {
  const path = st.annotations[ANNOTATION_TERMINATION_MESSAGE_PATH];
  const mount = path ? (st.mounts ?? []).find((m) => m.containerPath === path) : undefined;
  let msg = mount ? (await readAtMost(mount.hostPath, MAX_TERMINATION_MESSAGE)).toString('utf8') : '';
  const fallback = st.annotations[ANNOTATION_TERMINATION_MESSAGE_POLICY] === 'FallbackToLogsOnError' && st.exitCode !== 0 && st.reason !== 'ContainerCannotRun';
  if (!msg && fallback) msg = await logTail(st.logPath);
  if (!msg) return st.message;
  return st.message ? `${st.message}: ${msg}` : msg;
}

/** One sandbox of a pod. Times are ms since the epoch. */
export interface SandboxState {
  id: string;
  attempt: number;
  ready: boolean;
  createdAtMs: number;
  /** Primary pod IP; empty when the sandbox has no network (yet). */
  ip: string;
  additionalIps: string[];
}

/** One container instance of a pod. Times are ms since the epoch (0 = never). */
export interface ContainerRuntimeState {
  id: string;
  name: string;
  sandboxId: string;
  /** Restart count from the container's annotation (the instance number). */
  restartCount: number;
  state: 'created' | 'running' | 'exited' | 'unknown';
  createdAtMs: number;
  startedAtMs: number;
  finishedAtMs: number;
  exitCode: number;
  reason: string;
  message: string;
  /** Image as requested (`docker.io/library/busybox:latest`). */
  image: string;
  /** Image reference the runtime resolved (`sha256:...` or a repo digest). */
  imageRef: string;
  /** Spec hash annotation; empty if absent. */
  hash: string;
  /** Absolute CRI log path. */
  logPath: string;
}

/** Everything the runtime holds for one pod UID. Lists are sorted newest first. */
export interface PodRuntimeStatus {
  uid: string;
  name: string;
  namespace: string;
  sandboxes: SandboxState[];
  containers: ContainerRuntimeState[];
}

/** An empty runtime status for a pod. */
export function emptyRuntimeStatus(uid: string, name: string, namespace: string): PodRuntimeStatus {
  return { uid, name, namespace, sandboxes: [], containers: [] };
}

const STATE: Record<CriContainerState, ContainerRuntimeState['state']> = {
  CONTAINER_CREATED: 'created',
  CONTAINER_RUNNING: 'running',
  CONTAINER_EXITED: 'exited',
  CONTAINER_UNKNOWN: 'unknown',
};

const nsToMs = (ns: number): number => (ns > 0 ? Math.floor(ns / 1e6) : 0);

function isNotFound(err: unknown): boolean {
  return err instanceof CriError && err.code === 5;
}

/** The newest container instance named `name`, if any. */
export function latestContainer(rs: PodRuntimeStatus, name: string): ContainerRuntimeState | undefined {
  return rs.containers.find((c) => c.name === name);
}

/** Reads the sandbox and container state of pod `uid` from the runtime. */
export async function getPodRuntimeStatus(
  runtime: RuntimeService,
  uid: string,
  name: string,
  namespace: string,
  signal?: AbortSignal,
): Promise<PodRuntimeStatus> {
  const sel = { [LABEL_POD_UID]: uid };
  const sandboxes = await runtime.listPodSandbox({ labelSelector: sel }, signal);
  const containers = await runtime.listContainers({ labelSelector: sel }, signal);
  return readPodRuntimeStatus(runtime, uid, name, namespace, sandboxes, containers, signal);
}

/** Builds a PodRuntimeStatus from already listed sandboxes and containers of one pod. */
export async function readPodRuntimeStatus(
  runtime: RuntimeService,
  uid: string,
  name: string,
  namespace: string,
  sandboxes: PodSandbox[],
  containers: CriContainer[],
  signal?: AbortSignal,
): Promise<PodRuntimeStatus> {
  const out = emptyRuntimeStatus(uid, name, namespace);
  for (const sb of sandboxes) {
    let ip = '';
    let additionalIps: string[] = [];
    if (sb.state === 'SANDBOX_READY') {
      try {
        const st = await runtime.podSandboxStatus(sb.id, signal);
        ip = st.network?.ip ?? '';
        additionalIps = (st.network?.additionalIps ?? []).map((a) => a.ip).filter((x) => x);
      } catch (err) {
        if (!isNotFound(err)) throw err;
        continue;
      }
    }
    out.sandboxes.push({ id: sb.id, attempt: sb.metadata.attempt, ready: sb.state === 'SANDBOX_READY', createdAtMs: nsToMs(sb.createdAt), ip, additionalIps });
  }
  for (const c of containers) {
    if (c.labels[LABEL_CONTAINER_TYPE] === 'podsandbox') continue;
    let st;
    try {
      st = await runtime.containerStatus(c.id, signal);
    } catch (err) {
      if (isNotFound(err)) continue;
      throw err;
    }
    const rc = Number(st.annotations[ANNOTATION_RESTART_COUNT] ?? c.annotations[ANNOTATION_RESTART_COUNT] ?? st.metadata.attempt);
    out.containers.push({
      id: c.id,
      name: st.labels[LABEL_CONTAINER_NAME] ?? st.metadata.name,
      sandboxId: c.podSandboxId,
      restartCount: Number.isFinite(rc) ? rc : st.metadata.attempt,
      state: STATE[st.state] ?? 'unknown',
      createdAtMs: nsToMs(st.createdAt),
      startedAtMs: nsToMs(st.startedAt),
      finishedAtMs: nsToMs(st.finishedAt),
      exitCode: st.exitCode,
      reason: st.reason,
      message: st.state === 'CONTAINER_EXITED' ? await terminationMessage(st) : st.message,
      image: st.image?.image ?? c.image.image,
      imageRef: st.imageRef || c.imageRef,
      hash: st.annotations[ANNOTATION_HASH] ?? '',
      logPath: st.logPath,
    });
  }
  out.sandboxes.sort((a, b) => b.createdAtMs - a.createdAtMs || b.attempt - a.attempt);
  out.containers.sort((a, b) => b.createdAtMs - a.createdAtMs || b.restartCount - a.restartCount);
  return out;
}
