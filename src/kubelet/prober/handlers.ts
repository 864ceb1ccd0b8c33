/**
 * Probe and lifecycle-hook handlers (pkg/probe/{exec,http,tcp,grpc}): each returns
 * success or failure with Kubernetes' output text (`HTTP probe failed with
 * statuscode: 500`, `dial tcp 10.0.0.5:80: connect: connection refused`,
 * `service unhealthy (responded with "NOT_SERVING")`, the command's output, ...).
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import type { Container } from '../../api/types.js';
import type { RuntimeService } from '../cri/api.js';

/** A handler's outcome; `output` is what events and messages show. */
export interface HandlerResult {
  result: 'success' | 'failure';
  output: string;
}

/** The action part of a probe or hook (core/v1 ProbeHandler / LifecycleHandler). */
export interface ActionSpec {
  exec?: { command?: string[] };
  httpGet?: { path?: string; port: number | string; host?: string; scheme?: string; httpHeaders?: { name: string; value: string }[] };
  tcpSocket?: { port: number | string; host?: string };
  grpc?: { port: number; service?: string };
  sleep?: { seconds: number };
}

/**
 * A container port by number or name (`http` → 8080), as Kubernetes' findPortByName.
 * @throws Error when a name matches no port.
 */
export function resolvePort(port: number | string, c: Container): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const p = (c.ports ?? []).find((x) => x.name === port);
  if (!p) throw new Error(`couldn't find port: ${port} in ${c.name}`);
  return p.containerPort;
}

const hostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

function errText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ECONNREFUSED') return 'connect: connection refused';
  if (e.code === 'EHOSTUNREACH') return 'connect: no route to host';
  if (e.code === 'ETIMEDOUT') return 'i/o timeout';
  return e.message ?? String(err);
}

/** Runs `cmd` in the container through CRI ExecSync: exit 0 succeeds; the combined output is the message. */
export async function runExec(runtime: RuntimeService, containerId: string, cmd: string[], timeoutSeconds: number, signal?: AbortSignal): Promise<HandlerResult> {
  try {
    const r = await runtime.execSync(containerId, cmd, timeoutSeconds, signal);
    const output = Buffer.concat([r.stdout, r.stderr]).toString('utf8');
    return { result: r.exitCode === 0 ? 'success' : 'failure', output };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (/timeout|deadline/i.test(msg)) return { result: 'failure', output: `command ${JSON.stringify(cmd.join(' '))} timed out` };
    throw err;
  }
}

/** HTTP(S) GET: 200–399 succeeds (TLS not verified); the URL error or status is the message. */
export function runHttpGet(spec: NonNullable<ActionSpec['httpGet']>, c: Container, podIP: string, timeoutSeconds: number): Promise<HandlerResult> {
  const port = resolvePort(spec.port, c);
  const host = spec.host || podIP;
  const scheme = (spec.scheme ?? 'HTTP').toLowerCase();
  const path = spec.path ? (spec.path.startsWith('/') ? spec.path : `/${spec.path}`) : '/';
  const url = `${scheme}://${hostPort(host, port)}${path}`;
  const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.32', Accept: '*/*' };
  for (const h of spec.httpHeaders ?? []) headers[h.name] = h.value;
  return new Promise((resolve) => {
    const lib = scheme === 'https' ? https : http;
    const req = lib.get(url, { headers, agent: false, timeout: timeoutSeconds * 1000, rejectUnauthorized: false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (d: Buffer) => { if (size < 10240) { chunks.push(d); size += d.length; } });
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        const body = Buffer.concat(chunks).subarray(0, 10240).toString('utf8');
        if (code >= 200 && code < 400) resolve({ result: 'success', output: body });
        else resolve({ result: 'failure', output: `HTTP probe failed with statuscode: ${code}` });
      });
      res.on('error', (e) => resolve({ result: 'failure', output: `Get ${JSON.stringify(url)}: ${e.message}` }));
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({ result: 'failure', output: `Get ${JSON.stringify(url)}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
    });
    req.on('error', (e) => resolve({ result: 'failure', output: `Get ${JSON.stringify(url)}: dial tcp ${hostPort(host, port)}: ${errText(e)}` }));
  });
}

/** TCP connect: an open connection succeeds. */
export function runTcp(spec: NonNullable<ActionSpec['tcpSocket']>, c: Container, podIP: string, timeoutSeconds: number): Promise<HandlerResult> {
  const port = resolvePort(spec.port, c);
  const host = spec.host || podIP;
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (r: HandlerResult): void => { sock.destroy(); clearTimeout(t); resolve(r); };
    const t = setTimeout(() => done({ result: 'failure', output: `dial tcp ${hostPort(host, port)}: i/o timeout` }), timeoutSeconds * 1000);
    sock.on('connect', () => done({ result: 'success', output: '' }));
    sock.on('error', (e) => done({ result: 'failure', output: `dial tcp ${hostPort(host, port)}: ${errText(e)}` }));
  });
}

const SERVING = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

/** Encodes grpc.health.v1.HealthCheckRequest { string service = 1 }. */
export function encodeHealthRequest(service: string): Buffer {
  const s = Buffer.from(service, 'utf8');
  if (s.length === 0) return Buffer.alloc(0);
  const len: number[] = [];
  let n = s.length;
  while (n > 0x7f) { len.push((n & 0x7f) | 0x80); n >>>= 7; }
  len.push(n);
  return Buffer.concat([Buffer.from([0x0a, ...len]), s]);
}

/** Decodes HealthCheckResponse { ServingStatus status = 1 } to its status number (0 when absent). */
export function decodeHealthResponse(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const tag = b[i++]!;
    let v = 0;
    let shift = 0;
    if ((tag & 7) === 0) {
      for (;;) { const x = b[i++] ?? 0; v |= (x & 0x7f) << shift; shift += 7; if (!(x & 0x80)) break; }
      if (tag >> 3 === 1) return v;
    } else if ((tag & 7) === 2) {
      for (;;) { const x = b[i++] ?? 0; v |= (x & 0x7f) << shift; shift += 7; if (!(x & 0x80)) break; }
      i += v;
    } else return 0;
  }
  return 0;
}

/** gRPC health check (grpc.health.v1.Health/Check) over plaintext: SERVING succeeds. */
export function runGrpc(spec: NonNullable<ActionSpec['grpc']>, podIP: string, timeoutSeconds: number): Promise<HandlerResult> {
  const addr = hostPort(podIP, spec.port);
  const client = new grpc.Client(addr, grpc.credentials.createInsecure());
  const deadline = Date.now() + timeoutSeconds * 1000;
  return new Promise((resolve) => {
    const done = (r: HandlerResult): void => { client.close(); resolve(r); };
    client.makeUnaryRequest('/grpc.health.v1.Health/Check', (x: Buffer) => x, (x: Buffer) => x, encodeHealthRequest(spec.service ?? ''), { deadline }, (err, res) => {
      if (err) {
        if (err.code === grpc.status.UNAVAILABLE) return done({ result: 'failure', output: `timeout: failed to connect service ${JSON.stringify(addr)} within ${timeoutSeconds}s: ${err.details}` });
        if (err.code === grpc.status.DEADLINE_EXCEEDED) return done({ result: 'failure', output: `timeout: health rpc did not complete within ${timeoutSeconds}s` });
        if (err.code === grpc.status.UNIMPLEMENTED) return done({ result: 'failure', output: `this server does not implement the grpc health protocol (grpc.health.v1.Health): ${err.details}` });
        return done({ result: 'failure', output: `rpc error: code = ${grpc.status[err.code]} desc = ${err.details}` });
      }
      const st = decodeHealthResponse(res ?? Buffer.alloc(0));
      if (st === 1) return done({ result: 'success', output: 'service healthy' });
      done({ result: 'failure', output: `service unhealthy (responded with ${JSON.stringify(SERVING[st] ?? String(st))})` });
    });
  });
}

/**
 * Runs the handler of `spec` against container `containerId` of a pod at `podIP`.
 * @throws Error for handler errors that are not probe failures (exec RPC errors, unknown port names, no handler).
 */
export async function runAction(spec: ActionSpec, c: Container, containerId: string, podIP: string, timeoutSeconds: number, runtime: RuntimeService, signal?: AbortSignal): Promise<HandlerResult> {
  if (spec.exec) return runExec(runtime, containerId, spec.exec.command ?? [], timeoutSeconds, signal);
  if (spec.httpGet) return runHttpGet(spec.httpGet, c, podIP, timeoutSeconds);
  if (spec.tcpSocket) return runTcp(spec.tcpSocket, c, podIP, timeoutSeconds);
  if (spec.grpc) return runGrpc(spec.grpc, podIP, timeoutSeconds);
  if (spec.sleep) {
    await new Promise((r) => setTimeout(r, spec.sleep!.seconds * 1000));
    return { result: 'success', output: '' };
  }
  throw new Error('missing probe handler');
}
