/**
 * The WebSocket channel protocols of remotecommand (`channel.k8s.io` through
 * `v5.channel.k8s.io`, apimachinery's wsstream): every binary message starts with a
 * channel byte. Channels: 0 stdin, 1 stdout, 2 stderr, 3 error (a JSON Status from v4 on,
 * plain text before), 4 resize (v3+); v5 adds 255 = close, `ff <channel>`, a half-close
 * of that channel. Pure functions: negotiation, decoding client messages, encoding
 * server messages.
 */
import type { Status } from '../../api/types.js';

/** Channel numbers. */
export const Channel = { STDIN: 0, STDOUT: 1, STDERR: 2, ERROR: 3, RESIZE: 4, CLOSE: 255 } as const;

/** Channel protocols we serve for exec/attach, newest first. */
export const CHANNEL_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];

/** The WebSocket subprotocol kubectl 1.31+ uses for port-forward: SPDY/3.1 tunnelled in binary messages. */
export const PORT_FORWARD_TUNNEL_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';

/**
 * Picks the first protocol the client offered that we serve (the client's order wins,
 * as in wsstream). Undefined when none matches.
 */
export function negotiateProtocol(offered: readonly string[], served: readonly string[]): string | undefined {
  return offered.find((p) => served.includes(p));
}

/** Splits a `Sec-WebSocket-Protocol` header value into protocol names. */
export function parseProtocolHeader(v: string | string[] | undefined): string[] {
  const all = Array.isArray(v) ? v.join(',') : (v ?? '');
  return all.split(',').map((s) => s.trim()).filter(Boolean);
}

/** What one client message asks for. */
export type ClientAction =
  | { kind: 'stdin'; data: Buffer }
  | { kind: 'resize'; data: Buffer }
  | { kind: 'close'; channel: number }
  | { kind: 'ignore' };

/**
 * Decodes one binary client message. Empty messages and unknown channels are ignored;
 * the close channel exists only in v5 (older protocols ignore it).
 */
export function decodeClientMessage(protocol: string, msg: Buffer): ClientAction {
  if (msg.length === 0) return { kind: 'ignore' };
  const ch = msg[0]!;
  const data = msg.subarray(1);
  if (ch === Channel.STDIN) return data.length ? { kind: 'stdin', data } : { kind: 'ignore' };
  if (ch === Channel.RESIZE) return { kind: 'resize', data };
  if (ch === Channel.CLOSE && protocol === 'v5.channel.k8s.io' && data.length >= 1) return { kind: 'close', channel: data[0]! };
  return { kind: 'ignore' };
}

/** A server message: channel byte + payload. */
export function channelMessage(channel: number, data: Buffer): Buffer {
  const b = Buffer.allocUnsafe(data.length + 1);
  b[0] = channel;
  data.copy(b, 1);
  return b;
}

/**
 * What to send on the error channel for the Status the runtime produced (v4 JSON).
 * v4/v5 clients get the Status JSON as is; older protocols get the plain message, and
 * nothing on success. Undefined means "send nothing".
 */
export function errorChannelPayload(protocol: string, statusJson: Buffer): Buffer | undefined {
  if (statusJson.length === 0) return undefined;
  if (protocol === 'v5.channel.k8s.io' || protocol === 'v4.channel.k8s.io') return statusJson;
  let st: Partial<Status> | undefined;
  try {
    st = JSON.parse(statusJson.toString('utf8')) as Partial<Status>;
  } catch {
    return statusJson;
  }
  if (st?.status === 'Success') return undefined;
  return Buffer.from(st?.message ?? statusJson.toString('utf8'));
}

/** The Status a v4/v5 client expects for an exit code (0 = Success, else NonZeroExitCode). */
export function exitCodeStatus(code: number): Status {
  if (code === 0) return { metadata: {}, status: 'Success' } as Status;
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [...], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  } as Status;
}
