/**
 * The ConfigMaps and Secrets pods consume (env, envFrom, volumes), as the kubelet's
 * configMapManager/secretManager: watch-based caches of core/v1 objects, and the
 * pure lookup interface the env and volume code uses.
 */
import type { KubeObject, Pod } from '../api/types.js';
import type { ApiClient, ResourceRef } from '../client/types.js';
import { Informer } from '../machinery/informer.js';

/** core/v1 ConfigMap as the kubelet reads it. `binaryData` values are base64. */
export interface ConfigMapData extends KubeObject {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

/** core/v1 Secret as the kubelet reads it. `data` values are base64. */
export interface SecretData extends KubeObject {
  data?: Record<string, string>;
  type?: string;
}

/** Synchronous lookups of a namespace's ConfigMaps and Secrets (undefined = not found). */
export interface ConfigSources {
  configMap(namespace: string, name: string): ConfigMapData | undefined;
  secret(namespace: string, name: string): SecretData | undefined;
}

/** A ConfigMap's entries as bytes: `data` (UTF-8) then `binaryData` (base64-decoded). */
export function configMapEntries(cm: ConfigMapData): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(cm.data ?? {})) out.set(k, Buffer.from(v, 'utf8'));
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) out.set(k, Buffer.from(v, 'base64'));
  return out;
}

/** A Secret's entries as bytes (`data` base64-decoded). */
export function secretEntries(s: SecretData): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(s.data ?? {})) out.set(k, Buffer.from(v, 'base64'));
  return out;
}

const ref = (resource: string): ResourceRef => ({ group: '', version: 'v1', resource });

type Refs = { configMaps: Set<string>; secrets: Set<string> };

function collectSource(src: unknown, refs: Refs): void {
  if (!src || typeof src !== 'object') return;
  const o = src as { configMap?: { name?: string }; secret?: { name?: string; secretName?: string } };
  if (o.configMap?.name) refs.configMaps.add(o.configMap.name);
  const s = o.secret?.secretName ?? o.secret?.name;
  if (s) refs.secrets.add(s);
}

/** Names of the ConfigMaps and Secrets a pod references (env, envFrom, volumes, projected sources). Pure. */
export function podConfigRefs(pod: Pod): Refs {
  const refs: Refs = { configMaps: new Set(), secrets: new Set() };
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    for (const e of c.env ?? []) {
      const vf = e.valueFrom as { configMapKeyRef?: { name?: string }; secretKeyRef?: { name?: string } } | undefined;
      if (vf?.configMapKeyRef?.name) refs.configMaps.add(vf.configMapKeyRef.name);
      if (vf?.secretKeyRef?.name) refs.secrets.add(vf.secretKeyRef.name);
    }
    for (const ef of c.envFrom ?? []) {
      const f = ef as { configMapRef?: { name?: string }; secretRef?: { name?: string } };
      if (f.configMapRef?.name) refs.configMaps.add(f.configMapRef.name);
      if (f.secretRef?.name) refs.secrets.add(f.secretRef.name);
    }
  }
  for (const v of pod.spec.volumes ?? []) {
    collectSource(v, refs);
    const projected = v.projected as { sources?: unknown[] } | undefined;
    for (const s of projected?.sources ?? []) collectSource(s, refs);
  }
  return refs;
}

/**
 * Watch-based ConfigMap and Secret caches for every namespace. `onChange` is called
 * with the namespace and name of every added, updated or deleted object (the kubelet
 * re-syncs the pods referencing it, so env lookups and volume contents follow).
 */
export class ConfigCache implements ConfigSources {
  private readonly cms: Informer<ConfigMapData>;
  private readonly secrets: Informer<SecretData>;
  private syncWait: Promise<void> | undefined;

  constructor(client: ApiClient, log: (msg: string) => void) {
    this.cms = new Informer<ConfigMapData>(client, ref('configmaps'), {}, log);
    this.secrets = new Informer<SecretData>(client, ref('secrets'), {}, log);
  }

  /** Starts both informers; `onChange(kind, namespace, name)` on every change. */
  start(signal: AbortSignal, onChange: (kind: 'configmap' | 'secret', namespace: string, name: string) => void): void {
    for (const [inf, kind] of [[this.cms, 'configmap'], [this.secrets, 'secret']] as const) {
      const h = (o: KubeObject): void => onChange(kind, o.metadata.namespace ?? 'default', o.metadata.name ?? '');
      (inf as Informer<KubeObject>).addEventHandler({ onAdd: h, onUpdate: (_o, n) => h(n), onDelete: h });
      inf.start(signal);
    }
  }

  /**
   * Resolves when both caches hold their first list, or after `timeoutMs` (default 5 s)
   * at the latest. Every caller shares the first wait: a server without ConfigMaps must
   * not slow down every sync.
   */
  synced(timeoutMs = 5000): Promise<void> {
    this.syncWait ??= (async () => {
      let t: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all([this.cms.hasSynced(), this.secrets.hasSynced()]),
        new Promise<void>((r) => { t = setTimeout(r, timeoutMs); }),
      ]);
      clearTimeout(t);
    })();
    return this.syncWait;
  }

  configMap(namespace: string, name: string): ConfigMapData | undefined {
    return this.cms.get(namespace, name);
  }

  secret(namespace: string, name: string): SecretData | undefined {
    return this.secrets.get(namespace, name);
  }
}
