/**
 * Cluster PKI: one self-signed ECDSA P-256 CA and the certificates every peapod
 * component needs, laid out like kubeadm's `/etc/kubernetes/pki`.
 *
 * Files are created once and reused on later starts. A certificate is issued
 * again when it is missing, unreadable, not signed by the current CA, close to
 * expiry, does not match its key, or carries a different subject or SAN set
 * than requested (for example after the node IP changed).
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, createPublicKey, randomBytes, webcrypto } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { PeerCertificate } from 'node:tls';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;
/** CA lifetime: 10 years (kubeadm's CA default). */
const CA_VALIDITY_DAYS = 3650;
/** Leaf lifetime: 1 year (kubeadm's default), renewed at start when < 30 days remain. */
const LEAF_VALIDITY_DAYS = 365;
const RENEW_BEFORE_DAYS = 30;
/** Backdate notBefore to tolerate small clock skew between hosts. */
const BACKDATE_MS = 5 * 60 * 1000;

/** A PEM certificate with its PEM (PKCS#8) private key and where both live on disk. */
export interface CertKeyPair {
  certPem: string;
  keyPem: string;
  certPath: string;
  keyPath: string;
}

/** A certificate and key held in memory only (see {@link issueClientCert}). */
export interface IssuedCert {
  certPem: string;
  keyPem: string;
}

/** Subject alternative names: DNS names and IP literals (v4 or v6). */
export interface SubjectAltNames {
  dns: string[];
  ips: string[];
}

/** Everything {@link ensureClusterPki} guarantees exists under `dir`. */
export interface ClusterPki {
  dir: string;
  /** `ca.crt` / `ca.key`: the cluster CA that signs and verifies everything below. */
  ca: CertKeyPair;
  /** `apiserver.crt|key`: serverAuth; SANs = defaults + `serverSANs`. */
  apiserver: CertKeyPair;
  /** `admin.crt|key`: clientAuth, CN=admin, O=system:masters. */
  admin: CertKeyPair;
  /** `kubelet.crt|key`: server+client auth, CN=system:node:<nodeName>, O=system:nodes. */
  kubelet: CertKeyPair;
  /** `apiserver-kubelet-client.crt|key`: clientAuth, CN=kube-apiserver-kubelet-client, O=system:masters. */
  apiserverKubeletClient: CertKeyPair;
}

/** Options of {@link ensureClusterPki}. */
export interface EnsureClusterPkiOptions {
  /** Extra SANs for the API server certificate (merged with the defaults, deduplicated). */
  serverSANs: SubjectAltNames;
  /** Node name for the kubelet certificate; defaults to `os.hostname()`. */
  nodeName?: string;
  /** Node IPs for the kubelet certificate; defaults to the non-loopback `serverSANs.ips`. */
  nodeIPs?: string[];
}

/** SANs every API server certificate carries, as kubeadm does (minus the service IP). */
export const DEFAULT_APISERVER_SANS: Readonly<SubjectAltNames> = Object.freeze({
  dns: [
    'localhost',
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    'kubernetes.default.svc.cluster.local',
  ],
  ips: ['127.0.0.1'],
});

interface CertSpec {
  base: string;
  subject: { cn: string; orgs: string[] };
  usages: x509.ExtendedKeyUsage[];
  sans?: SubjectAltNames;
}

interface LoadedCa {
  cert: x509.X509Certificate;
  key: CryptoKey;
  pair: CertKeyPair;
}

/**
 * Creates (or reuses) the cluster PKI under `dir` (created with mode 0700 if missing).
 * Keys are written with mode 0600, certificates 0644, each atomically (temp file + rename).
 * Regenerating the CA invalidates and reissues every leaf certificate.
 * @throws on file-system errors (permissions, disk full).
 */
export async function ensureClusterPki(dir: string, opts: EnsureClusterPkiOptions): Promise<ClusterPki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const ca = await ensureCa(dir);
  const nodeName = opts.nodeName ?? hostname();
  const nodeIPs = opts.nodeIPs ?? opts.serverSANs.ips.filter((ip) => !isLoopback(ip));
  const specs: Record<Exclude<keyof ClusterPki, 'dir' | 'ca'>, CertSpec> = {
    apiserver: {
      base: 'apiserver',
      subject: { cn: 'kube-apiserver', orgs: [] },
      usages: [x509.ExtendedKeyUsage.serverAuth],
      sans: {
        dns: [...DEFAULT_APISERVER_SANS.dns, ...opts.serverSANs.dns],
        ips: [...DEFAULT_APISERVER_SANS.ips, ...opts.serverSANs.ips],
      },
    },
    admin: {
      base: 'admin',
      subject: { cn: 'admin', orgs: ['system:masters'] },
      usages: [x509.ExtendedKeyUsage.clientAuth],
    },
    kubelet: {
      base: 'kubelet',
      subject: { cn: `system:node:${nodeName}`, orgs: ['system:nodes'] },
      usages: [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
      sans: { dns: [nodeName], ips: nodeIPs },
    },
    apiserverKubeletClient: {
      base: 'apiserver-kubelet-client',
      subject: { cn: 'kube-apiserver-kubelet-client', orgs: ['system:masters'] },
      usages: [x509.ExtendedKeyUsage.clientAuth],
    },
  };
  return {
    dir,
    ca: ca.pair,
    apiserver: await ensureLeaf(dir, ca, specs.apiserver),
    admin: await ensureLeaf(dir, ca, specs.admin),
    kubelet: await ensureLeaf(dir, ca, specs.kubelet),
    apiserverKubeletClient: await ensureLeaf(dir, ca, specs.apiserverKubeletClient),
  };
}

/**
 * Issues a fresh client certificate (clientAuth, 1 year) signed by the cluster CA,
 * with subject CN=`cn` and one O per entry of `orgs` — the identity Kubernetes'
 * x509 authenticator derives (user = CN, groups = O). Nothing is written to disk.
 * @throws if the CA key in `pki` cannot be imported.
 */
export async function issueClientCert(pki: ClusterPki, cn: string, orgs: string[]): Promise<IssuedCert> {
  const ca = await parseCa(pki.ca);
  return issue(ca, { base: '', subject: { cn, orgs }, usages: [x509.ExtendedKeyUsage.clientAuth] });
}

/** Identity derived from a verified client certificate, as Kubernetes' x509 authenticator does. */
export interface CertIdentity {
  /** The subject common name. */
  user: string;
  /** The subject organisations, in certificate order. */
  groups: string[];
}

/**
 * Maps a TLS peer certificate to `{ user: CN, groups: O[] }`.
 * Returns `undefined` when no certificate was presented (Node gives `{}`) or it has no CN.
 * The caller must check `socket.authorized` first: this function does not verify anything.
 */
export function certIdentity(peerCert: PeerCertificate | Record<string, never> | undefined): CertIdentity | undefined {
  const subject: unknown = peerCert && 'subject' in peerCert ? peerCert.subject : undefined;
  if (typeof subject !== 'object' || subject === null) return undefined;
  const fields = subject as Record<string, unknown>;
  const cn = asStrings(fields['CN'])[0];
  if (cn === undefined || cn === '') return undefined;
  return { user: cn, groups: asStrings(fields['O']) };
}

function asStrings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

async function ensureCa(dir: string): Promise<LoadedCa> {
  const pair = pairPaths(dir, 'ca');
  const existing = await readPair(pair.certPath, pair.keyPath);
  if (existing) {
    try {
      const ca = await parseCa({ ...pair, ...existing });
      if (keyMatches(ca.cert, existing.keyPem) && ca.cert.notAfter.getTime() > Date.now() + DAY_MS) return ca;
    } catch {
      // unreadable: fall through and create a new CA
    }
  }
  const keys = await generateKeyPair();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: 'CN=peapod-ca',
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + CA_VALIDITY_DAYS * DAY_MS),
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const written = { ...pair, certPem: cert.toString('pem') + '\n', keyPem: await exportKeyPem(keys.privateKey) };
  await writePair(written);
  return { cert, key: keys.privateKey, pair: written };
}

async function parseCa(pair: CertKeyPair): Promise<LoadedCa> {
  const cert = new x509.X509Certificate(pair.certPem);
  const key = await importKeyPem(pair.keyPem);
  return { cert, key, pair };
}

async function ensureLeaf(dir: string, ca: LoadedCa, spec: CertSpec): Promise<CertKeyPair> {
  const paths = pairPaths(dir, spec.base);
  const existing = await readPair(paths.certPath, paths.keyPath);
  if (existing && (await leafIsCurrent(existing, ca, spec))) return { ...paths, ...existing };
  const issued = await issue(ca, spec);
  const pair = { ...paths, ...issued };
  await writePair(pair);
  return pair;
}

async function leafIsCurrent(existing: IssuedCert, ca: LoadedCa, spec: CertSpec): Promise<boolean> {
  try {
    const cert = new x509.X509Certificate(existing.certPem);
    const now = new Date();
    if (cert.notAfter.getTime() - now.getTime() < RENEW_BEFORE_DAYS * DAY_MS) return false;
    if (!(await cert.verify({ publicKey: ca.cert.publicKey, date: now }))) return false;
    if (!keyMatches(cert, existing.keyPem)) return false;
    if (cert.subject !== subjectName(spec.subject)) return false;
    return sameSans(certSans(cert), normalizeSans(spec.sans ?? { dns: [], ips: [] }));
  } catch {
    return false;
  }
}

async function issue(ca: LoadedCa, spec: CertSpec): Promise<IssuedCert> {
  const keys = await generateKeyPair();
  const now = Date.now();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension(spec.usages, false),
    await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
  ];
  if (spec.sans) {
    const sans = normalizeSans(spec.sans);
    const names: x509.JsonGeneralNames = [
      ...sans.dns.map((value) => ({ type: 'dns' as const, value })),
      ...sans.ips.map((value) => ({ type: 'ip' as const, value })),
    ];
    if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: subjectName(spec.subject),
    issuer: ca.cert.subject,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + LEAF_VALIDITY_DAYS * DAY_MS),
    publicKey: keys.publicKey,
    signingKey: ca.key,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions,
  });
  return { certPem: cert.toString('pem') + '\n', keyPem: await exportKeyPem(keys.privateKey) };
}

/** Builds the distinguished name string in the order kubeadm prints it (O first, then CN). */
function subjectName(s: { cn: string; orgs: string[] }): string {
  const esc = (v: string): string => v.replace(/([,+"\\<>;=])/g, '\\$1');
  return [...s.orgs.map((o) => `O=${esc(o)}`), `CN=${esc(s.cn)}`].join(', ');
}

function certSans(cert: x509.X509Certificate): SubjectAltNames {
  const ext = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const json = ext ? ext.names.toJSON() : [];
  return normalizeSans({
    dns: json.filter((n) => n.type === 'dns').map((n) => n.value),
    ips: json.filter((n) => n.type === 'ip').map((n) => n.value),
  });
}

function normalizeSans(s: SubjectAltNames): SubjectAltNames {
  const dns = [...new Set(s.dns.map((d) => d.toLowerCase()).filter((d) => d !== ''))].sort();
  const ips = [...new Set(s.ips.map(normalizeIp).filter((ip) => ip !== ''))].sort();
  return { dns, ips };
}

function normalizeIp(ip: string): string {
  const kind = isIP(ip);
  if (kind === 0) throw new Error(`invalid IP address in SANs: ${JSON.stringify(ip)}`);
  return kind === 6 ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : ip;
}

function sameSans(a: SubjectAltNames, b: SubjectAltNames): boolean {
  return a.dns.join(',') === b.dns.join(',') && a.ips.join(',') === b.ips.join(',');
}

function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1';
}

function keyMatches(cert: x509.X509Certificate, keyPem: string): boolean {
  const fromKey = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
  return Buffer.from(cert.publicKey.rawData).equals(fromKey);
}

async function generateKeyPair(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function exportKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key as unknown as webcrypto.CryptoKey);
  return x509.PemConverter.encode(der, 'PRIVATE KEY') + '\n';
}

async function importKeyPem(pem: string): Promise<CryptoKey> {
  const der = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
  const key = await webcrypto.subtle.importKey('pkcs8', der, KEY_ALGORITHM, true, ['sign']);
  return key as unknown as CryptoKey;
}

function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive INTEGER
  return bytes.toString('hex');
}

function pairPaths(dir: string, base: string): { certPath: string; keyPath: string } {
  return { certPath: join(dir, `${base}.crt`), keyPath: join(dir, `${base}.key`) };
}

async function readPair(certPath: string, keyPath: string): Promise<IssuedCert | undefined> {
  try {
    return { certPem: await readFile(certPath, 'utf8'), keyPem: await readFile(keyPath, 'utf8') };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function writePair(pair: CertKeyPair): Promise<void> {
  await writeFileAtomic(pair.keyPath, pair.keyPem, 0o600);
  await writeFileAtomic(pair.certPath, pair.certPem, 0o644);
}

/**
 * Writes `data` to `path` atomically: a temp file in the same directory with `mode`,
 * then rename(2). Readers see either the old or the new content, never a torn file.
 */
export async function writeFileAtomic(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, data, { mode, flag: 'wx' });
  await rename(tmp, path);
}
