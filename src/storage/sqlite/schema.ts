/**
 * SQL for the sqlite store: a kine-style append-only log.
 *
 * Every write appends one row to `log`; its INTEGER PRIMARY KEY `id` is the
 * revision. The row with the highest id for a name is the key's current state
 * (a live value, or a tombstone when `deleted = 1`). `meta` holds the compacted
 * revision so the revision counter survives compaction of the newest rows.
 */
import type { KeyValue, StoreEvent } from '../store.js';

/** Schema version written to `meta`; bump with a migration when the layout changes. */
export const SCHEMA_VERSION = 1;

/** Creates the tables and indexes when missing (idempotent). */
export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS log (
  id              INTEGER PRIMARY KEY,
  name            TEXT    NOT NULL,
  created         INTEGER NOT NULL,
  deleted         INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision   INTEGER NOT NULL,
  value           TEXT    NOT NULL,
  old_value       TEXT
);
CREATE INDEX IF NOT EXISTS log_name_id ON log (name, id);
CREATE TABLE IF NOT EXISTS meta (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
INSERT OR IGNORE INTO meta (name, value) VALUES ('compact_revision', 0);
INSERT OR IGNORE INTO meta (name, value) VALUES ('schema_version', ${SCHEMA_VERSION});
`;

/** One `log` row as read back. `prev_revision` is the id of the name's previous row (0 if none). */
export interface LogRow {
  id: number;
  name: string;
  created: number;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  value: string;
  old_value: string | null;
}

const COLUMNS = 'id, name, created, deleted, create_revision, prev_revision, value, old_value';

/** Statement texts, kept together so the store file stays about behaviour. */
export const SQL = {
  latest: `SELECT ${COLUMNS} FROM log WHERE name = ? ORDER BY id DESC LIMIT 1`,
  insert: `INSERT INTO log (${COLUMNS}) VALUES
    (@id, @name, @created, @deleted, @create_revision, @prev_revision, @value, @old_value)`,
  maxId: 'SELECT MAX(id) AS id FROM log',
  getMeta: 'SELECT value FROM meta WHERE name = ?',
  setMeta: 'UPDATE meta SET value = ? WHERE name = ?',
  /** Superseded rows at or below the previous compaction point (their successor is newer). */
  compactOld: `DELETE FROM log WHERE id <= @old AND id <= @target
    AND id IN (SELECT prev_revision FROM log WHERE id > @old)`,
  /** Tombstones and superseded rows written since the previous compaction, up to the target. */
  compactNew: `DELETE FROM log WHERE id > @old AND id <= @target
    AND (deleted = 1 OR EXISTS (SELECT 1 FROM log AS n WHERE n.name = log.name AND n.id > log.id))`,
} as const;

/**
 * Latest live row per name in a key range, in name order. `lowerOp` is `>=` for a
 * prefix start or `>` for a continuation key; `bounded` adds the exclusive upper bound.
 */
export function listSql(lowerOp: '>=' | '>', bounded: boolean): string {
  return `SELECT ${COLUMNS} FROM log AS l
    WHERE l.name ${lowerOp} @lo ${bounded ? 'AND l.name < @hi' : ''}
      AND l.id = (SELECT MAX(m.id) FROM log AS m WHERE m.name = l.name)
      AND l.deleted = 0
    ORDER BY l.name LIMIT @limit`;
}

/** Rows after a revision in a key range, in revision order (the PK drives the scan). */
export function replaySql(bounded: boolean): string {
  return `SELECT ${COLUMNS} FROM log
    WHERE id > @after AND +name >= @lo ${bounded ? 'AND +name < @hi' : ''}
    ORDER BY id`;
}

/** The current value a row represents (for a tombstone: the last value, modRevision = the delete). */
export function rowToKeyValue(row: LogRow): KeyValue {
  return { key: row.name, value: row.value, createRevision: row.create_revision, modRevision: row.id };
}

/** The watch event a row represents. */
export function rowToEvent(row: LogRow): StoreEvent {
  const kv = rowToKeyValue(row);
  const ev: StoreEvent = {
    type: row.deleted ? 'delete' : 'put',
    created: !row.deleted && row.created === 1,
    key: row.name,
    kv,
    revision: row.id,
  };
  if (!ev.created) {
    ev.prevKv = {
      key: row.name,
      value: row.deleted ? row.value : (row.old_value ?? ''),
      createRevision: row.create_revision,
      modRevision: row.prev_revision,
    };
  }
  return ev;
}
