import { Logger } from '@nestjs/common';
import type pg from 'pg';
import type { PostgresConfig } from '../../config/app-config.js';
import { CHANGES_CHANNEL, createPool, unavailable } from './postgres.connection.js';
import { POSTGRES_MIGRATIONS } from './postgres.migrations.js';
import { refuseChange } from '../write-precondition.js';
import {
  AuditEntry,
  AuditQuery,
  ChangeKind,
  ChangeOrigin,
  ChangeRecord,
  CreateInput,
  DeletedPrompt,
  PromptRecord,
  PromptStore,
  RemoveInput,
  ReplaySize,
  RollbackInput,
  Snapshot,
  StorePing,
  UpdateInput,
  VersionList,
  VersionPage,
  VersionRecord,
  WriteOutcome,
} from '../prompt-store.js';

/** Timestamps leave the database as the same ISO strings SQLite stores (millisecond precision, `Z`). */
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const PROMPT_COLUMNS = `v.key, v.text, v.version, v.author, v.message, ${iso('v.created_at')} AS "updatedAt", v.revision`;
const CURRENT_PROMPTS = `
  SELECT ${PROMPT_COLUMNS} FROM prompts p
  JOIN prompt_versions v ON v.key = p.key AND v.version = p.version
  WHERE NOT p.deleted`;

// An arbitrary constant that names "promptcast migrations" among advisory locks.
const MIGRATION_LOCK = 7_346_201_554;

type Db = Pick<pg.PoolClient, 'query'>;
type KeyRow = { version: number; deleted: boolean };
type Stamp = { revision: number; at: string };

/** Version numbers from requests may be absurdly large; no stored version exceeds this. */
const clamp = (n: number) => Math.min(n, Number.MAX_SAFE_INTEGER);

/**
 * PromptStore on PostgreSQL (`pg` pool). Same schema and behaviour as the
 * SQLite store. Every write is one transaction that starts by bumping the
 * `revision_counter` row and ends by notifying CHANGES_CHANNEL, so the
 * notification goes out exactly when (and only if) the write commits.
 *
 * Why a counter row and not a sequence: `nextval()` hands out numbers when it
 * runs, not when the transaction commits. Writer A can take 7, writer B take 8
 * and commit first; a reader that sees 8 moves its cursor past 7 and never
 * sees A's change when A commits a moment later. The counter row's lock is
 * held from a writer's first statement to its commit, so writers are
 * serialised: revision order is commit order, and once revision R is visible
 * every revision below R is too. A write that fails its checks rolls back,
 * bump included, so revisions have no gaps either.
 */
export class PostgresPromptStore extends PromptStore {
  readonly kind = 'postgres';
  private readonly logger = new Logger('PostgresPromptStore');
  private readonly pool: pg.Pool;

  constructor(private readonly config: PostgresConfig) {
    super();
    this.pool = createPool(config);
    // Without a listener, an idle connection dropped by the server would crash the process.
    this.pool.on('error', (err) => this.logger.warn(`idle connection lost: ${err.message}`));
  }

  async init(): Promise<void> {
    const startedAt = Date.now();
    try {
      await this.migrate();
    } catch (err) {
      throw unavailable(this.config, err, startedAt);
    }
  }

  async close(): Promise<void> {
    if (!this.pool.ending) await this.pool.end();
  }

  async ping(): Promise<StorePing> {
    const {
      rows: [{ v }],
    } = await this.pool.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    return { schemaVersion: v ?? 0, latestSchemaVersion: POSTGRES_MIGRATIONS.length };
  }

  async revision(): Promise<number> {
    return this.currentRevision(this.pool);
  }

  async snapshot(): Promise<Snapshot> {
    return this.readConsistently(async (db) => ({
      revision: await this.currentRevision(db),
      prompts: (await db.query<PromptRecord>(`${CURRENT_PROMPTS} ORDER BY p.key`)).rows,
    }));
  }

  async get(key: string): Promise<PromptRecord | undefined> {
    return (await this.pool.query<PromptRecord>(`${CURRENT_PROMPTS} AND p.key = $1`, [key])).rows[0];
  }

  async listDeleted(): Promise<DeletedPrompt[]> {
    // The newest delete of each key; a key deleted, restored and deleted again has several.
    return (
      await this.pool.query<DeletedPrompt>(`
      SELECT p.key, p.version, ${iso('c.at')} AS "deletedAt", c.author AS "deletedBy"
      FROM prompts p
      LEFT JOIN audit c ON c.revision = (
        SELECT max(revision) FROM audit WHERE key = p.key AND kind = 'delete')
      WHERE p.deleted ORDER BY p.key`)
    ).rows;
  }

  async listVersions(key: string, page: VersionPage): Promise<VersionList | undefined> {
    return this.readConsistently(async (db) => {
      const row = await this.keyRow(db, key);
      if (!row) return undefined;
      const { rows: versions } = await db.query<VersionList['versions'][number]>(
        `
        SELECT key, version, author, message, ${iso('created_at')} AS "createdAt", revision, octet_length(text) AS size
        FROM prompt_versions WHERE key = $1 AND version < $2::bigint ORDER BY version DESC LIMIT $3`,
        [key, clamp(page.before ?? Number.MAX_SAFE_INTEGER), page.limit],
      );
      const {
        rows: [{ total }],
      } = await db.query<{ total: number }>('SELECT count(*) AS total FROM prompt_versions WHERE key = $1', [key]);
      return { versions, total, deleted: row.deleted };
    });
  }

  async getVersion(key: string, version: number): Promise<VersionRecord | undefined> {
    return (
      await this.pool.query<VersionRecord>(
        `
      SELECT key, version, text, author, message, ${iso('created_at')} AS "createdAt", revision
      FROM prompt_versions WHERE key = $1 AND version = $2::bigint`,
        [key, clamp(version)],
      )
    ).rows[0];
  }

  async create(input: CreateInput): Promise<WriteOutcome> {
    return this.write(async (tx, stamp) => {
      const row = await this.keyRow(tx, input.key);
      if (row && !row.deleted) return { ok: false, reason: 'exists', currentVersion: row.version };
      return this.addVersion(tx, stamp, input, (row?.version ?? 0) + 1, 'create');
    });
  }

  async update(input: UpdateInput): Promise<WriteOutcome> {
    return this.write(async (tx, stamp) => {
      const row = await this.keyRow(tx, input.key);
      const refused = refuseChange(row && { version: row.version, live: !row.deleted }, input.ifVersion);
      if (refused || !row) return refused ?? { ok: false, reason: 'not_found' };
      return this.addVersion(tx, stamp, input, row.version + 1, 'update');
    });
  }

  async remove(input: RemoveInput): Promise<WriteOutcome> {
    return this.write(async (tx, stamp) => {
      const row = await this.keyRow(tx, input.key);
      const refused = refuseChange(row && { version: row.version, live: !row.deleted }, input.ifVersion);
      if (refused || !row) return refused ?? { ok: false, reason: 'not_found' };
      const change = await this.logChange(tx, stamp, input, 'delete', row.version);
      await tx.query('UPDATE prompts SET deleted = true WHERE key = $1', [input.key]);
      return { ok: true, change: { ...change, text: null }, prompt: null };
    });
  }

  async rollback(input: RollbackInput): Promise<WriteOutcome> {
    return this.write(async (tx, stamp) => {
      const row = await this.keyRow(tx, input.key);
      if (!row) return { ok: false, reason: 'not_found' };
      const {
        rows: [target],
      } = await tx.query<{ text: string }>('SELECT text FROM prompt_versions WHERE key = $1 AND version = $2::bigint', [
        input.key,
        clamp(input.toVersion),
      ]);
      if (!target) return { ok: false, reason: 'version_not_found', currentVersion: row.version };
      // Rolling back a deleted key restores it: that is how deleted prompts come back.
      return this.addVersion(tx, stamp, { ...input, text: target.text }, row.version + 1, 'rollback');
    });
  }

  async changesAfter(after: number, limit: number): Promise<ChangeRecord[]> {
    return (
      await this.pool.query<ChangeRecord>(
        `
      SELECT c.revision, c.key, c.kind, c.version, c.author, ${iso('c.at')} AS at,
             CASE WHEN c.kind = 'delete' THEN NULL ELSE v.text END AS text
      FROM audit c LEFT JOIN prompt_versions v ON v.key = c.key AND v.version = c.version
      WHERE c.revision > $1 ORDER BY c.revision LIMIT $2`,
        [after, limit],
      )
    ).rows;
  }

  async replaySize(after: number): Promise<ReplaySize> {
    const { rows } = await this.pool.query<ReplaySize>(
      `SELECT count(*)::int AS changes, coalesce(sum(octet_length(v.text)), 0)::bigint AS "textBytes"
       FROM audit c LEFT JOIN prompt_versions v ON v.key = c.key AND v.version = c.version AND c.kind <> 'delete'
       WHERE c.revision > $1`,
      [clamp(after)],
    );
    return { changes: Number(rows[0].changes), textBytes: Number(rows[0].textBytes) };
  }

  async snapshotSize(): Promise<number> {
    const { rows } = await this.pool.query<{ bytes: string }>(
      `SELECT coalesce(sum(octet_length(v.text)), 0)::bigint AS bytes FROM prompts p
       JOIN prompt_versions v ON v.key = p.key AND v.version = p.version WHERE NOT p.deleted`,
    );
    return Number(rows[0].bytes);
  }

  async listAudit(query: AuditQuery): Promise<AuditEntry[]> {
    return (
      await this.pool.query<AuditEntry>(
        `
      SELECT revision, key, kind, version, author, address, message, ${iso('at')} AS at FROM audit
      WHERE revision < $1::bigint AND ($2::text IS NULL OR key = $2) AND ($3::text IS NULL OR author = $3)
      ORDER BY revision DESC LIMIT $4`,
        [clamp(query.before ?? Number.MAX_SAFE_INTEGER), query.key ?? null, query.author ?? null, query.limit],
      )
    ).rows;
  }

  async revokeSession(id: string, expiresAt: number, now: number): Promise<void> {
    await this.pool.query('DELETE FROM revoked_sessions WHERE expires_at <= $1', [now]);
    await this.pool.query('INSERT INTO revoked_sessions (id, expires_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [id, expiresAt]);
  }

  async isSessionRevoked(id: string): Promise<boolean> {
    return ((await this.pool.query('SELECT 1 FROM revoked_sessions WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }

  private async migrate(): Promise<void> {
    await this.transaction('BEGIN', async (tx) => {
      // Replicas starting together queue here; the lock ends with the transaction, even if this process dies.
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await tx.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL)');
      const {
        rows: [{ v }],
      } = await tx.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
      const applied = v ?? 0;
      for (const [i, sql] of POSTGRES_MIGRATIONS.slice(applied).entries()) {
        await tx.query(sql);
        await tx.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, now())', [applied + i + 1]);
      }
    });
  }

  private write(fn: (tx: Db, stamp: Stamp) => Promise<WriteOutcome>): Promise<WriteOutcome> {
    return this.transaction(
      'BEGIN',
      async (tx) => {
        // ordering: the counter bump is the first statement, so its row lock serialises the whole write.
        const stamp = await this.nextRevision(tx);
        const outcome = await fn(tx, stamp);
        // Queued with the transaction: PostgreSQL delivers it on commit and drops it on rollback.
        if (outcome.ok) await tx.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, String(stamp.revision)]);
        return outcome;
      },
      (outcome) => outcome.ok,
    );
  }

  /** Reads that must describe one moment (a snapshot and its revision) share one snapshot. */
  private readConsistently<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    return this.transaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', fn);
  }

  private async transaction<T>(begin: string, fn: (tx: Db) => Promise<T>, commit: (value: T) => boolean = () => true): Promise<T> {
    const tx = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await tx.query(begin);
      const value = await fn(tx);
      await tx.query(commit(value) ? 'COMMIT' : 'ROLLBACK');
      return value;
    } catch (err) {
      broken = await tx.query('ROLLBACK').then(
        () => undefined,
        (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
      );
      throw err;
    } finally {
      // A connection that cannot even roll back is discarded rather than returned to the pool.
      tx.release(broken);
    }
  }

  private async nextRevision(tx: Db): Promise<Stamp> {
    // clock_timestamp() is read after the lock is granted, so timestamps follow revision order too.
    const {
      rows: [stamp],
    } = await tx.query<Stamp>(`UPDATE revision_counter SET value = value + 1 RETURNING value AS revision, ${iso('clock_timestamp()')} AS at`);
    return stamp;
  }

  private async addVersion(tx: Db, stamp: Stamp, input: CreateInput, version: number, kind: ChangeKind): Promise<WriteOutcome> {
    const change = await this.logChange(tx, stamp, input, kind, version);
    await tx.query(
      `
      INSERT INTO prompts (key, version, deleted) VALUES ($1, $2, false)
      ON CONFLICT (key) DO UPDATE SET version = excluded.version, deleted = false`,
      [input.key, version],
    );
    await tx.query(
      `
      INSERT INTO prompt_versions (key, version, text, author, message, created_at, revision)
      VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [input.key, version, input.text, input.author, input.message, stamp.at, stamp.revision],
    );
    const prompt: PromptRecord = {
      key: input.key,
      text: input.text,
      version,
      author: input.author,
      message: input.message,
      updatedAt: stamp.at,
      revision: stamp.revision,
    };
    return { ok: true, change: { ...change, text: input.text }, prompt };
  }

  private async logChange(tx: Db, stamp: Stamp, origin: ChangeOrigin, kind: ChangeKind, version: number): Promise<Omit<ChangeRecord, 'text'>> {
    const { key, author } = origin;
    // One insert: the audit row is the change log entry.
    await tx.query('INSERT INTO audit (revision, key, kind, version, author, address, message, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
      stamp.revision,
      key,
      kind,
      version,
      author,
      origin.address ?? null,
      origin.message ?? null,
      stamp.at,
    ]);
    return { revision: stamp.revision, key, kind, version, author, at: stamp.at };
  }

  private async keyRow(db: Db, key: string): Promise<KeyRow | undefined> {
    return (await db.query<KeyRow>('SELECT version, deleted FROM prompts WHERE key = $1', [key])).rows[0];
  }

  private async currentRevision(db: Db): Promise<number> {
    // The counter row is the high-water mark: the last revision handed out.
    return (await db.query<{ value: number }>('SELECT value FROM revision_counter')).rows[0].value;
  }
}
