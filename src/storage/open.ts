/**
 * Chooses a storage backend by URL, as kine's `--endpoint` does.
 */
import { isAbsolute, resolve } from 'node:path';
import type { Store } from './store.js';
import { openMemoryStore } from './memory/memory-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';

/** The URL schemes {@link openStore} understands. */
export const SUPPORTED_STORE_SCHEMES = ['sqlite://', 'memory://'] as const;

/**
 * Resolves the file path of a `sqlite://` URL: `sqlite:///abs/path.db` is absolute,
 * `sqlite://relative.db` is relative to the working directory. A `?query` is ignored.
 * @throws Error when the path is empty.
 */
export function sqlitePathFromUrl(url: string): string {
  const rest = url.slice('sqlite://'.length).split('?')[0] ?? '';
  if (rest === '' || rest === '/') throw new Error(`storage URL ${url} names no database file`);
  return isAbsolute(rest) ? rest : resolve(rest);
}

/**
 * Opens the Store a URL names:
 * - `sqlite:///abs/path.db` or `sqlite://relative.db`: the durable SQLite store
 *   (file and schema created when missing);
 * - `memory://`: an empty in-memory store (tests; nothing survives the process).
 * @throws Error naming the URL and the supported schemes for any other URL
 *   (`etcd://` is planned but not yet available).
 */
export async function openStore(url: string): Promise<Store> {
  if (url.startsWith('sqlite://')) return openSqliteStore(sqlitePathFromUrl(url));
  if (url === 'memory://' || url.startsWith('memory://')) return openMemoryStore();
  throw new Error(
    `unsupported storage URL ${JSON.stringify(url)}: supported schemes are ${SUPPORTED_STORE_SCHEMES.join(', ')}`,
  );
}
