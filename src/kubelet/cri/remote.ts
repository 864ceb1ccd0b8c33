/**
 * CRI client over gRPC: implements {@link RuntimeService} and {@link ImageService}
 * against a real runtime (containerd) listening on a unix socket, as the kubelet's
 * `remote.NewRemoteRuntimeService` / `NewRemoteImageService` do.
 *
 * The protocol schema is peapod's own `src/kubelet/cri/proto/runtime.proto`, loaded
 * at runtime with @grpc/proto-loader (keepCase=false, longs=Number, enums=String,
 * defaults=true), which makes decoded messages match the shapes in `api.ts`.
 *
 * Locating the .proto: tsc does not copy it into dist/, so {@link runtimeProtoPath}
 * tries `./proto/runtime.proto` next to this module (works when running the sources
 * directly or when a build step copies the file), then the source tree seen from the
 * compiled module (`dist/src/kubelet/cri/` -> `../../../../src/kubelet/cri/proto/`).
 * `PEAPOD_CRI_PROTO` overrides both.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import {
  CriError,
  type Container,
  type ContainerConfig,
  type ContainerFilter,
  type ContainerStatus,
  type ExecSyncResponse,
  type Image,
  type ImageService,
  type ImageSpec,
  type PodSandbox,
  type PodSandboxConfig,
  type PodSandboxFilter,
  type PodSandboxStatus,
  type RuntimeCondition,
  type RuntimeService,
  type StreamRequest,
  type VersionResponse,
} from './api.js';

/** Options for {@link createRemoteRuntime}. */
export interface RemoteRuntimeOptions {
  /** Deadline of ordinary calls, ms. Default 30 000. */
  timeoutMs?: number;
  /** Deadline of PullImage, ms. Default 120 000. */
  pullTimeoutMs?: number;
}

/** A connected CRI client pair; `close()` releases the shared channel. */
export interface RemoteRuntime {
  runtime: RuntimeService;
  images: ImageService;
  close(): void;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_PULL_TIMEOUT_MS = 120_000;
/** Kubernetes' CRI client limit for response size (16 MiB). */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/**
 * Absolute path of the runtime.v1 .proto (see the module doc for the search order).
 * @throws Error if no candidate exists.
 */
export function runtimeProtoPath(): string {
  const env = process.env['PEAPOD_CRI_PROTO'];
  const candidates = [
    ...(env ? [env] : []),
    fileURLToPath(new URL('./proto/runtime.proto', import.meta.url)),
    fileURLToPath(new URL('../../../../src/kubelet/cri/proto/runtime.proto', import.meta.url)),
  ];
  for (const c of candidates) if (existsSync(c)) return c;
  throw new Error(`runtime.proto not found; tried ${candidates.join(', ')}`);
}

let cachedPackage: grpc.GrpcObject | undefined;

function loadPackage(): grpc.GrpcObject {
  if (!cachedPackage) {
    const def = protoLoader.loadSync(runtimeProtoPath(), {
      keepCase: false,
      longs: Number,
      enums: String,
      defaults: true,
      oneofs: true,
    });
    cachedPackage = grpc.loadPackageDefinition(def);
  }
  return cachedPackage;
}

function serviceCtor(name: 'RuntimeService' | 'ImageService'): grpc.ServiceClientConstructor {
  const runtime = loadPackage()['runtime'];
  const v1 = runtime && typeof runtime === 'object' ? (runtime as grpc.GrpcObject)['v1'] : undefined;
  const ctor = v1 && typeof v1 === 'object' ? (v1 as grpc.GrpcObject)[name] : undefined;
  if (typeof ctor !== 'function') throw new Error(`runtime.v1.${name} missing from runtime.proto`);
  return ctor as grpc.ServiceClientConstructor;
}

/**
 * Removes `null` entries (proto-loader's `defaults: true` renders unset
 * sub-messages as null) so that optional fields are `undefined` as api.ts declares.
 */
function stripNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripNulls);
  if (v === null || typeof v !== 'object' || Buffer.isBuffer(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) if (val !== null && val !== undefined) out[k] = stripNulls(val);
  return out;
}

function isServiceError(e: unknown): e is grpc.ServiceError {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'number';
}

type UnaryMethod = (
  req: unknown,
  meta: grpc.Metadata,
  opts: grpc.CallOptions,
  cb: (err: grpc.ServiceError | null, res?: unknown) => void,
) => grpc.ClientUnaryCall;

/**
 * One unary call with a deadline and abort support. Resolves with the decoded
 * response (nulls stripped); rejects with CriError(code, details). An abort rejects
 * with CriError(1 CANCELLED) at once, whatever the server does.
 */
function unary(
  client: grpc.Client,
  method: string,
  req: Record<string, unknown>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new CriError(grpc.status.CANCELLED, `${method}: aborted before start`));
      return;
    }
    const fn = (client as unknown as Record<string, unknown>)[method];
    if (typeof fn !== 'function') {
      reject(new CriError(grpc.status.UNIMPLEMENTED, `${method}: not in runtime.proto`));
      return;
    }
    const opts: grpc.CallOptions = Number.isFinite(timeoutMs) ? { deadline: Date.now() + timeoutMs } : {};
    let settled = false;
    const onAbort = (): void => {
      if (settled) return;
      settled = true;
      call.cancel();
      reject(new CriError(grpc.status.CANCELLED, `${method}: aborted`));
    };
    const call = (fn as UnaryMethod).call(client, req, new grpc.Metadata(), opts, (err, res) => {
      signal?.removeEventListener('abort', onAbort);
      if (settled) return;
      settled = true;
      if (err) {
        reject(isServiceError(err) ? new CriError(err.code, `${method}: ${err.details || err.message}`) : err);
        return;
      }
      resolve((stripNulls(res) ?? {}) as Record<string, unknown>);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Connects to a CRI runtime on `socketPath` (a filesystem path; `unix://` is added
 * when missing). Connection is lazy: the first call connects, and a runtime that is
 * not up yet yields CriError(14 UNAVAILABLE) from that call (fail-fast, no waiting).
 *
 * Deadlines: 30 s per call (`timeoutMs`), 2 min for PullImage (`pullTimeoutMs`),
 * twice `timeoutMs` for RunPodSandbox (as the kubelet does); StopContainer and
 * ExecSync add their own timeout on top; ExecSync with timeout 0 has no deadline.
 * Every method throws {@link CriError} with the gRPC status code.
 */
export function createRemoteRuntime(socketPath: string, options: RemoteRuntimeOptions = {}): RemoteRuntime {
  const target = socketPath.startsWith('unix:') ? socketPath : `unix://${socketPath}`;
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const pullTimeout = options.pullTimeoutMs ?? DEFAULT_PULL_TIMEOUT_MS;
  const channelOptions: grpc.ChannelOptions = {
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    // The default authority would be the socket path, which is not a valid :authority.
    'grpc.default_authority': 'localhost',
    // Reconnect backoff as the kubelet's CRI client: 100 ms base, 3 s max (grpc-js
    // defaults are 1 s / 120 s, which makes a restarted runtime look down for long).
    'grpc.initial_reconnect_backoff_ms': 100,
    'grpc.max_reconnect_backoff_ms': 3000,
  };
  const creds = grpc.credentials.createInsecure();
  const rs = new (serviceCtor('RuntimeService'))(target, creds, channelOptions);
  const is = new (serviceCtor('ImageService'))(target, creds, { ...channelOptions, channelOverride: rs.getChannel() });
  const r = (m: string, req: Record<string, unknown>, signal?: AbortSignal, t = timeout) => unary(rs, m, req, t, signal);
  const i = (m: string, req: Record<string, unknown>, signal?: AbortSignal, t = timeout) => unary(is, m, req, t, signal);
  return {
    runtime: runtimeService(r, timeout),
    images: imageService(i, pullTimeout),
    close(): void {
      is.close();
      rs.close();
    },
  };
}

type Caller = (method: string, req: Record<string, unknown>, signal?: AbortSignal, timeoutMs?: number) => Promise<Record<string, unknown>>;

/** Field of a decoded response, typed by the proto schema (the decoder guarantees the shape). */
function field<T>(res: Record<string, unknown>, name: string): T {
  return res[name] as T;
}

function runtimeService(r: Caller, timeout: number): RuntimeService {
  const streamReq = (req: StreamRequest) => ({
    containerId: req.containerId, stdin: req.stdin, stdout: req.stdout, stderr: req.stderr, tty: req.tty,
  });
  return {
    version: async (signal) => (await r('Version', { version: 'v1' }, signal)) as unknown as VersionResponse,
    status: async (signal) => {
      const res = await r('Status', {}, signal);
      const st = field<{ conditions?: RuntimeCondition[] } | undefined>(res, 'status');
      return { conditions: st?.conditions ?? [] };
    },
    runPodSandbox: async (config, runtimeHandler, signal) =>
      // Twice the usual deadline, as the kubelet does: the sandbox may pull its image.
      field<string>(await r('RunPodSandbox', { config, runtimeHandler: runtimeHandler ?? '' }, signal, 2 * timeout), 'podSandboxId'),
    stopPodSandbox: async (podSandboxId, signal) => { await r('StopPodSandbox', { podSandboxId }, signal); },
    removePodSandbox: async (podSandboxId, signal) => { await r('RemovePodSandbox', { podSandboxId }, signal); },
    podSandboxStatus: async (podSandboxId, signal) => {
      const st = field<PodSandboxStatus | undefined>(await r('PodSandboxStatus', { podSandboxId }, signal), 'status');
      if (!st) throw new CriError(grpc.status.NOT_FOUND, `PodSandboxStatus: no status for ${podSandboxId}`);
      return st;
    },
    listPodSandbox: async (filter?: PodSandboxFilter, signal?) =>
      field<PodSandbox[]>(await r('ListPodSandbox', filter ? { filter } : {}, signal), 'items') ?? [],
    createContainer: async (podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig, signal?) =>
      field<string>(await r('CreateContainer', { podSandboxId, config, sandboxConfig }, signal), 'containerId'),
    startContainer: async (containerId, signal) => { await r('StartContainer', { containerId }, signal); },
    stopContainer: async (containerId, timeoutSeconds, signal) => {
      await r('StopContainer', { containerId, timeout: timeoutSeconds }, signal, timeout + Math.max(0, timeoutSeconds) * 1000);
    },
    removeContainer: async (containerId, signal) => { await r('RemoveContainer', { containerId }, signal); },
    listContainers: async (filter?: ContainerFilter, signal?) =>
      field<Container[]>(await r('ListContainers', filter ? { filter } : {}, signal), 'containers') ?? [],
    containerStatus: async (containerId, signal) => {
      const st = field<ContainerStatus | undefined>(await r('ContainerStatus', { containerId }, signal), 'status');
      if (!st) throw new CriError(grpc.status.NOT_FOUND, `ContainerStatus: no status for ${containerId}`);
      return st;
    },
    execSync: async (containerId, cmd, timeoutSeconds, signal) => {
      const deadline = timeoutSeconds > 0 ? timeout + timeoutSeconds * 1000 : Infinity;
      const res = await r('ExecSync', { containerId, cmd, timeout: timeoutSeconds }, signal, deadline);
      return {
        stdout: field<Buffer | undefined>(res, 'stdout') ?? Buffer.alloc(0),
        stderr: field<Buffer | undefined>(res, 'stderr') ?? Buffer.alloc(0),
        exitCode: field<number>(res, 'exitCode') ?? 0,
      } satisfies ExecSyncResponse;
    },
    exec: async (req, signal) => field<string>(await r('Exec', { ...streamReq(req), cmd: req.cmd }, signal), 'url'),
    attach: async (req, signal) => field<string>(await r('Attach', streamReq(req), signal), 'url'),
    portForward: async (podSandboxId, ports, signal) =>
      field<string>(await r('PortForward', { podSandboxId, port: ports }, signal), 'url'),
    reopenContainerLog: async (containerId, signal) => { await r('ReopenContainerLog', { containerId }, signal); },
  };
}

function imageService(i: Caller, pullTimeout: number): ImageService {
  return {
    listImages: async (filter?: { image?: ImageSpec }, signal?) =>
      field<Image[]>(await i('ListImages', filter ? { filter } : {}, signal), 'images') ?? [],
    imageStatus: async (image, signal) => {
      const img = field<Image | undefined>(await i('ImageStatus', { image }, signal), 'image');
      return img && img.id !== '' ? img : undefined;
    },
    pullImage: async (image, sandboxConfig, signal) => {
      const req: Record<string, unknown> = { image };
      if (sandboxConfig) req['sandboxConfig'] = sandboxConfig;
      return field<string>(await i('PullImage', req, signal, pullTimeout), 'imageRef');
    },
    removeImage: async (image, signal) => { await i('RemoveImage', { image }, signal); },
  };
}
