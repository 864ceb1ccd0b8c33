/**
 * `peapod image load`: imports image archives into the node's image store, where
 * the embedded registry mirror serves them to containerd (see registry.ts).
 * Like `docker load` / `k3s ctr images import`, but the images then satisfy real
 * pulls, so pods with `imagePullPolicy: Always` (e.g. any `:latest` image) work.
 */
import * as path from 'node:path';
import { importArchive } from './archive.js';
import { ImageStore } from './store.js';

/** The image store directory for a data directory: `<dataDir>/images`. */
export function imageStoreDir(dataDir: string): string {
  return path.join(dataDir, 'images');
}

/**
 * Imports each archive (docker-save or OCI layout; plain or gzipped) in order and
 * returns the fully qualified names loaded (e.g. `docker.io/library/busybox:latest`),
 * in archive order, without duplicates.
 * @throws Error naming the file when one cannot be read or parsed; archives before
 *   it stay imported.
 */
export async function loadImageArchives(dataDir: string, files: string[]): Promise<string[]> {
  const store = new ImageStore(imageStoreDir(dataDir));
  const names: string[] = [];
  for (const file of files) {
    let imported;
    try {
      imported = await importArchive(store, file);
    } catch (err) {
      throw new Error(`${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    for (const img of imported) if (!names.includes(img.name)) names.push(img.name);
  }
  return names;
}
