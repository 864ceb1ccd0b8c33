/**
 * kubeconfig files (client-go's `clientcmd/api/v1` Config) for kubectl and for
 * peapod's own components that connect to the API server.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { writeFileAtomic } from './pki.js';

/** Inputs of {@link writeKubeconfig}. All PEM strings are embedded as base64 `*-data` fields. */
export interface KubeconfigParams {
  /** API server URL, e.g. `https://127.0.0.1:6443` (must be https for kubectl to send credentials). */
  server: string;
  /** PEM of the CA that signed the serving certificate. */
  caPem: string;
  /** PEM client certificate (kubectl presents it on every connection). */
  clientCertPem: string;
  /** PEM private key of the client certificate. */
  clientKeyPem: string;
  /** Name of the cluster, context and (by default) user entries; also the current-context. */
  name: string;
  /** Name of the user entry; defaults to `name`. */
  user?: string;
}

/** What {@link readKubeconfig} resolves from the current context. */
export interface KubeconfigCredentials {
  /** The current-context's name. */
  context: string;
  server: string;
  /** CA PEM, or undefined when the cluster entry has none (system roots would apply). */
  caPem?: string;
  /** `insecure-skip-tls-verify` of the cluster entry. */
  insecureSkipTLSVerify: boolean;
  clientCertPem?: string;
  clientKeyPem?: string;
  /** Bearer token of the user entry, if any. */
  token?: string;
  /** Namespace of the context, if set. */
  namespace?: string;
}

/**
 * Writes a single-cluster kubeconfig to `path` atomically with mode 0600, with
 * `current-context` set to `params.name`, and the CA / client cert / key embedded
 * (`certificate-authority-data`, `client-certificate-data`, `client-key-data`).
 * @throws on file-system errors.
 */
export async function writeKubeconfig(path: string, params: KubeconfigParams): Promise<void> {
  const user = params.user ?? params.name;
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [
      { name: params.name, cluster: { server: params.server, 'certificate-authority-data': b64(params.caPem) } },
    ],
    users: [
      {
        name: user,
        user: {
          'client-certificate-data': b64(params.clientCertPem),
          'client-key-data': b64(params.clientKeyPem),
        },
      },
    ],
    contexts: [{ name: params.name, context: { cluster: params.name, user } }],
    'current-context': params.name,
  };
  await writeFileAtomic(path, stringify(doc), 0o600);
}

/**
 * Reads a kubeconfig and resolves its current context (or `context` if given) to
 * server URL and credentials. Understands both the embedded `*-data` fields and the
 * file-path forms (`certificate-authority`, `client-certificate`, `client-key`,
 * relative paths resolved against the kubeconfig's directory, as client-go does).
 * @throws Error when the file is not a kubeconfig, the context/cluster/user is
 *   missing, or a referenced file cannot be read.
 */
export async function readKubeconfig(path: string, context?: string): Promise<KubeconfigCredentials> {
  const doc: unknown = parse(await readFile(path, 'utf8'));
  const root = asRecord(doc, `${path}: not a kubeconfig`);
  const ctxName = context ?? str(root['current-context']);
  if (!ctxName) throw new Error(`${path}: no current-context`);
  const ctx = asRecord(findNamed(root['contexts'], ctxName, 'context', path), `${path}: bad context ${ctxName}`);
  const clusterName = str(ctx['cluster']) ?? '';
  const cluster = asRecord(findNamed(root['clusters'], clusterName, 'cluster', path), `${path}: bad cluster`);
  const userName = str(ctx['user']);
  const user = userName ? asRecord(findNamed(root['users'], userName, 'user', path), `${path}: bad user`) : {};
  const server = str(cluster['server']);
  if (!server) throw new Error(`${path}: cluster ${clusterName} has no server`);
  const base = dirname(path);
  const creds: KubeconfigCredentials = {
    context: ctxName,
    server,
    insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'] === true,
  };
  const caPem = await dataOrFile(cluster, 'certificate-authority', base);
  const clientCertPem = await dataOrFile(user, 'client-certificate', base);
  const clientKeyPem = await dataOrFile(user, 'client-key', base);
  const token = str(user['token']);
  const namespace = str(ctx['namespace']);
  if (caPem !== undefined) creds.caPem = caPem;
  if (clientCertPem !== undefined) creds.clientCertPem = clientCertPem;
  if (clientKeyPem !== undefined) creds.clientKeyPem = clientKeyPem;
  if (token !== undefined) creds.token = token;
  if (namespace !== undefined) creds.namespace = namespace;
  return creds;
}

function findNamed(list: unknown, name: string, field: string, path: string): unknown {
  if (Array.isArray(list)) {
    for (const entry of list) {
      if (typeof entry === 'object' && entry !== null && (entry as Record<string, unknown>)['name'] === name) {
        return (entry as Record<string, unknown>)[field];
      }
    }
  }
  throw new Error(`${path}: ${field} "${name}" not found`);
}

async function dataOrFile(rec: Record<string, unknown>, key: string, base: string): Promise<string | undefined> {
  const data = str(rec[`${key}-data`]);
  if (data) return Buffer.from(data, 'base64').toString('utf8');
  const file = str(rec[key]);
  if (file) return readFile(isAbsolute(file) ? file : join(base, file), 'utf8');
  return undefined;
}

function asRecord(v: unknown, msg: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(msg);
  return v as Record<string, unknown>;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
