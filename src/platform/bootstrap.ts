/**
 * Node bootstrap: how a worker (`peapod agent`) joins a server, as k3s's join token does.
 *
 * The server writes a join token to `<dataDir>/token`: `PP10<sha256 of the CA PEM>::join:<secret>`.
 * The agent first fetches the CA (`GET /peapod/v1/cacerts`, unauthenticated) and checks it against
 * the hash in the token, so the secret only ever travels over a TLS connection verified against the
 * right CA. Then `POST /peapod/v1/node-credentials` (Bearer token) returns a kubelet certificate
 * (CN=system:node:<name>, O=system:nodes, server+client auth, SANs = name and IPs) signed by the
 * cluster CA, and the node's pod CIDR: the one its Node already has, the one the agent asked for, or
 * the lowest free `10.244.N.0/24` (as kube-controller-manager's range allocator fills Node.spec.podCIDR).
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { execFile } from 'node:child_process';
import { createHash, createPrivateKey, randomBytes, timingSafeEqual, webcrypto } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { badRequest, forbidden, StatusError } from '../api/errors.js';
import type { Node } from '../api/types.js';
import type { ApiClient } from '../client/types.js';
import { Resources } from '../client/types.js';
import type { ExtraRoute } from '../apiserver/server.js';
import { writeJson } from '../apiserver/http/respond.js';
import { readBody } from '../apiserver/http/body.js';
import { writeFileAtomic, type ClusterPki } from './pki.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);
const execFileP = promisify(execFile);

/** File (under the server's data dir) holding the join token. */
export const JOIN_TOKEN_FILE = 'token';
/** The identity a join token authenticates as (group `system:bootstrappers`, as kubeadm's bootstrap tokens). */
export const BOOTSTRAP_USER = { user: 'system:bootstrap:peapod-join', groups: ['system:bootstrappers', 'system:authenticated'] };
/** Paths of the bootstrap endpoints. */
export const CACERTS_PATH = '/peapod/v1/cacerts';
/** Token-authenticated endpoint that issues a joining node its kubelet certificate and pod CIDR. */
export const NODE_CREDENTIALS_PATH = '/peapod/v1/node-credentials';
/** The cluster pod network pod CIDRs are carved from. */
export const CLUSTER_CIDR = '10.244.0.0/16';

/** sha256 (hex) of the CA PEM exactly as `GET /peapod/v1/cacerts` serves it. */
export function caHash(caPem: string): string {
  return createHash('sha256').update(caPem).digest('hex');
}

/** A parsed join token. */
export interface JoinToken {
  caHash: string;
  secret: string;
}

/** Parses `PP10<64 hex>::join:<secret>`; undefined when malformed. */
export function parseJoinToken(token: string): JoinToken | undefined {
  const m = /^PP10([0-9a-f]{64})::join:([0-9A-Za-z]{16,})$/.exec(token.trim());
  return m ? { caHash: m[1]!, secret: m[2]! } : undefined;
}

/** Formats a join token for a CA and secret. */
export function formatJoinToken(caPem: string, secret: string): string {
  return `PP10${caHash(caPem)}::join:${secret}`;
}

/**
 * Returns the join token in `<dataDir>/token`, creating it (mode 0600) when missing or when it
 * names another CA (the CA was regenerated).
 */
export async function ensureJoinToken(dataDir: string, caPem: string): Promise<string> {
  const file = join(dataDir, JOIN_TOKEN_FILE);
  const existing = (await readFile(file, 'utf8').catch(() => '')).trim();
  const parsed = parseJoinToken(existing);
  if (parsed && parsed.caHash === caHash(caPem)) return existing;
  const token = formatJoinToken(caPem, randomBytes(16).toString('hex'));
  await writeFileAtomic(file, `${token}\n`, 0o600);
  return token;
}

/** The bearer-token map for the API server: the join token authenticates as {@link BOOTSTRAP_USER}. */
export function joinTokenUsers(token: string): Map<string, { user: string; groups: string[] }> {
  return new Map([[token, BOOTSTRAP_USER]]);
}

/** Node credentials as the endpoint returns them. PEM strings. */
export interface NodeCredentials {
  caPem: string;
  certPem: string;
  keyPem: string;
  podCIDR: string;
}

/**
 * Issues the kubelet certificate for a node: CN=system:node:<nodeName>, O=system:nodes,
 * serverAuth+clientAuth, SANs = the node name and `ips`, 1 year, signed by the cluster CA.
 * @throws Error on an invalid IP or an unreadable CA key.
 */
export async function issueNodeCertificate(ca: { certPem: string; keyPem: string }, nodeName: string, ips: string[]): Promise<{ certPem: string; keyPem: string }> {
  for (const ip of ips) if (isIP(ip) === 0) throw new Error(`invalid node IP ${JSON.stringify(ip)}`);
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await webcrypto.subtle.importKey('pkcs8', createPrivateKey(ca.keyPem).export({ type: 'pkcs8', format: 'der' }),
    { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial.toString('hex'),
    subject: `O=system:nodes, CN=system:node:${nodeName}`,
    issuer: caCert.subject,
    notBefore: new Date(now - 5 * 60_000),
    notAfter: new Date(now + 365 * 86_400_000),
    publicKey: keys.publicKey as unknown as CryptoKey,
    signingKey: caKey as unknown as CryptoKey,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth], false),
      await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: nodeName }, ...ips.map((value) => ({ type: 'ip' as const, value }))], false),
    ],
  });
  const der = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: cert.toString('pem') + '\n', keyPem: x509.PemConverter.encode(der, 'PRIVATE KEY') + '\n' };
}

/**
 * The lowest free `10.244.N.0/24` (N = 1..254) not in `taken` (CIDR strings).
 * @throws Error when all 254 are taken.
 */
export function allocatePodCIDR(taken: Iterable<string>): string {
  const used = new Set(taken);
  for (let n = 1; n <= 254; n++) {
    const cidr = `10.244.${n}.0/24`;
    if (!used.has(cidr)) return cidr;
  }
  throw new Error(`no free /24 left in ${CLUSTER_CIDR}`);
}

/** `10.244.N.0/24` destinations of the host's routing table (other clusters' bridges, our routes). */
export async function hostPodRoutes(): Promise<string[]> {
  try {
    const { stdout } = await execFileP('ip', ['-j', '-4', 'route', 'show']);
    const routes: unknown = JSON.parse(stdout || '[]');
    if (!Array.isArray(routes)) return [];
    return routes.map((r: unknown) => (r as { dst?: unknown }).dst).filter((d): d is string => typeof d === 'string' && /^10\.244\.\d+\.0\/24$/.test(d));
  } catch {
    return [];
  }
}

/** Options of {@link bootstrapRoutes}. */
export interface BootstrapRoutesOptions {
  pki: ClusterPki;
  /** Extra CIDRs never handed out (default: the host's 10.244.N.0/24 routes, read per request). */
  takenCIDRs?: () => Promise<string[]>;
  log?: (line: string) => void;
}

interface CredentialsRequest {
  nodeName: string;
  nodeIPs: string[];
  podCIDR?: string;
}

function parseCredentialsRequest(body: Buffer): CredentialsRequest {
  let raw: unknown;
  try {
    raw = JSON.parse(body.toString('utf8'));
  } catch {
    throw badRequest('node-credentials: the body must be JSON');
  }
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const nodeName = o['nodeName'];
  if (typeof nodeName !== 'string' || !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(nodeName)) throw badRequest('node-credentials: nodeName must be a DNS subdomain');
  const ips = Array.isArray(o['nodeIPs']) ? o['nodeIPs'] : [];
  if (ips.some((ip) => typeof ip !== 'string' || isIP(ip) === 0)) throw badRequest('node-credentials: nodeIPs must be IP addresses');
  const podCIDR = o['podCIDR'];
  if (podCIDR !== undefined && (typeof podCIDR !== 'string' || !/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(podCIDR))) throw badRequest('node-credentials: podCIDR must be an IPv4 CIDR');
  return { nodeName, nodeIPs: ips as string[], ...(podCIDR ? { podCIDR: podCIDR as string } : {}) };
}

/**
 * The API server routes of the bootstrap protocol. CIDRs handed out but not yet on a Node are
 * remembered (per node name) for the server's lifetime, so concurrent joins never get the same one.
 */
export function bootstrapRoutes(opts: BootstrapRoutesOptions): ExtraRoute[] {
  const reserved = new Map<string, string>();
  let chain: Promise<unknown> = Promise.resolve();
  const cacerts: ExtraRoute = {
    method: 'GET', path: CACERTS_PATH, public: true,
    handle: async (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(200, { 'Content-Type': 'application/x-pem-file', 'Content-Length': Buffer.byteLength(opts.pki.ca.certPem) });
      res.end(opts.pki.ca.certPem);
    },
  };
  const credentials: ExtraRoute = {
    method: 'POST', path: NODE_CREDENTIALS_PATH,
    handle: async (req, res, ctx) => {
      const groups = ctx.user?.groups ?? [];
      if (!groups.includes('system:bootstrappers') && !groups.includes('system:masters')) {
        throw forbidden(`User "${ctx.user?.user ?? 'system:anonymous'}" cannot create node credentials`);
      }
      const body = parseCredentialsRequest(await readBody(req));
      // Serialise allocations: two joins at once must not pick the same CIDR.
      const run = chain.then(async () => {
        const nodes = (await ctx.registries.nodes.list(undefined, {})).items as Node[];
        const own = nodes.find((n) => n.metadata.name === body.nodeName)?.spec?.podCIDR;
        const podCIDR = own || body.podCIDR || reserved.get(body.nodeName) || allocatePodCIDR([
          ...nodes.map((n) => n.spec?.podCIDR ?? '').filter(Boolean),
          ...[...reserved.entries()].filter(([name]) => name !== body.nodeName).map(([, c]) => c),
          ...(await (opts.takenCIDRs ?? hostPodRoutes)()),
        ]);
        reserved.set(body.nodeName, podCIDR);
        return podCIDR;
      });
      chain = run.catch(() => undefined);
      const podCIDR = await run;
      const cert = await issueNodeCertificate(opts.pki.ca, body.nodeName, body.nodeIPs);
      opts.log?.(`bootstrap: issued credentials for node ${body.nodeName} (${body.nodeIPs.join(', ')}), pod CIDR ${podCIDR}`);
      const out: NodeCredentials = { caPem: opts.pki.ca.certPem, ...cert, podCIDR };
      writeJson(res, 200, out);
    },
  };
  return [cacerts, credentials];
}

function request(url: URL, init: { method: string; ca?: string; token?: string; body?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, {
      method: init.method,
      ...(init.ca ? { ca: init.ca, rejectUnauthorized: true } : { rejectUnauthorized: false }),
      headers: {
        ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}),
        ...(init.body ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(init.body) } : {}),
      },
      timeout: 15_000,
    }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('timeout', () => req.destroy(new Error(`${url.href}: timed out`)));
    req.on('error', reject);
    req.end(init.body);
  });
}

/**
 * The agent side: fetches the CA, checks it against the token's hash, then asks for node
 * credentials over a connection verified with that CA.
 * @throws Error on a malformed token, a CA hash mismatch, or a non-200 answer (with the server's message).
 */
export async function fetchNodeCredentials(server: string, token: string, req: CredentialsRequest): Promise<NodeCredentials> {
  const parsed = parseJoinToken(token);
  if (!parsed) throw new Error('malformed join token (expected PP10<hash>::join:<secret>, from the server\'s <data-dir>/token)');
  const ca = await request(new URL(CACERTS_PATH, server), { method: 'GET' });
  if (ca.status !== 200) throw new Error(`GET ${CACERTS_PATH}: HTTP ${ca.status}: ${ca.body.slice(0, 200)}`);
  if (caHash(ca.body) !== parsed.caHash) throw new Error(`the server's CA does not match the join token (sha256 ${caHash(ca.body)})`);
  const res = await request(new URL(NODE_CREDENTIALS_PATH, server), { method: 'POST', ca: ca.body, token: token.trim(), body: JSON.stringify(req) });
  if (res.status !== 200) throw new Error(`POST ${NODE_CREDENTIALS_PATH}: HTTP ${res.status}: ${res.body.slice(0, 300)}`);
  const out = JSON.parse(res.body) as Partial<NodeCredentials>;
  if (!out.caPem || !out.certPem || !out.keyPem || !out.podCIDR) throw new Error('node-credentials: incomplete answer');
  if (!safeEqual(out.caPem, ca.body)) throw new Error('node-credentials: CA changed between calls');
  return out as NodeCredentials;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Makes sure the server's own Node carries `node-role.kubernetes.io/control-plane` (kubeadm labels
 * the control-plane node; workers have no role): creates a bare Node with the label before the
 * kubelet registers it, or adds the label to an existing one.
 */
export async function ensureControlPlaneNode(client: ApiClient, nodeName: string): Promise<void> {
  const ref = Resources.nodes();
  const label = 'node-role.kubernetes.io/control-plane';
  for (let i = 0; i < 3; i++) {
    try {
      const node = await client.get<Node>(ref, nodeName);
      if (node.metadata.labels?.[label] === '') return;
      await client.update<Node>(ref, { ...node, metadata: { ...node.metadata, labels: { ...(node.metadata.labels ?? {}), [label]: '' } } });
      return;
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      if (e.code === 404) {
        try {
          await client.create<Node>(ref, { apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName, labels: { [label]: '' } }, spec: {} });
          return;
        } catch (c) {
          if (!(c instanceof StatusError) || c.code !== 409) throw c;
        }
      } else if (e.code !== 409) throw e;
    }
  }
}
