/**
 * The container environment (kubelet_pods.go makeEnvironmentVariables): envFrom
 * (ConfigMaps and Secrets, with prefixes, invalid names skipped), then env entries
 * in order — literal values with `$(VAR)` expansion against what is defined so far,
 * downward-API fieldRef and resourceFieldRef, configMapKeyRef and secretKeyRef
 * (optional or not). Pure: objects come from ConfigSources.
 */
import type { Container, Pod } from '../api/types.js';
import { secretEntries, type ConfigMapData, type ConfigSources } from './config-sources.js';
import { expandWith } from './expansion.js';
import { parseQuantity } from './quantity.js';

/** Node and pod values the downward API resolves. Allocatable: millicores and bytes. */
export interface DownwardValues {
  podIP: string;
  podIPs?: string[];
  hostIP: string;
  nodeName: string;
  allocatable?: { cpuMilli: number; memoryBytes: number; ephemeralStorageBytes: number };
}

/**
 * A container's configuration that cannot be built (missing ConfigMap/Secret or key).
 * The kubelet reports it as `CreateContainerConfigError` with this message.
 */
export class ContainerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContainerConfigError';
  }
}

/** The result of makeEnvironment: variables in definition order plus warnings for events. */
export interface Environment {
  env: { key: string; value: string }[];
  /** Messages of InvalidEnvironmentVariableNames events. */
  warnings: string[];
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {}).sort().map((k) => `${k}=${JSON.stringify(m![k])}`).join('\n');
}

/**
 * The value of a downward-API `fieldPath` (podFieldSelectorRuntimeValue plus the
 * volume-only whole-map forms `metadata.labels`/`metadata.annotations`).
 * @throws ContainerConfigError for unsupported paths.
 */
export function fieldRefValue(pod: Pod, path: string, dv: DownwardValues): string {
  switch (path) {
    case 'metadata.name': return pod.metadata.name ?? '';
    case 'metadata.namespace': return pod.metadata.namespace ?? 'default';
    case 'metadata.uid': return pod.metadata.uid ?? '';
    case 'metadata.labels': return formatMap(pod.metadata.labels);
    case 'metadata.annotations': return formatMap(pod.metadata.annotations);
    case 'spec.nodeName': return pod.spec.nodeName ?? dv.nodeName;
    case 'spec.serviceAccountName': return pod.spec.serviceAccountName ?? '';
    case 'status.podIP': return dv.podIP;
    case 'status.podIPs': return (dv.podIPs ?? (dv.podIP ? [dv.podIP] : [])).join(',');
    case 'status.hostIP': return dv.hostIP;
    case 'status.hostIPs': return dv.hostIP;
    default: {
      const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
      if (m) return (m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[m[2]!] ?? '';
      throw new ContainerConfigError(`unsupported fieldPath: ${path}`);
    }
  }
}

/** A `resourceFieldRef` selector. */
export interface ResourceFieldRef {
  containerName?: string;
  resource: string;
  divisor?: string | number;
}

/**
 * The value of a resourceFieldRef (ExtractContainerResourceValue): CPU in whole
 * divisor units rounded up (default divisor 1 core), memory/ephemeral-storage in
 * divisor bytes rounded up; unset limits are the node's allocatable.
 * @throws ContainerConfigError for unknown resources or containers.
 */
export function resourceFieldValue(pod: Pod, current: Container, ref: ResourceFieldRef, dv: DownwardValues): string {
  const all = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])];
  const c = ref.containerName ? all.find((x) => x.name === ref.containerName) : current;
  if (!c) throw new ContainerConfigError(`container ${ref.containerName ?? ''} not found`);
  const [kind, res] = ref.resource.split('.', 2) as [string, string | undefined];
  if ((kind !== 'limits' && kind !== 'requests') || !res) throw new ContainerConfigError(`unsupported container resource : ${ref.resource}`);
  const q = (kind === 'limits' ? c.resources?.limits : c.resources?.requests)?.[res];
  const divisor = parseQuantity(ref.divisor ?? '1') || 1;
  const alloc = dv.allocatable ?? { cpuMilli: 0, memoryBytes: 0, ephemeralStorageBytes: 0 };
  if (res === 'cpu') {
    const milli = q !== undefined ? Math.ceil(parseQuantity(q) * 1000) : kind === 'limits' ? alloc.cpuMilli : 0;
    return String(Math.ceil(milli / Math.max(1, Math.round(divisor * 1000))));
  }
  if (res === 'memory' || res === 'ephemeral-storage') {
    const fallback = res === 'memory' ? alloc.memoryBytes : alloc.ephemeralStorageBytes;
    const bytes = q !== undefined ? parseQuantity(q) : kind === 'limits' ? fallback : 0;
    return String(Math.ceil(bytes / divisor));
  }
  throw new ContainerConfigError(`unsupported container resource : ${ref.resource}`);
}

/** A ConfigMap's `data` (env never reads `binaryData`, as in Kubernetes). */
function textEntries(cm: ConfigMapData): Map<string, Buffer> {
  return new Map(Object.entries(cm.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'utf8')]));
}

interface KeyRef { name?: string; key: string; optional?: boolean }
interface EnvFromSource { prefix?: string; configMapRef?: { name?: string; optional?: boolean }; secretRef?: { name?: string; optional?: boolean } }

function addEnvFrom(pod: Pod, ef: EnvFromSource, sources: ConfigSources, env: Map<string, string>, warnings: string[]): void {
  const ns = pod.metadata.namespace ?? 'default';
  const isCM = !!ef.configMapRef;
  const r = ef.configMapRef ?? ef.secretRef;
  if (!r) return;
  const name = r.name ?? '';
  const obj = isCM ? sources.configMap(ns, name) : sources.secret(ns, name);
  if (!obj) {
    if (r.optional) return;
    throw new ContainerConfigError(`${isCM ? 'configmap' : 'secret'} "${name}" not found`);
  }
  const entries = isCM ? textEntries(obj) : secretEntries(obj);
  const invalid: string[] = [];
  for (const [k0, v] of entries) {
    const k = (ef.prefix ?? '') + k0;
    if (!ENV_NAME.test(k)) { invalid.push(k); continue; }
    env.set(k, v.toString('utf8'));
  }
  if (invalid.length) {
    warnings.push(`Keys [${invalid.sort().join(', ')}] from the EnvFrom ${isCM ? 'configMap' : 'secret'} ${ns}/${name} were skipped since they are considered invalid environment variable names.`);
  }
}

function keyRefValue(pod: Pod, ref: KeyRef, isCM: boolean, sources: ConfigSources): string | undefined {
  const ns = pod.metadata.namespace ?? 'default';
  const name = ref.name ?? '';
  const obj = isCM ? sources.configMap(ns, name) : sources.secret(ns, name);
  if (!obj) {
    if (ref.optional) return undefined;
    throw new ContainerConfigError(`${isCM ? 'configmap' : 'secret'} "${name}" not found`);
  }
  const v = (isCM ? textEntries(obj) : secretEntries(obj)).get(ref.key);
  if (v === undefined) {
    if (ref.optional) return undefined;
    throw new ContainerConfigError(`couldn't find key ${ref.key} in ${isCM ? 'ConfigMap' : 'Secret'} ${ns}/${name}`);
  }
  return v.toString('utf8');
}

/**
 * Builds the container's environment. Later definitions override earlier ones (env
 * over envFrom); optional references to missing objects or keys are skipped.
 * @throws ContainerConfigError with Kubernetes' message (`configmap "x" not found`,
 *   `couldn't find key k in ConfigMap ns/x`, `secret "x" not found`, ...).
 */
export function makeEnvironment(pod: Pod, c: Container, sources: ConfigSources, dv: DownwardValues): Environment {
  const env = new Map<string, string>();
  const warnings: string[] = [];
  for (const ef of (c.envFrom ?? []) as EnvFromSource[]) addEnvFrom(pod, ef, sources, env, warnings);
  for (const e of c.env ?? []) {
    const vf = (e.valueFrom ?? {}) as {
      fieldRef?: { fieldPath?: string }; resourceFieldRef?: ResourceFieldRef; configMapKeyRef?: KeyRef; secretKeyRef?: KeyRef;
    };
    let value: string | undefined;
    if (e.value !== undefined && e.value !== '') value = expandWith(e.value, env);
    else if (vf.fieldRef?.fieldPath) value = fieldRefValue(pod, vf.fieldRef.fieldPath, dv);
    else if (vf.resourceFieldRef) value = resourceFieldValue(pod, c, vf.resourceFieldRef, dv);
    else if (vf.configMapKeyRef) {
      value = keyRefValue(pod, vf.configMapKeyRef, true, sources);
      if (value === undefined) continue;
    } else if (vf.secretKeyRef) {
      value = keyRefValue(pod, vf.secretKeyRef, false, sources);
      if (value === undefined) continue;
    } else value = '';
    env.set(e.name, value);
  }
  return { env: [...env].map(([key, value]) => ({ key, value })), warnings };
}
