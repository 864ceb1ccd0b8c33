/**
 * The default Store: one SQLite file, modelled on kine's log table.
 *
 * Durability: WAL journal with `synchronous = FULL`, one transaction per write, so a
 * resolved write survives a crash or power loss. The file is opened with
 * `locking_mode = EXCLUSIVE`: this process owns it, which is what makes in-process
 * watch delivery complete (every write passes through here).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  StoreCompactedError,
  StoreConflictError,
  StoreKeyExistsError,
  StoreKeyNotFoundError,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Store,
  type StoreEvent,
} from '../store.js';
import { WatchHub, compareKeys, prefixEnd } from '../watch-hub.js';
import { SCHEMA_SQL, SQL, listSql, replaySql, rowToEvent, rowToKeyValue, type LogRow } from './schema.js';

/** History retention and compaction cadence. */
export interface SqliteStoreOptions {
  /** Keep at least this many most recent revisions of history (default 10,000). */
  retainRevisions?: number;
  /** Keep at least this much history by age, in milliseconds (default 600,000 = 10 minutes). */
  retainMs?: number;
  /** How often to compact, in milliseconds (default 300,000 = 5 minutes, as kine); 0 disables the timer. */
  compactIntervalMs?: number;
}

type Stmt<P extends unknown[], R = unknown> = Database.Statement<P, R>;
interface InsertParams {
  id: number;
  name: string;
  created: number;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  value: string;
  old_value: string | null;
}

/**
 * SQLite implementation of {@link Store}. Create with {@link openSqliteStore}.
 *
 * Guarantees: revision 1 on an empty file, +1 per write, never reused (also across
 * restarts and compaction). Delete events carry the last value in `kv` with
 * `kv.modRevision` = the delete's revision (as etcd), and the last value with its
 * own modRevision in `prevKv`. History is kept for at least `retainRevisions`
 * revisions and `retainMs`; a watch from an older revision throws StoreCompactedError.
 */
export class SqliteStore implements Store {
  private rev: number;
  private compactRev: number;
  private readonly hub = new WatchHub();
  private readonly samples: { at: number; rev: number }[] = [];
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly retainRevisions: number;
  private readonly retainMs: number;
  private readonly latestStmt: Stmt<[string], LogRow>;
  private readonly insertStmt: Stmt<[InsertParams]>;
  private readonly metaGet: Stmt<[string], { value: number }>;
  private readonly metaSet: Stmt<[number, string]>;
  private readonly stmtCache = new Map<string, Stmt<[Record<string, unknown>], LogRow>>();
  private readonly writeTxn: (key: string, build: (prev: LogRow | undefined) => InsertParams) => LogRow;
  private closed = false;

  /** @internal Use {@link openSqliteStore}. */
  constructor(
    private readonly db: Database.Database,
    opts: SqliteStoreOptions = {},
  ) {
    this.retainRevisions = opts.retainRevisions ?? 10_000;
    this.retainMs = opts.retainMs ?? 10 * 60 * 1000;
    this.latestStmt = db.prepare<[string], LogRow>(SQL.latest);
    this.insertStmt = db.prepare<[InsertParams]>(SQL.insert);
    this.metaGet = db.prepare<[string], { value: number }>(SQL.getMeta);
    this.metaSet = db.prepare<[number, string]>(SQL.setMeta);
    this.compactRev = this.metaGet.get('compact_revision')?.value ?? 0;
    const maxId = db.prepare<[], { id: number | null }>(SQL.maxId).get()?.id ?? 0;
    this.rev = Math.max(1, maxId, this.compactRev);
    this.writeTxn = db.transaction((key: string, build: (prev: LogRow | undefined) => InsertParams) => {
      const params = build(this.latestStmt.get(key));
      this.insertStmt.run(params);
      return { ...params };
    });
    this.samples.push({ at: Date.now(), rev: this.rev });
    const every = opts.compactIntervalMs ?? 5 * 60 * 1000;
    if (every > 0) {
      this.timer = setInterval(() => this.compactTick(), every);
      this.timer.unref();
    }
  }

  async currentRevision(): Promise<number> {
    this.checkOpen();
    return this.rev;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.checkOpen();
    const row = this.latestStmt.get(key);
    return row && !row.deleted ? rowToKeyValue(row) : undefined;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.checkOpen();
    const after = opts.startAfter;
    const useAfter = after !== undefined && compareKeys(after, prefix) >= 0;
    const hi = prefixEnd(prefix);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const stmt = this.cached(`list${useAfter ? '>' : '>='}${hi !== undefined}`, () =>
      listSql(useAfter ? '>' : '>=', hi !== undefined),
    );
    const params: Record<string, unknown> = { lo: useAfter ? after : prefix, limit: limit ? limit + 1 : -1 };
    if (hi !== undefined) params.hi = hi;
    const rows = stmt.all(params).filter((r) => r.name.startsWith(prefix));
    const page = limit ? rows.slice(0, limit) : rows;
    const result: ListResult = { items: page.map(rowToKeyValue), revision: this.rev };
    if (rows.length > page.length && page.length > 0) result.continueKey = page[page.length - 1]?.name;
    return result;
  }

  async create(key: string, value: string): Promise<KeyValue> {
    this.checkOpen();
    const row = this.write(key, (prev, id) => {
      if (prev && !prev.deleted) throw new StoreKeyExistsError(key);
      return row_(id, key, 1, 0, id, prev?.id ?? 0, value, null);
    });
    return rowToKeyValue(row);
  }

  async update(key: string, value: string, expectedModRevision?: number): Promise<KeyValue> {
    this.checkOpen();
    const row = this.write(key, (prev, id) => {
      const p = checkPrecondition(key, prev, expectedModRevision);
      return row_(id, key, 0, 0, p.create_revision, p.id, value, p.value);
    });
    return rowToKeyValue(row);
  }

  async delete(key: string, expectedModRevision?: number): Promise<{ kv: KeyValue; revision: number }> {
    this.checkOpen();
    let last: KeyValue | undefined;
    const row = this.write(key, (prev, id) => {
      const p = checkPrecondition(key, prev, expectedModRevision);
      last = rowToKeyValue(p);
      return row_(id, key, 0, 1, p.create_revision, p.id, p.value, null);
    });
    return { kv: last as KeyValue, revision: row.id };
  }

  watch(prefix: string, afterRevision: number, signal: AbortSignal): AsyncIterable<StoreEvent> {
    this.checkOpen();
    return this.hub.watch(prefix, afterRevision, signal, (p, after) => this.replay(p, after));
  }

  /**
   * Compacts history: deletes tombstones and superseded rows with revision <= the
   * target (never a live key's latest row), then records the target so watches from
   * older revisions fail with StoreCompactedError. Without `upTo`, the target is the
   * newest revision that is both `retainRevisions` behind the head and at least
   * `retainMs` old. `upTo` is capped at the current revision.
   * @returns the compacted revision after the call.
   */
  compact(upTo?: number): number {
    this.checkOpen();
    const target = upTo !== undefined ? Math.min(upTo, this.rev) : this.policyTarget();
    if (target <= this.compactRev) return this.compactRev;
    const old = this.compactRev;
    this.db.transaction(() => {
      this.db.prepare(SQL.compactOld).run({ old, target });
      this.db.prepare(SQL.compactNew).run({ old, target });
      this.metaSet.run(target, 'compact_revision');
    })();
    this.compactRev = target;
    return target;
  }

  /** The revision history has been compacted to (0 when never compacted). */
  compactedRevision(): number {
    return this.compactRev;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.hub.closeAll();
    this.db.close();
  }

  /** Runs one conditional write in a transaction, then advances the revision and notifies watchers. */
  private write(key: string, build: (prev: LogRow | undefined, id: number) => InsertParams): LogRow {
    const id = this.rev + 1;
    const row = this.writeTxn(key, (prev) => build(prev, id));
    this.rev = id;
    this.hub.emit(Object.freeze(rowToEvent(row)));
    return row;
  }

  private replay(prefix: string, afterRevision: number): StoreEvent[] {
    if (afterRevision < this.compactRev) throw new StoreCompactedError(afterRevision, this.compactRev);
    const hi = prefixEnd(prefix);
    const stmt = this.cached(`replay${hi !== undefined}`, () => replaySql(hi !== undefined));
    const params: Record<string, unknown> = { after: afterRevision, lo: prefix };
    if (hi !== undefined) params.hi = hi;
    const events: StoreEvent[] = [];
    for (const row of stmt.iterate(params)) {
      if (row.name.startsWith(prefix)) events.push(Object.freeze(rowToEvent(row)));
    }
    return events;
  }

  private policyTarget(): number {
    const now = Date.now();
    let byAge = this.retainMs <= 0 ? this.rev : 0;
    for (const s of this.samples) if (s.at <= now - this.retainMs) byAge = Math.max(byAge, s.rev);
    return Math.min(byAge, this.rev - this.retainRevisions);
  }

  private compactTick(): void {
    if (this.closed) return;
    const now = Date.now();
    this.samples.push({ at: now, rev: this.rev });
    // Keep only the newest sample old enough to matter, plus the younger ones.
    while (this.samples.length > 1 && (this.samples[1]?.at ?? now) <= now - this.retainMs) this.samples.shift();
    try {
      this.compact();
    } catch (err) {
      process.emitWarning(`peapod sqlite compaction failed: ${String(err)}`);
    }
  }

  private cached(name: string, sql: () => string): Stmt<[Record<string, unknown>], LogRow> {
    let stmt = this.stmtCache.get(name);
    if (!stmt) {
      stmt = this.db.prepare<[Record<string, unknown>], LogRow>(sql());
      this.stmtCache.set(name, stmt);
    }
    return stmt;
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('sqlite store is closed');
  }
}

function row_(
  id: number,
  name: string,
  created: number,
  deleted: number,
  createRevision: number,
  prevRevision: number,
  value: string,
  oldValue: string | null,
): InsertParams {
  return {
    id,
    name,
    created,
    deleted,
    create_revision: createRevision,
    prev_revision: prevRevision,
    value,
    old_value: oldValue,
  };
}

function checkPrecondition(key: string, prev: LogRow | undefined, expected: number | undefined): LogRow {
  if (!prev || prev.deleted) throw new StoreKeyNotFoundError(key);
  if (expected !== undefined && prev.id !== expected) throw new StoreConflictError(key, prev.id);
  return prev;
}

/**
 * Opens (creating when needed) the SQLite store at `path`, including its parent
 * directory and schema. Resolves once the file is ready for writes. Waits up to
 * 1 second for a previous holder (e.g. a restarting server) to release the file.
 * @throws Error when the file is held by another process or another open store.
 */
export async function openSqliteStore(path: string, opts: SqliteStoreOptions = {}): Promise<SqliteStore> {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: 1000 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(SCHEMA_SQL);
  } catch (err) {
    db.close();
    if (err instanceof Error && /locked|busy/i.test(err.message)) {
      throw new Error(`sqlite store ${path} is in use by another process or store: ${err.message}`);
    }
    throw err;
  }
  return new SqliteStore(db, opts);
}
