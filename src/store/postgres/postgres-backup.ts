import type pg from 'pg';
import { BACKUP_FORMAT, BACKUP_FORMAT_VERSION, type BackupRecord } from '../../protocol/backup.js';
import { renumbered, type BackupBatch, type ImportMode, type ImportOutcome } from '../backup-plan.js';
import {
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
import { CHANGES_CHANNEL } from './postgres.connection.js';
import { SQL, iso } from './postgres-sql.js';

/** Export and import for the PostgreSQL store (docs/cli.md#export-and-import); the store's methods call these. */

type Db = Pick<pg.PoolClient, 'query'>;

const PAGES = {
  keys: 'SELECT key, version AS head, deleted FROM prompts WHERE key > $1 ORDER BY key LIMIT $2',
  versions: `
    SELECT key, version, text, author, message, ${iso('created_at')} AS "createdAt", revision, variables, checks
    FROM prompt_versions WHERE (key, version) > ($1, $2) ORDER BY key, version LIMIT $3`,
  labels: 'SELECT key, label, version, revision FROM labels WHERE (key, label) > ($1, $2) ORDER BY key, label LIMIT $3',
  audit: `
    SELECT revision, key, kind, version, author, address, message, ${iso('at')} AS at, moves, forced, apply, rollout,
      rollout_step AS "rolloutStep", rollout_candidate AS "rolloutCandidate", rollout_basis_points AS "rolloutBasisPoints"
    FROM audit WHERE revision > $1 ORDER BY revision LIMIT $2`,
  rollouts: `
    SELECT id, key, label, baseline, candidate, basis_points AS "basisPoints", apply, guard, status, revision,
      ${iso('created_at')} AS "createdAt", created_by AS "createdBy", ${iso('updated_at')} AS "updatedAt", updated_by AS "updatedBy", reason, history
    FROM rollouts WHERE id > $1 ORDER BY id LIMIT $2`,
};

/** Every record, read in one REPEATABLE READ snapshot held by a connection of its own until the last page. */
export async function* postgresExport(pool: pg.Pool, pageSize: number): AsyncGenerator<BackupRecord[]> {
  const db = await pool.connect();
  let broken: Error | undefined;
  let open = false;
  try {
    await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    open = true;
    const revision = Number((await db.query<{ value: string }>(SQL.revision)).rows[0].value);
    yield [{ type: 'meta', format: BACKUP_FORMAT, formatVersion: BACKUP_FORMAT_VERSION, revision, exportedAt: new Date().toISOString() }];
    const rows = async <R extends pg.QueryResultRow>(sql: string, params: unknown[]) => (await db.query<R>(sql, params)).rows;
    yield* paged(pageSize, (last: KeyRow | undefined) => rows<KeyRow>(PAGES.keys, [last?.key ?? '', pageSize]), keyRecord);
    yield* paged(
      pageSize,
      (last: VersionRow | undefined) => rows<VersionRow>(PAGES.versions, [last?.key ?? '', last?.version ?? 0, pageSize]),
      versionRecord,
    );
    yield* paged(pageSize, (last: LabelRow | undefined) => rows<LabelRow>(PAGES.labels, [last?.key ?? '', last?.label ?? '', pageSize]), labelRecord);
    yield* paged(pageSize, (last: AuditRow | undefined) => rows<AuditRow>(PAGES.audit, [last?.revision ?? 0, pageSize]), auditRecord);
    yield* paged(pageSize, (last: RolloutRow | undefined) => rows<RolloutRow>(PAGES.rollouts, [last?.id ?? '', pageSize]), rolloutRecord);
    await db.query('COMMIT');
    open = false;
  } catch (err) {
    open = false;
    broken = await db.query('ROLLBACK').then(
      () => undefined,
      (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
    );
    throw err;
  } finally {
    // Stopped early (the client went away): the snapshot ends with the connection's transaction.
    if (open) await db.query('ROLLBACK').catch(() => undefined);
    db.release(broken);
  }
}

async function* paged<R, T>(size: number, read: (last: R | undefined) => Promise<R[]>, toRecord: (row: R) => T): AsyncGenerator<T[]> {
  let last: R | undefined;
  for (;;) {
    const rows = await read(last);
    if (rows.length > 0) yield rows.map(toRecord);
    if (rows.length < size) return;
    last = rows.at(-1);
  }
}

/** The whole import, inside the caller's transaction; commits only when it answers ok. */
export async function postgresImport(tx: Db, batch: BackupBatch, mode: ImportMode): Promise<ImportOutcome> {
  // ordering: lock the counter row first, as every write does, so no write commits between the check and the import.
  const current = Number((await tx.query<{ value: string }>('SELECT value FROM revision_counter FOR UPDATE')).rows[0].value);
  const [counts] = (
    await tx.query<{ keys: number; changes: number }>(
      'SELECT (SELECT count(*) FROM prompts)::int AS keys, (SELECT count(*) FROM audit)::int AS changes',
    )
  ).rows;
  if (mode === 'exact' && (counts.keys > 0 || counts.changes > 0)) {
    return { ok: false, reason: 'not-empty', message: `the store is not empty (${counts.keys} keys, ${counts.changes} changes)` };
  }
  if (mode === 'merge') {
    const taken = (await tx.query<{ key: string }>('SELECT key FROM prompts WHERE key = ANY($1::text[])', [batch.keys.map((k) => k.key)])).rows;
    if (taken.length > 0) return { ok: false, reason: 'keys-exist', keys: taken.map((r) => r.key) };
    // A merged rollout keeps its id (sessions and agents name it); an id the store already uses is refused.
    const used = (await tx.query<{ id: string }>('SELECT id FROM rollouts WHERE id = ANY($1::text[]) ORDER BY id', [batch.rollouts.map((r) => r.id)]))
      .rows;
    if (used.length > 0) return { ok: false, reason: 'rollouts-exist', ids: used.map((r) => r.id) };
  }
  const b = mode === 'merge' ? renumbered(batch, current) : batch;
  for (const k of b.keys) await tx.query(SQL.upsertKey, [k.key, k.head, k.deleted]);
  for (const v of b.versions) await tx.query(SQL.insertVersion, versionValues(v));
  for (const l of b.labels) await tx.query(SQL.upsertLabel, [l.key, l.label, l.version, l.revision]);
  for (const a of b.audit) await tx.query(SQL.insertAudit, auditValues(a));
  const insertRollout = `INSERT INTO rollouts (${ROLLOUT_COLUMNS}) VALUES (${Array.from({ length: 16 }, (_, i) => `$${i + 1}`).join(', ')})`;
  for (const r of b.rollouts) await tx.query(insertRollout, rolloutValues(r));
  const revision = Math.max(current, b.meta.revision);
  await tx.query('UPDATE revision_counter SET value = $1', [revision]);
  // Queued with the transaction, as a write's: every replica's feed reads the imported changes on commit.
  if (b.audit.length > 0) await tx.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, String(revision)]);
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
