/**
 * Pod cgroup cleanup. runc (cgroupfs driver) creates `/kubepods/pod<uid>` in every
 * cgroup v1 hierarchy and nobody removes it, so the kubelet rmdirs it (leaf first)
 * once the pod's containers and sandbox are gone.
 */
import { readdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';

async function rmdirTree(dir: string): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  for (const e of entries) if (e.isDirectory()) await rmdirTree(join(dir, e.name));
  try {
    await rmdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/**
 * Removes `<cgroupRoot>/<hierarchy>/kubepods/pod<uid>` in every hierarchy under
 * `cgroupRoot` (default `/sys/fs/cgroup`). Returns the errors it met (never throws).
 */
export async function removePodCgroups(uid: string, cgroupRoot = '/sys/fs/cgroup'): Promise<string[]> {
  const errors: string[] = [];
  if (!uid) return errors;
  let hierarchies;
  try {
    hierarchies = await readdir(cgroupRoot, { withFileTypes: true });
  } catch {
    return errors;
  }
  const dirs = [join(cgroupRoot, 'kubepods', `pod${uid}`)];
  for (const h of hierarchies) if (h.isDirectory()) dirs.push(join(cgroupRoot, h.name, 'kubepods', `pod${uid}`));
  for (const d of dirs) {
    try {
      await rmdirTree(d);
    } catch (err) {
      errors.push(`${d}: ${(err as Error).message}`);
    }
  }
  return errors;
}
