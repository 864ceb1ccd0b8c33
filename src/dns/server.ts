/**
 * The cluster DNS server (CoreDNS's role with its `kubernetes` and `forward` plugins):
 * answers the cluster zone from Service and EndpointSlice informers over UDP and TCP
 * (RFC 1035 4.2.2 two-byte length framing), and forwards every other name to the
 * host's resolvers (from /etc/resolv.conf) with a short timeout, answering SERVFAIL
 * when none replies. UDP answers over 512 bytes (or the client's EDNS size) are sent
 * truncated (TC) so clients retry over TCP.
 */
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import * as dnsPacket from 'dns-packet';
import type { EndpointSlice, Service } from '../api/servicetypes.js';
import type { ApiClient } from '../client/types.js';
import { Informer } from '../machinery/informer.js';
import { answerQuestion, inZone, type DnsRecord } from './records.js';

/** Options of {@link ClusterDNSServer}. */
export interface ClusterDNSServerOptions {
  client: ApiClient;
  /** Address to bind UDP and TCP to (the node IP). */
  host: string;
  /** Port for both protocols; 0 (default) picks a port free for both. */
  port?: number;
  /** Cluster domain (default `cluster.local`). */
  zone?: string;
  /** Upstream resolvers for other names (default: the nameservers of /etc/resolv.conf). */
  upstreams?: string[];
  /** Forwarding timeout, ms (default 2000). */
  forwardTimeoutMs?: number;
  log?: (line: string) => void;
}

const FLAG_AA = 1 << 10;
const FLAG_RD = 1 << 8;
const FLAG_RA = 1 << 7;
const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

/** Nameserver addresses of a resolv.conf text. */
export function resolvConfNameservers(text: string): string[] {
  return text.split('\n').map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1]).filter((s): s is string => !!s && net.isIP(s) !== 0);
}

function toAnswer(r: DnsRecord): dnsPacket.Answer {
  return { name: r.name, type: r.type, class: 'IN', ttl: r.ttl, data: r.data } as dnsPacket.Answer;
}

/** Runs the DNS server until stopped. */
export class ClusterDNSServer {
  private readonly ac = new AbortController();
  private readonly services: Informer<Service>;
  private readonly slices: Informer<EndpointSlice>;
  private udp?: dgram.Socket;
  private tcp?: net.Server;
  private readonly conns = new Set<net.Socket>();
  private readonly zone: string;
  private readonly upstreams: string[];
  /** The bound port (after start). */
  port = 0;

  constructor(private readonly opts: ClusterDNSServerOptions) {
    this.zone = (opts.zone ?? 'cluster.local').toLowerCase();
    this.services = new Informer<Service>(opts.client, { group: '', version: 'v1', resource: 'services' }, {}, opts.log);
    this.slices = new Informer<EndpointSlice>(opts.client, { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' }, {}, opts.log);
    let ups = opts.upstreams;
    if (!ups) {
      try { ups = resolvConfNameservers(readFileSync('/etc/resolv.conf', 'utf8')); } catch { ups = []; }
    }
    this.upstreams = ups.filter((u) => u !== opts.host);
  }

  /** Starts the informers, waits for their first lists, then binds. @throws when no port can be bound. */
  async start(): Promise<void> {
    this.services.start(this.ac.signal);
    this.slices.start(this.ac.signal);
    await Promise.all([this.services.hasSynced(), this.slices.hasSynced()]);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.bind(this.opts.port ?? 0);
        return;
      } catch (e) {
        await this.closeSockets();
        if (this.opts.port || attempt >= 5) throw e;
      }
    }
  }

  private async bind(port: number): Promise<void> {
    const tcp = net.createServer((s) => this.onTcp(s));
    this.tcp = tcp;
    await new Promise<void>((res, rej) => { tcp.once('error', rej); tcp.listen(port, this.opts.host, () => res()); });
    const bound = (tcp.address() as net.AddressInfo).port;
    const udp = dgram.createSocket('udp4');
    this.udp = udp;
    await new Promise<void>((res, rej) => { udp.once('error', rej); udp.bind(bound, this.opts.host, () => res()); });
    udp.on('error', (e) => this.opts.log?.(`dns: udp error: ${e.message}`));
    udp.on('message', (msg, rinfo) => {
      void this.handle(msg, true).then((out) => { if (out) udp.send(out, rinfo.port, rinfo.address); });
    });
    this.port = bound;
  }

  private onTcp(s: net.Socket): void {
    this.conns.add(s);
    s.on('close', () => this.conns.delete(s));
    s.on('error', () => s.destroy());
    s.setTimeout(10_000, () => s.destroy());
    let buf = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (buf.length < 2 + len) break;
        const msg = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        void this.handle(msg, false).then((out) => {
          if (!out || s.destroyed) return;
          const hdr = Buffer.alloc(2);
          hdr.writeUInt16BE(out.length);
          s.write(Buffer.concat([hdr, out]));
        });
      }
    });
  }

  /** Decodes one query and returns the encoded response (undefined: drop it). */
  private async handle(msg: Buffer, udp: boolean): Promise<Buffer | undefined> {
    let q: dnsPacket.Packet;
    try { q = dnsPacket.decode(msg); } catch { return undefined; }
    if (q.type !== 'query') return undefined;
    const rd = (q.flags ?? 0) & FLAG_RD;
    const question = q.questions?.[0];
    const reply = (rcode: number, extra: Partial<dnsPacket.Packet> = {}, aa = true): Buffer => dnsPacket.encode({
      type: 'response', id: q.id, flags: (aa ? FLAG_AA : 0) | rd | FLAG_RA | rcode, questions: q.questions ?? [], ...extra,
    });
    try {
      if (!question || (q.questions?.length ?? 0) !== 1) return reply(RCODE.NOTIMP, {}, false);
      if (!inZone(question.name, this.zone)) return await this.forward(msg, udp, () => reply(RCODE.SERVFAIL, {}, false));
      const a = answerQuestion(question.name, question.type, { services: this.services.list(), slices: this.slices.list() }, this.zone);
      if (!a) return reply(RCODE.SERVFAIL, {}, false);
      const out = reply(RCODE[a.rcode], { answers: a.answers.map(toAnswer), additionals: a.additionals.map(toAnswer) });
      const limit = Math.max(512, q.additionals?.find((r) => r.type === 'OPT')?.udpPayloadSize ?? 512);
      if (udp && out.length > limit) return dnsPacket.encode({ type: 'response', id: q.id, flags: FLAG_AA | rd | FLAG_RA | dnsPacket.TRUNCATED_RESPONSE, questions: q.questions ?? [] });
      return out;
    } catch (e) {
      this.opts.log?.(`dns: ${question?.name ?? '?'}: ${e instanceof Error ? e.message : String(e)}`);
      return reply(RCODE.SERVFAIL, {}, false);
    }
  }

  /** Relays `msg` to the first upstream that answers within the timeout (over UDP); `fail()` otherwise. */
  private async forward(msg: Buffer, udp: boolean, fail: () => Buffer): Promise<Buffer> {
    const timeout = this.opts.forwardTimeoutMs ?? 2000;
    for (const up of this.upstreams) {
      const got = await new Promise<Buffer | undefined>((resolve) => {
        const sock = dgram.createSocket(net.isIPv6(up) ? 'udp6' : 'udp4');
        const done = (b?: Buffer): void => { clearTimeout(t); sock.close(); resolve(b); };
        const t = setTimeout(() => done(), timeout);
        sock.on('error', () => done());
        sock.on('message', (b) => { if (b.length >= 2 && b.readUInt16BE(0) === msg.readUInt16BE(0)) done(b); });
        sock.send(msg, 53, up);
      });
      // A truncated upstream answer over a TCP client connection would need a TCP retry; pass it on as is.
      if (got) return got;
      if (this.ac.signal.aborted) break;
    }
    void udp;
    return fail();
  }

  private async closeSockets(): Promise<void> {
    const tcp = this.tcp;
    const udp = this.udp;
    this.tcp = undefined;
    this.udp = undefined;
    for (const c of this.conns) c.destroy();
    if (udp) await new Promise<void>((r) => { try { udp.close(() => r()); } catch { r(); } });
    if (tcp) await new Promise<void>((r) => tcp.close(() => r()));
  }

  /** Stops serving and watching. */
  async stop(): Promise<void> {
    this.ac.abort();
    await this.closeSockets();
  }
}
