/**
 * The volume kinds the kubelet can provide without other API objects: `emptyDir`
 * (a directory under `<podsDir>/<uid>/volumes/kubernetes.io~empty-dir/<name>`, removed
 * with the pod) and `hostPath` (created first for `DirectoryOrCreate`). Other volume
 * kinds (projected service-account tokens, configMap, secret) are skipped.
 */
import { chmod, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Container, Pod } from '../api/types.js';
import type { Mount } from './cri/api.js';

/** `<podsDir>/<uid>`, the pod's own directory. */
export function podDir(podsDir: string, uid: string): string {
  return join(podsDir, uid);
}

/** Host directory per supported volume name. Pure. */
export function volumeHostPaths(pod: Pod, podsDir: string): Map<string, { path: string; create: boolean }> {
  const out = new Map<string, { path: string; create: boolean }>();
  for (const v of pod.spec.volumes ?? []) {
    if (v.emptyDir !== undefined) {
      out.set(v.name, { path: join(podDir(podsDir, pod.metadata.uid ?? ''), 'volumes', 'kubernetes.io~empty-dir', v.name), create: true });
    } else if (v.hostPath && typeof v.hostPath === 'object') {
      const hp = v.hostPath as { path?: string; type?: string };
      if (hp.path) out.set(v.name, { path: hp.path, create: hp.type === 'DirectoryOrCreate' });
    }
  }
  return out;
}

/** Creates the pod's emptyDir (mode 0777) and DirectoryOrCreate hostPath directories. */
export async function prepareVolumes(pod: Pod, podsDir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [name, v] of volumeHostPaths(pod, podsDir)) {
    if (v.create) {
      await mkdir(v.path, { recursive: true });
      await chmod(v.path, 0o777).catch(() => {});
    }
    out.set(name, v.path);
  }
  return out;
}

/** CRI mounts of a container's volumeMounts whose volumes are provided. Pure. */
export function containerMounts(c: Container, volumes: ReadonlyMap<string, string>): Mount[] {
  const out: Mount[] = [];
  for (const vm of c.volumeMounts ?? []) {
    const host = volumes.get(vm.name);
    if (!host) continue;
    out.push({ containerPath: vm.mountPath, hostPath: vm.subPath ? join(host, vm.subPath) : host, readonly: !!vm.readOnly });
  }
  return out;
}

/** Removes the pod's directory (emptyDir contents included). */
export async function removePodDir(podsDir: string, uid: string): Promise<void> {
  if (!uid) return;
  await rm(podDir(podsDir, uid), { recursive: true, force: true });
}
