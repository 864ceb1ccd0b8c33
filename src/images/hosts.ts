/**
 * containerd registry host configuration (`config_path` directory, one
 * `<registry>/hosts.toml` per upstream) that puts the embedded mirror in front of
 * each registry, as k3s does for its embedded registry. containerd tries the
 * `[host."http://127.0.0.1:PORT"]` entry first and, on a 404 or connection error,
 * falls back to `server`. Files are re-read by containerd on every pull, so no
 * restart is needed after writing them.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

/** Registries configured by default (`_default` is added as well, see below). */
export const DEFAULT_MIRRORED_REGISTRIES: readonly string[] = ['docker.io', 'registry.k8s.io', 'ghcr.io', 'quay.io', 'localhost'];

/**
 * The `server` (fallback upstream) written for a registry: `docker.io` →
 * `https://registry-1.docker.io`, others `https://<registry>`. Undefined for
 * `_default` and for `localhost[:port]`: containerd then falls back to its own
 * default for the host the image names (for `localhost`, plain HTTP is allowed),
 * which fails fast when nothing listens there. Images named `localhost/...` (the
 * pause image, locally built test images) are meant to come from the mirror only.
 */
export function upstreamServer(registry: string): string | undefined {
  if (registry === '_default' || registry === 'localhost' || registry.startsWith('localhost:')) return undefined;
  if (registry === 'docker.io') return 'https://registry-1.docker.io';
  return `https://${registry}`;
}

/** The text of one `hosts.toml`: the mirror first (pull, resolve), then `server`. */
export function renderHostsToml(registry: string, mirrorUrl: string): string {
  const lines = [
    '# Written by peapod: the embedded registry mirror first, then the real registry.',
  ];
  const server = upstreamServer(registry);
  if (server !== undefined) lines.push(`server = "${server}"`);
  lines.push('', `[host."${mirrorUrl.replace(/\/$/, '')}"]`, '  capabilities = ["pull", "resolve"]', '');
  return lines.join('\n');
}

async function writeAtomic(file: string, text: string): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  await fsp.writeFile(tmp, text);
  await fsp.rename(tmp, file);
}

/**
 * Writes `<certsDir>/<registry>/hosts.toml` for each registry, plus
 * `<certsDir>/_default/hosts.toml` (mirror only; containerd keeps the registry's
 * own host as the fallback) which containerd 1.6.10+ uses for any registry without
 * its own directory. Returns the files written. Atomic per file.
 */
export async function writeRegistryHosts(
  certsDir: string,
  mirrorUrl: string,
  registries: readonly string[] = DEFAULT_MIRRORED_REGISTRIES,
): Promise<string[]> {
  const written: string[] = [];
  for (const r of [...registries, '_default']) {
    const file = path.join(certsDir, r, 'hosts.toml');
    await writeAtomic(file, renderHostsToml(r, mirrorUrl));
    written.push(file);
  }
  return written;
}
