/**
 * Container logs from CRI log files (pkg/kubelet/kuberuntime/logs): parsing of
 * `<RFC3339Nano> <stdout|stderr> <F|P> <text>` records, joining of partial records,
 * the filters of `kubectl logs` (tailLines, sinceSeconds/sinceTime, timestamps,
 * limitBytes, previous) and following a live file until the container exits.
 */
import { open, readFile } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { badRequest, StatusError } from '../api/errors.js';
import type { ContainerStatus, Pod } from '../api/types.js';
import type { RuntimeService } from './cri/api.js';
import { CriError } from './cri/api.js';

/** One logical log line (partial records joined). `timeNs` is nanoseconds since the epoch. */
export interface LogLine {
  timeNs: bigint;
  stream: 'stdout' | 'stderr';
  content: string;
}

/** Query options of `GET /containerLogs/...` (PodLogOptions). */
export interface LogOptions {
  follow?: boolean;
  tailLines?: number;
  /** Nanoseconds since the epoch; lines strictly before are skipped. */
  sinceNs?: bigint;
  timestamps?: boolean;
  previous?: boolean;
  limitBytes?: number;
}

/** Parses an RFC 3339 timestamp with optional fraction and offset into ns since the epoch; undefined if malformed. */
export function parseTimeNs(s: string): bigint | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0') || '0');
}

/** RFC3339NanoFixed in UTC (`2024-01-01T00:00:00.123456789Z`), the kubelet's `timestamps=true` prefix. */
export function formatTimeNs(ns: bigint): string {
  const sec = ns / 1_000_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(Number(sec) * 1000).toISOString().slice(0, 19)}.${frac}Z`;
}

interface Record_ { timeNs: bigint; stream: 'stdout' | 'stderr'; partial: boolean; content: string }

/** Parses one CRI record; undefined for malformed lines. */
export function parseCriRecord(line: string): Record_ | undefined {
  const a = line.indexOf(' ');
  const b = a < 0 ? -1 : line.indexOf(' ', a + 1);
  if (b < 0) return undefined;
  const timeNs = parseTimeNs(line.slice(0, a));
  const stream = line.slice(a + 1, b);
  if (timeNs === undefined || (stream !== 'stdout' && stream !== 'stderr')) return undefined;
  const rest = line.slice(b + 1);
  const c = rest.indexOf(' ');
  const tag = c < 0 ? rest : rest.slice(0, c);
  const content = c < 0 ? '' : rest.slice(c + 1);
  return { timeNs, stream, partial: tag.split(':').includes('P'), content };
}

/** Incremental parser: feed file text, get complete logical lines (partials joined per stream). */
export class CriLogParser {
  private buf = '';
  private pending = new Map<string, { timeNs: bigint; content: string }>();

  /** Feeds raw text; returns the lines it completed. */
  push(text: string): LogLine[] {
    this.buf += text;
    const out: LogLine[] = [];
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const raw = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      const r = parseCriRecord(raw);
      if (!r) continue;
      const p = this.pending.get(r.stream);
      const timeNs = p?.timeNs ?? r.timeNs;
      const content = (p?.content ?? '') + r.content;
      if (r.partial) {
        this.pending.set(r.stream, { timeNs, content });
        continue;
      }
      this.pending.delete(r.stream);
      out.push({ timeNs, stream: r.stream, content });
    }
    return out;
  }
}

/** Parses a whole CRI log file's text into logical lines. */
export function parseCriLog(text: string): LogLine[] {
  return new CriLogParser().push(text.endsWith('\n') || text === '' ? text : `${text}\n`);
}

/** Applies since and tail filters (in that order, as the kubelet does). */
export function filterLines(lines: LogLine[], o: LogOptions): LogLine[] {
  let out = o.sinceNs !== undefined ? lines.filter((l) => l.timeNs >= o.sinceNs!) : lines;
  if (o.tailLines !== undefined && o.tailLines >= 0) out = o.tailLines === 0 ? [] : out.slice(-o.tailLines);
  return out;
}

/** Renders a line as the kubelet writes it (`<time> <text>\n` with timestamps). */
export function renderLine(l: LogLine, timestamps: boolean): string {
  return `${timestamps ? `${formatTimeNs(l.timeNs)} ` : ''}${l.content}\n`;
}

/** Where output goes; `write` may apply back-pressure by returning a promise. */
export interface LogSink {
  write(chunk: string): void | Promise<void>;
}

/** A containerLogs request. */
export interface ContainerLogsRequest {
  namespace: string;
  pod: string;
  container: string;
  options: LogOptions;
}

/** Streams logs to `sink`; throws StatusError (404 unknown pod/container, 400 not available). */
export type ContainerLogsHandler = (req: ContainerLogsRequest, sink: LogSink, signal: AbortSignal) => Promise<void>;

/** Dependencies of the CRI-backed handler. */
export interface LogsDeps {
  getPod(namespace: string, name: string): Pod | undefined;
  runtime: RuntimeService;
  /** Follow poll interval, ms (default 200). */
  pollMs?: number;
}

const notFound = (msg: string): StatusError => new StatusError(404, 'NotFound', msg);

/** The container ID (without `containerd://`) whose logs a request reads, as validateContainerLogStatus. */
export function containerIDForLogs(pod: Pod, container: string, previous: boolean): string {
  const podName = pod.metadata.name ?? '';
  const all = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
  const st: ContainerStatus | undefined = all.find((s) => s.name === container);
  if (!st) throw badRequest(`container "${container}" in pod "${podName}" is not available`);
  const strip = (id: string | undefined): string => (id ?? '').replace(/^[a-z]+:\/\//, '');
  const last = st.lastState?.terminated;
  if (previous) {
    if (!last || !last.containerID) throw badRequest(`previous terminated container "${container}" in pod "${podName}" not found`);
    return strip(last.containerID);
  }
  if (st.state.running) return strip(st.containerID);
  if (st.state.terminated) {
    if (st.state.terminated.containerID) return strip(st.state.terminated.containerID);
    if (last?.containerID) return strip(last.containerID);
    throw badRequest(`container "${container}" in pod "${podName}" is terminated`);
  }
  if (last?.containerID) return strip(last.containerID);
  const reason = st.state.waiting?.reason ?? '';
  if (reason === 'ErrImagePull') throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: image can't be pulled`);
  if (reason === 'ImagePullBackOff') throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: trying and failing to pull image`);
  throw badRequest(`container "${container}" in pod "${podName}" is waiting to start: ${reason}`);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((r) => {
    if (signal.aborted) return r();
    const onAbort = (): void => { clearTimeout(t); r(); };
    const t = setTimeout(() => { signal.removeEventListener('abort', onAbort); r(); }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Writes lines to the sink, honouring limitBytes; returns false once the limit is reached. */
class LimitedWriter {
  private written = 0;
  constructor(private readonly sink: LogSink, private readonly limit: number | undefined) {}
  async write(s: string): Promise<boolean> {
    if (this.limit === undefined) {
      await this.sink.write(s);
      return true;
    }
    const left = this.limit - this.written;
    if (left <= 0) return false;
    const buf = Buffer.from(s);
    const chunk = buf.length > left ? buf.subarray(0, left).toString() : s;
    this.written += Math.min(buf.length, left);
    await this.sink.write(chunk);
    return this.written < this.limit;
  }
}

/** Builds the handler that serves logs of the kubelet's pods from CRI log files. */
export function createContainerLogsHandler(deps: LogsDeps): ContainerLogsHandler {
  return async (req, sink, signal) => {
    const pod = deps.getPod(req.namespace, req.pod);
    if (!pod) throw notFound(`pod "${req.pod}" does not exist`);
    const known = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].some((c) => c.name === req.container);
    if (!known) throw notFound(`container "${req.container}" not found in pod "${req.pod}"`);
    const id = containerIDForLogs(pod, req.container, !!req.options.previous);
    let logPath: string;
    try {
      logPath = (await deps.runtime.containerStatus(id, signal)).logPath;
    } catch (err) {
      if (err instanceof CriError && err.code === 5) {
        if (req.options.previous) throw badRequest(`previous terminated container "${req.container}" in pod "${req.pod}" not found`);
        throw badRequest(`container "${req.container}" in pod "${req.pod}" is not available`);
      }
      throw err;
    }
    await streamLogFile(logPath, req.options, sink, signal, {
      pollMs: deps.pollMs ?? 200,
      isRunning: async () => {
        try {
          return (await deps.runtime.containerStatus(id, signal)).state === 'CONTAINER_RUNNING';
        } catch {
          return false;
        }
      },
    });
  };
}

/**
 * Writes the (filtered) content of a CRI log file to `sink`; with `follow`, keeps
 * reading appended records until `isRunning` turns false (after a final read) or
 * `signal` aborts.
 */
export async function streamLogFile(path: string, o: LogOptions, sink: LogSink, signal: AbortSignal, f: { pollMs: number; isRunning: () => Promise<boolean> }): Promise<void> {
  const out = new LimitedWriter(sink, o.limitBytes);
  let text = '';
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  let offset = Buffer.byteLength(text);
  const parser = new CriLogParser();
  const decoder = new StringDecoder('utf8');
  const initial = filterLines(parser.push(text), o);
  for (const l of initial) if (!(await out.write(renderLine(l, !!o.timestamps)))) return;
  if (!o.follow) return;
  for (;;) {
    if (signal.aborted) return;
    const running = await f.isRunning();
    const chunk = await readFrom(path, offset);
    offset += chunk.length;
    for (const l of parser.push(decoder.write(chunk))) {
      if (o.sinceNs !== undefined && l.timeNs < o.sinceNs) continue;
      if (!(await out.write(renderLine(l, !!o.timestamps)))) return;
    }
    if (!running) return;
    await sleep(f.pollMs, signal);
  }
}

async function readFrom(path: string, offset: number): Promise<Buffer> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
    throw err;
  }
  try {
    const { size } = await fh.stat();
    if (size <= offset) return Buffer.alloc(0);
    const buf = Buffer.alloc(size - offset);
    const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
