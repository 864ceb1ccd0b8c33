/**
 * The files of configMap, secret, downwardAPI and projected volumes (pkg/volume/
 * configmap, secret, downwardapi, projected MakePayload): which relative paths get
 * which bytes and mode, honouring items (key → path, per-item mode), defaultMode and
 * optional sources. Pure: objects come from ConfigSources.
 */
import type { Pod, Volume } from '../api/types.js';
import { configMapEntries, secretEntries, type ConfigSources } from './config-sources.js';
import { fieldRefValue, resourceFieldValue, type DownwardValues, type ResourceFieldRef } from './env.js';

/** One file of a volume: content and permission bits (e.g. 0o644). */
export interface FileProjection {
  data: Buffer;
  mode: number;
}

/** Relative path → file. */
export type Payload = Map<string, FileProjection>;

/** A volume that cannot be set up; the kubelet reports `MountVolume.SetUp failed for volume "v" : <message>`. */
export class VolumeSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VolumeSetupError';
  }
}

/** Kubernetes' default file mode for projected files (0644). */
export const DEFAULT_MODE = 0o644;

interface KeyToPath { key: string; path: string; mode?: number }
interface ObjectSource { name?: string; secretName?: string; items?: KeyToPath[]; optional?: boolean; defaultMode?: number }
interface DownwardFile { path: string; fieldRef?: { fieldPath?: string }; resourceFieldRef?: ResourceFieldRef; mode?: number }

function safePath(p: string): boolean {
  return p !== '' && !p.startsWith('/') && !p.split('/').some((s) => s === '..' || s === '') && !p.startsWith('..');
}

function projectEntries(entries: Map<string, Buffer>, src: ObjectSource, mode: number, missingKey: (k: string) => string, out: Payload): void {
  if (!src.items?.length) {
    for (const [k, data] of entries) out.set(k, { data, mode });
    return;
  }
  for (const it of src.items) {
    const data = entries.get(it.key);
    if (data === undefined) {
      if (src.optional) continue;
      throw new VolumeSetupError(missingKey(it.key));
    }
    if (safePath(it.path)) out.set(it.path, { data, mode: it.mode ?? mode });
  }
}

/** Files of a configMap source (volume or projected). Missing non-optional → VolumeSetupError `configmap "x" not found`. */
export function configMapPayload(pod: Pod, src: ObjectSource, sources: ConfigSources, mode: number, out: Payload = new Map()): Payload {
  const name = src.name ?? '';
  const cm = sources.configMap(pod.metadata.namespace ?? 'default', name);
  if (!cm) {
    if (src.optional) return out;
    throw new VolumeSetupError(`configmap "${name}" not found`);
  }
  projectEntries(configMapEntries(cm), src, mode, (k) => `configmap references non-existent config key: ${k}`, out);
  return out;
}

/** Files of a secret source (`secretName` in volumes, `name` in projections). */
export function secretPayload(pod: Pod, src: ObjectSource, sources: ConfigSources, mode: number, out: Payload = new Map()): Payload {
  const name = src.secretName ?? src.name ?? '';
  const s = sources.secret(pod.metadata.namespace ?? 'default', name);
  if (!s) {
    if (src.optional) return out;
    throw new VolumeSetupError(`secret "${name}" not found`);
  }
  projectEntries(secretEntries(s), src, mode, (k) => `references non-existent secret key: ${k}`, out);
  return out;
}

/** Files of a downwardAPI source: fieldRef and resourceFieldRef (with containerName) items. */
export function downwardAPIPayload(pod: Pod, items: DownwardFile[], dv: DownwardValues, mode: number, out: Payload = new Map()): Payload {
  for (const it of items) {
    if (!safePath(it.path)) continue;
    let value = '';
    try {
      if (it.fieldRef?.fieldPath) value = fieldRefValue(pod, it.fieldRef.fieldPath, dv);
      else if (it.resourceFieldRef) value = resourceFieldValue(pod, pod.spec.containers[0]!, it.resourceFieldRef, dv);
    } catch (err) {
      throw new VolumeSetupError(err instanceof Error ? err.message : String(err));
    }
    out.set(it.path, { data: Buffer.from(value, 'utf8'), mode: it.mode ?? mode });
  }
  return out;
}

/**
 * The payload of a volume whose files the kubelet writes, or undefined for other
 * kinds (emptyDir, hostPath, ...). Projected `serviceAccountToken` and
 * `clusterTrustBundle` sources contribute nothing.
 * @throws VolumeSetupError when a non-optional source or key is missing.
 */
export function volumePayload(pod: Pod, v: Volume, sources: ConfigSources, dv: DownwardValues): Payload | undefined {
  const cm = v.configMap as ObjectSource | undefined;
  if (cm) return configMapPayload(pod, cm, sources, cm.defaultMode ?? DEFAULT_MODE);
  const sec = v.secret as ObjectSource | undefined;
  if (sec) return secretPayload(pod, sec, sources, sec.defaultMode ?? DEFAULT_MODE);
  const dapi = v.downwardAPI as { items?: DownwardFile[]; defaultMode?: number } | undefined;
  if (dapi) return downwardAPIPayload(pod, dapi.items ?? [], dv, dapi.defaultMode ?? DEFAULT_MODE);
  const proj = v.projected as { sources?: Record<string, unknown>[]; defaultMode?: number } | undefined;
  if (!proj) return undefined;
  const mode = proj.defaultMode ?? DEFAULT_MODE;
  const out: Payload = new Map();
  for (const s of proj.sources ?? []) {
    if (s.configMap) configMapPayload(pod, s.configMap as ObjectSource, sources, mode, out);
    else if (s.secret) secretPayload(pod, s.secret as ObjectSource, sources, mode, out);
    else if (s.downwardAPI) downwardAPIPayload(pod, (s.downwardAPI as { items?: DownwardFile[] }).items ?? [], dv, mode, out);
  }
  return out;
}
