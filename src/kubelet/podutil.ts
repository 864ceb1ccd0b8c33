/**
 * Small helpers about pods shared by the kubelet's planning, status and execution code.
 */
import { normalizeImageName } from '../images/names.js';
import { createHash } from 'node:crypto';
import type { Container, KubeObject, Pod } from '../api/types.js';

/** `name_namespace(uid)`, the pod identity Kubernetes prints in kubelet messages (format.Pod). */
export function podFullName(pod: Pod): string {
  return `${pod.metadata.name ?? ''}_${pod.metadata.namespace ?? 'default'}(${pod.metadata.uid ?? ''})`;
}

/** The pod's restart policy, defaulting to `Always`. */
export function restartPolicy(pod: Pod): 'Always' | 'OnFailure' | 'Never' {
  return pod.spec.restartPolicy ?? 'Always';
}

/** Key of a container's restart backoff entry (`name_ns_uid_container`), as kubelet's getStableKey without the hash. */
export function containerBackoffKey(pod: Pod, containerName: string): string {
  return `${pod.metadata.name ?? ''}_${pod.metadata.namespace ?? ''}_${pod.metadata.uid ?? ''}_${containerName}`;
}

/**
 * Hash of a container spec (hex), stored as an annotation; a change means the container
 * definition changed and it must be restarted. Key order does not matter.
 */
export function hashContainer(c: Container): string {
  return createHash('sha256').update(stableStringify(c)).digest('hex').slice(0, 8);
}

function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * Normalises an image reference the way containerd (docker's reference library) does:
 * `busybox` -> `docker.io/library/busybox:latest`, `foo/bar:1` -> `docker.io/foo/bar:1`,
 * `localhost:5000/x` -> `localhost:5000/x:latest`; digests are kept.
 */
export function normalizeImage(image: string): string {
  try {
    return normalizeImageName(image.trim());
  } catch {
    return image.trim(); // not a valid reference: the runtime reports the error
  }
}

/** The effective pull policy: the spec's, else `Always` for `:latest`/untagged images, else `IfNotPresent`. */
export function pullPolicy(c: Container): 'Always' | 'IfNotPresent' | 'Never' {
  if (c.imagePullPolicy) return c.imagePullPolicy;
  const img = c.image ?? '';
  if (img.includes('@')) return 'IfNotPresent';
  const last = img.slice(img.lastIndexOf('/') + 1);
  const tag = last.includes(':') ? last.slice(last.indexOf(':') + 1) : 'latest';
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/** The pod as an event subject (list items may lack kind/apiVersion). */
export function podRef(pod: Pod): KubeObject {
  return { ...pod, kind: 'Pod', apiVersion: 'v1' };
}

/** `spec.containers{name}` / `spec.initContainers{name}`, the event fieldPath for a container. */
export function containerFieldPath(pod: Pod, name: string): string {
  const init = (pod.spec.initContainers ?? []).some((c) => c.name === name);
  return `${init ? 'spec.initContainers' : 'spec.containers'}{${name}}`;
}

/** Grace period in seconds for stopping the pod's containers: the deletion's, else the spec's, else 30. */
export function gracePeriodSeconds(pod: Pod | undefined): number {
  if (!pod) return 2;
  const g = pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
  return Math.max(0, g);
}

/** True when the pod has been asked to terminate (deletionTimestamp set). */
export function isTerminating(pod: Pod): boolean {
  return !!pod.metadata.deletionTimestamp;
}

/** True when the pod's phase is terminal (Succeeded or Failed). */
export function isTerminalPhase(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}
