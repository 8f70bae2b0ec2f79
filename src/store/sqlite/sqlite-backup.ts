import Database from 'better-sqlite3';
import { BACKUP_FORMAT, BACKUP_FORMAT_VERSION, type BackupRecord } from '../../protocol/backup.js';
import { renumbered, type BackupBatch, type ImportMode, type ImportOutcome } from '../backup-plan.js';
import {
  AUDIT_COLUMNS,
  ROLLOUT_COLUMNS,
  auditRecord,
  auditValues,
  keyRecord,
  labelRecord,
  rolloutRecord,
  rolloutValues,
  versionRecord,
  versionValues,
  type AuditRow,
  type KeyRow,
  type LabelRow,
  type RolloutRow,
} from '../backup-rows.js';
import type { VersionRow } from '../version-rows.js';
import { SQL } from './sqlite-sql.js';

/** Export and import for the SQLite store (docs/cli.md#export-and-import); the store's methods call these. */

const PAGES = {
  keys: 'SELECT key, version AS head, deleted FROM prompts WHERE key > ? ORDER BY key LIMIT ?',
  versions: `
    SELECT key, version, text, author, message, created_at AS createdAt, revision, variables, checks
    FROM prompt_versions WHERE (key, version) > (?, ?) ORDER BY key, version LIMIT ?`,
  labels: 'SELECT key, label, version, revision FROM labels WHERE (key, label) > (?, ?) ORDER BY key, label LIMIT ?',
  audit: `
    SELECT revision, key, kind, version, author, address, message, at, moves, forced, apply, rollout, rollout_step AS rolloutStep,
      rollout_candidate AS rolloutCandidate, rollout_basis_points AS rolloutBasisPoints
    FROM audit WHERE revision > ? ORDER BY revision LIMIT ?`,
  rollouts: `
    SELECT id, key, label, baseline, candidate, basis_points AS basisPoints, apply, guard, status, revision,
      created_at AS createdAt, created_by AS createdBy, updated_at AS updatedAt, updated_by AS updatedBy, reason, history
    FROM rollouts WHERE id > ? ORDER BY id LIMIT ?`,
};

const REVISION = `SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'audit'), 0) AS r`;

/**
 * Every record, read in one snapshot. A file store gets a read-only connection
 * of its own holding one read transaction (WAL: writers go on meanwhile), so
 * the pages between awaits still describe one moment; an in-memory store has
 * no second connection and is read whole in one transaction instead.
 */
export async function* sqliteExport(path: string, main: Database.Database, pageSize: number): AsyncGenerator<BackupRecord[]> {
  if (path === ':memory:') {
    yield* main.transaction(() => [...readPages(main, pageSize)])();
    return;
  }
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.exec('BEGIN');
    // The first read fixes the snapshot every later page sees.
    yield* readPages(db, pageSize);
    db.exec('COMMIT');
  } finally {
    db.close();
  }
}

function* readPages(db: Database.Database, size: number): Generator<BackupRecord[]> {
  const revision = (db.prepare(REVISION).get() as { r: number }).r;
  yield [{ type: 'meta', format: BACKUP_FORMAT, formatVersion: BACKUP_FORMAT_VERSION, revision, exportedAt: new Date().toISOString() }];
  yield* paged(size, (last: KeyRow | undefined) => db.prepare(PAGES.keys).all(last?.key ?? '', size) as KeyRow[], keyRecord);
  yield* paged(
    size,
    (last: VersionRow | undefined) => db.prepare(PAGES.versions).all(last?.key ?? '', last?.version ?? 0, size) as VersionRow[],
    versionRecord,
  );
  yield* paged(
    size,
    (last: LabelRow | undefined) => db.prepare(PAGES.labels).all(last?.key ?? '', last?.label ?? '', size) as LabelRow[],
    labelRecord,
  );
  yield* paged(size, (last: AuditRow | undefined) => db.prepare(PAGES.audit).all(last?.revision ?? 0, size) as AuditRow[], auditRecord);
  yield* paged(size, (last: RolloutRow | undefined) => db.prepare(PAGES.rollouts).all(last?.id ?? '', size) as RolloutRow[], rolloutRecord);
}

/** Reads pages after the last row of the one before until a short page. */
function* paged<R, T>(size: number, read: (last: R | undefined) => R[], toRecord: (row: R) => T): Generator<T[]> {
  let last: R | undefined;
  for (;;) {
    const rows = read(last);
    if (rows.length > 0) yield rows.map(toRecord);
    if (rows.length < size) return;
    last = rows.at(-1);
  }
}

/** The whole import; the caller runs it inside one IMMEDIATE transaction. */
export function sqliteImport(db: Database.Database, batch: BackupBatch, mode: ImportMode): ImportOutcome {
  const current = (db.prepare(REVISION).get() as { r: number }).r;
  const { keys, changes } = db.prepare('SELECT (SELECT count(*) FROM prompts) AS keys, (SELECT count(*) FROM audit) AS changes').get() as {
    keys: number;
    changes: number;
  };
  if (mode === 'exact' && (keys > 0 || changes > 0)) {
    return { ok: false, reason: 'not-empty', message: `the store is not empty (${keys} keys, ${changes} changes)` };
  }
  if (mode === 'merge') {
    const has = db.prepare('SELECT 1 FROM prompts WHERE key = ?');
    const taken = batch.keys.filter((k) => has.get(k.key) !== undefined).map((k) => k.key);
    if (taken.length > 0) return { ok: false, reason: 'keys-exist', keys: taken };
    // A merged rollout keeps its id (sessions and agents name it); an id the store already uses is refused.
    const used = db.prepare('SELECT 1 FROM rollouts WHERE id = ?');
    const ids = batch.rollouts.filter((r) => used.get(r.id) !== undefined).map((r) => r.id);
    if (ids.length > 0) return { ok: false, reason: 'rollouts-exist', ids };
  }
  const b = mode === 'merge' ? renumbered(batch, current) : batch;
  const upsertKey = db.prepare(SQL.upsertKey);
  for (const k of b.keys) upsertKey.run(k.key, k.head, k.deleted ? 1 : 0);
  const insertVersion = db.prepare(SQL.insertVersion);
  for (const v of b.versions) insertVersion.run(...versionValues(v));
  const upsertLabel = db.prepare(SQL.upsertLabel);
  for (const l of b.labels) upsertLabel.run(l.key, l.label, l.version, l.revision);
  const insertAudit = db.prepare(`INSERT INTO audit (${AUDIT_COLUMNS}) VALUES (${marks(15)})`);
  for (const a of b.audit) insertAudit.run(...auditValues(a));
  const insertRollout = db.prepare(`INSERT INTO rollouts (${ROLLOUT_COLUMNS}) VALUES (${marks(16)})`);
  for (const r of b.rollouts) insertRollout.run(...rolloutValues(r));
  // The high-water mark, not only the last change: a revision is never handed out twice.
  const revision = Math.max(current, b.meta.revision);
  db.prepare(`DELETE FROM sqlite_sequence WHERE name = 'audit'`).run();
  db.prepare(`INSERT INTO sqlite_sequence (name, seq) VALUES ('audit', ?)`).run(revision);
  return {
    ok: true,
    revision,
    lastChange: b.audit.at(-1)?.revision ?? null,
    keys: b.keys.length,
    versions: b.versions.length,
    labels: b.labels.length,
    audit: b.audit.length,
    rollouts: b.rollouts.length,
  };
}

const marks = (n: number): string => Array.from({ length: n }, () => '?').join(', ');
