import { Logger } from '@nestjs/common';
import type pg from 'pg';
import type { PostgresConfig } from '../../config/app-config.js';
import type { BackupRecord } from '../../protocol/backup.js';
import type { LabelPointer } from '../../protocol/labels.js';
import type { BackupBatch, ImportMode, ImportOutcome } from '../backup-plan.js';
import type { ApplyScope, Rollout } from '../../protocol/rollouts.js';
import { encodeMoves, toAuditEntry, toChangeRecord, written, type AuditRow, type ChangeRow } from '../change-rows.js';
import { toLabelEntry, type LabelEntryRow } from '../label-view.js';
import {
  AuditEntry,
  AuditQuery,
  ChangeRecord,
  DeletedPrompt,
  KeyLabels,
  LabelSnapshot,
  MoveInput,
  PromptRecord,
  PromptStore,
  RemoveInput,
  RolloutOutcome,
  RolloutStartInput,
  RolloutStepInput,
  ReplaySize,
  SaveInput,
  SavedVersion,
  StorePing,
  UnlabelInput,
  VersionList,
  VersionPage,
  VersionRecord,
  WriteOutcome,
} from '../prompt-store.js';
import {
  encodeChecks,
  encodeVariables,
  fromPromptRow,
  fromSummaryRow,
  fromVersionRow,
  type PromptRow,
  type SummaryRow,
  type VersionRow,
} from '../version-rows.js';
import { rolloutPlan } from '../rollout-plan.js';
import {
  changeRolloutAfter,
  encodeGuard,
  historyAfter,
  promptWithOffer,
  statusAfter,
  toRollout,
  toRolloutState,
  type OfferColumns,
  type RolloutRow,
} from '../rollout-rows.js';
import { plan, saveRules, type ActiveRollout, type KeyState, type Outcome, type Plan, type RolloutChange, type Unchanged } from '../write-plan.js';
import { ROLLOUT_SQL } from './postgres-rollout-sql.js';
import { postgresExport, postgresImport } from './postgres-backup.js';
import { CHANGES_CHANNEL, createPool, inTransaction, unavailable } from './postgres.connection.js';
import { POSTGRES_MIGRATIONS } from './postgres.migrations.js';
import { SQL } from './postgres-sql.js';

// An arbitrary constant that names "promptcast migrations" among advisory locks.
const MIGRATION_LOCK = 7_346_201_554;

type Db = Pick<pg.PoolClient, 'query'>;
type Stamp = { revision: number; at: string };
type Origin = { key: string; author: string; address?: string | null; message: string | null; apply?: ApplyScope };
type Started = Pick<RolloutStartInput, 'guard'>;

/** Version numbers from requests may be absurdly large; no stored version exceeds this. */
const clamp = (n: number) => Math.min(n, Number.MAX_SAFE_INTEGER);

/**
 * PromptStore on PostgreSQL (`pg` pool). Same schema and behaviour as the
 * SQLite store; the write rules come from write-plan.ts. Every write is one
 * transaction that starts by bumping the `revision_counter` row and ends by
 * notifying CHANGES_CHANNEL, so the notification goes out exactly when (and
 * only if) the write commits.
 *
 * Why a counter row and not a sequence: `nextval()` hands out numbers when it
 * runs, not when the transaction commits. Writer A can take 7, writer B take 8
 * and commit first; a reader that sees 8 moves its cursor past 7 and never
 * sees A's change when A commits a moment later. The counter row's lock is
 * held from a writer's first statement to its commit, so writers are
 * serialised: revision order is commit order, and once revision R is visible
 * every revision below R is too. A write that is refused, or has nothing to
 * do, rolls back, bump included, so revisions have no gaps either.
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

  /** The pool, which the session store shares: one set of connections per process. */
  connections(): pg.Pool {
    return this.pool;
  }

  async close(): Promise<void> {
    if (!this.pool.ending) await this.pool.end();
  }

  async ping(): Promise<StorePing> {
    const [{ v }] = await this.rows<{ v: number | null }>(this.pool, SQL.schemaVersion);
    return { schemaVersion: v ?? 0, latestSchemaVersion: POSTGRES_MIGRATIONS.length };
  }

  async revision(): Promise<number> {
    return this.currentRevision(this.pool);
  }

  async labelSnapshot(label: string): Promise<LabelSnapshot> {
    return this.readConsistently(async (db) => ({
      label,
      at: await this.currentRevision(db),
      entries: (await this.rows<LabelEntryRow>(db, SQL.labelEntries, [label])).map(toLabelEntry),
    }));
  }

  async viewRevision(label: string, keys?: ReadonlySet<string>): Promise<number> {
    const [{ r }] = await this.rows<{ r: number }>(this.pool, SQL.viewRevision, [label, keys ? [...keys] : null]);
    return r;
  }

  async labelRevisions(): Promise<Record<string, number>> {
    const rows = await this.rows<{ label: string; r: number }>(this.pool, SQL.labelRevisions);
    return Object.fromEntries(rows.map((row) => [row.label, row.r]));
  }

  async get(key: string, label: string): Promise<PromptRecord | undefined> {
    const [row] = await this.rows<PromptRow & OfferColumns>(this.pool, SQL.labelledPrompt, [key, label]);
    return row && promptWithOffer(row);
  }

  async listLabels(key: string): Promise<LabelPointer[] | undefined> {
    return this.readConsistently(async (db) =>
      (await this.rows(db, SQL.keyRow, [key])).length === 0 ? undefined : this.rows<LabelPointer>(db, SQL.labelsOf, [key]),
    );
  }

  async labelIndex(key?: string): Promise<KeyLabels[]> {
    const rows = await this.rows<{ key: string; head: number; deleted: boolean; label: string | null; version: number | null }>(
      this.pool,
      key === undefined ? SQL.labelIndex : SQL.keyLabelIndex,
      key === undefined ? [] : [key],
    );
    const byKey = new Map<string, KeyLabels>();
    for (const r of rows) {
      const entry = byKey.get(r.key) ?? { key: r.key, head: r.head, deleted: r.deleted, labels: {} };
      if (r.label !== null && r.version !== null) entry.labels[r.label] = r.version;
      byKey.set(r.key, entry);
    }
    return [...byKey.values()];
  }

  async listDeleted(): Promise<DeletedPrompt[]> {
    return this.rows<DeletedPrompt>(this.pool, SQL.deleted);
  }

  async listVersions(key: string, page: VersionPage): Promise<VersionList | undefined> {
    return this.readConsistently(async (db) => {
      const [row] = await this.rows<{ version: number; deleted: boolean }>(db, SQL.keyRow, [key]);
      if (!row) return undefined;
      const rows = await this.rows<SummaryRow>(db, SQL.versions, [key, clamp(page.before ?? Number.MAX_SAFE_INTEGER), page.limit]);
      const versions = rows.map(fromSummaryRow);
      const labels = await this.rows<{ label: string; version: number }>(db, SQL.liveLabels, [key]);
      const [{ total }] = await this.rows<{ total: number }>(db, SQL.versionCount, [key]);
      const withLabels = versions.map((v) => ({ ...v, labels: labels.filter((l) => l.version === v.version).map((l) => l.label) }));
      return { versions: withLabels, total, deleted: row.deleted };
    });
  }

  async getVersion(key: string, version: number): Promise<VersionRecord | undefined> {
    return this.versionAt(this.pool, key, version);
  }

  async create(input: SaveInput): Promise<WriteOutcome> {
    return this.write(input, async (state) => plan.create(state, saveRules(input)), input);
  }

  async update(input: SaveInput): Promise<WriteOutcome> {
    return this.write(input, async (state) => plan.update(state, saveRules(input)), input);
  }

  async remove(input: RemoveInput): Promise<WriteOutcome> {
    return this.write({ ...input, message: input.message ?? null }, async (state) => plan.remove(state, input.ifVersion, input.policy));
  }

  async moveLabel(input: MoveInput): Promise<WriteOutcome> {
    return this.write(input, async (state, tx) => {
      const versionExists = (await this.rows(tx, SQL.version, [input.key, clamp(input.version)])).length > 0;
      return plan.move(state, { ...input, versionExists }, input.policy);
    });
  }

  async removeLabel(input: UnlabelInput): Promise<WriteOutcome> {
    return this.write(input, async (state) => plan.unlabel(state, input.label, input.ifVersion, input.policy));
  }

  async startRollout(input: RolloutStartInput): Promise<RolloutOutcome> {
    const outcome = await this.write(
      input,
      async (state, tx) => {
        const versionExists = (await this.rows(tx, SQL.version, [input.key, clamp(input.version)])).length > 0;
        return rolloutPlan.start(state, { ...input, versionExists }, input.policy);
      },
      undefined,
      input,
    );
    return this.rolloutOutcome(outcome, input.id);
  }

  async stepRollout(input: RolloutStepInput): Promise<RolloutOutcome> {
    const outcome = await this.write(input, async (state, tx) => {
      const row = await this.rolloutRow(tx, input.id);
      return rolloutPlan.step(state, row && row.key === input.key ? toRolloutState(row) : undefined, input.rules, input.policy);
    });
    return this.rolloutOutcome(outcome, input.id);
  }

  async listRollouts(key: string, limit: number): Promise<Rollout[] | undefined> {
    return this.readConsistently(async (db) =>
      (await this.rows(db, SQL.keyRow, [key])).length === 0
        ? undefined
        : (await this.rows<RolloutRow>(db, ROLLOUT_SQL.ofKey, [key, limit])).map(toRollout),
    );
  }

  async getRollout(id: string): Promise<Rollout | undefined> {
    const row = await this.rolloutRow(this.pool, id);
    return row && toRollout(row);
  }

  async changesAfter(after: number, limit: number): Promise<ChangeRecord[]> {
    return (await this.rows<ChangeRow>(this.pool, SQL.changesAfter, [after, limit])).map(toChangeRecord);
  }

  async replaySize(after: number): Promise<ReplaySize> {
    const [size] = await this.rows<ReplaySize>(this.pool, SQL.replaySize, [clamp(after)]);
    return { changes: Number(size.changes), textBytes: Number(size.textBytes) };
  }

  async snapshotSize(label: string): Promise<number> {
    return Number((await this.rows<{ bytes: number }>(this.pool, SQL.snapshotSize, [label]))[0].bytes);
  }

  async listAudit(query: AuditQuery): Promise<AuditEntry[]> {
    const params = [clamp(query.before ?? Number.MAX_SAFE_INTEGER), query.key ?? null, query.author ?? null, query.limit];
    return (await this.rows<AuditRow>(this.pool, SQL.audit, params)).map(toAuditEntry);
  }

  async revokeSession(id: string, expiresAt: number, now: number): Promise<void> {
    await this.pool.query('DELETE FROM revoked_sessions WHERE expires_at <= $1', [now]);
    await this.pool.query('INSERT INTO revoked_sessions (id, expires_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [id, expiresAt]);
  }

  async isSessionRevoked(id: string): Promise<boolean> {
    return ((await this.pool.query('SELECT 1 FROM revoked_sessions WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }

  exportRecords(pageSize: number): AsyncGenerator<BackupRecord[]> {
    return postgresExport(this.pool, pageSize);
  }

  async importBatch(batch: BackupBatch, mode: ImportMode): Promise<ImportOutcome> {
    return this.transaction(
      'BEGIN',
      (tx) => postgresImport(tx, batch, mode),
      (outcome) => outcome.ok,
    );
  }

  private async migrate(): Promise<void> {
    await this.transaction('BEGIN', async (tx) => {
      // Replicas starting together queue here; the lock ends with the transaction, even if this process dies.
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await tx.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL)');
      const [{ v }] = await this.rows<{ v: number | null }>(tx, SQL.schemaVersion);
      const applied = v ?? 0;
      for (const [i, sql] of POSTGRES_MIGRATIONS.slice(applied).entries()) {
        await tx.query(sql);
        await tx.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, now())', [applied + i + 1]);
      }
    });
  }

  /** One write: bump the counter, read the key's state, ask the plan, apply it; commit only a change. */
  private write(
    origin: Origin,
    decide: (state: KeyState | undefined, tx: Db) => Promise<Outcome | Unchanged>,
    saved?: SavedVersion,
    started?: Started,
  ): Promise<WriteOutcome> {
    return this.transaction(
      'BEGIN',
      async (tx): Promise<WriteOutcome> => {
        // ordering: the counter bump is the first statement, so its row lock serialises the whole write.
        const stamp = (await this.rows<Stamp>(tx, SQL.nextRevision))[0];
        const decision = await decide(await this.keyState(tx, origin.key), tx);
        if (!decision.ok) return decision;
        if (decision.kind === 'unchanged') return { ok: true, change: null, prompt: await this.promptAt(tx, origin.key, decision.version) };
        const outcome = await this.apply(tx, decision, stamp, origin, saved, started);
        // Queued with the transaction: PostgreSQL delivers it on commit and drops it on rollback.
        await tx.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, String(stamp.revision)]);
        return outcome;
      },
      (outcome) => outcome.ok && outcome.change !== null,
    );
  }

  private async apply(tx: Db, p: Plan, stamp: Stamp, origin: Origin, saved?: SavedVersion, started?: Started): Promise<WriteOutcome> {
    const { key, author, message } = origin;
    const r = p.rollout;
    const apply = r?.apply ?? origin.apply ?? null;
    const audit = [stamp.revision, key, p.kind, p.version, author, origin.address ?? null, message, stamp.at, encodeMoves(p.moves), p.forced ?? null];
    await tx.query(SQL.insertAudit, [...audit, apply, r?.id ?? null, r?.step ?? null, r?.candidate ?? null, r?.basisPoints ?? null]);
    await tx.query(SQL.upsertKey, [key, p.head, p.deleted]);
    if (p.saves && saved) {
      const version = [
        key,
        p.version,
        saved.text,
        author,
        message,
        stamp.at,
        stamp.revision,
        encodeVariables(saved.variables),
        encodeChecks(saved.checks),
      ];
      await tx.query(SQL.insertVersion, version);
    }
    for (const m of p.moves) await tx.query(SQL.upsertLabel, [key, m.label, m.to, stamp.revision]);
    const rollout = r ? await this.recordRollout(tx, p, r, stamp, origin, started) : null;
    return written(p, stamp, { ...origin, apply: apply ?? undefined }, await this.versionAt(tx, key, p.version), rollout);
  }

  /** Inserts the rollout a start began, or records a step in its row; answers the change's rollout side. */
  private async recordRollout(tx: Db, p: Plan, r: RolloutChange, stamp: Stamp, origin: Origin, started?: Started) {
    const row = r.step === 'start' ? undefined : await this.rolloutRow(tx, r.id);
    const history = historyAfter(row?.history ?? null, r, stamp, origin.author);
    if (!row) {
      const values = [r.id, origin.key, p.moves[0].label, p.version, r.candidate, r.basisPoints, r.apply, encodeGuard(started?.guard ?? null)];
      await tx.query(ROLLOUT_SQL.insert, [...values, stamp.revision, stamp.at, origin.author, history]);
    } else {
      await tx.query(ROLLOUT_SQL.step, [r.basisPoints, statusAfter(r.step), stamp.at, origin.author, r.reason, history, r.id]);
    }
    return changeRolloutAfter(r, row?.apply ?? r.apply, await this.versionAt(tx, origin.key, r.candidate));
  }

  private async rolloutOutcome(outcome: WriteOutcome, id: string): Promise<RolloutOutcome> {
    if (!outcome.ok) return outcome;
    const row = await this.rolloutRow(this.pool, id);
    if (!outcome.change || !row) throw new Error(`rollout ${id} was written but cannot be read back`);
    return { ok: true, change: outcome.change, rollout: toRollout(row) };
  }

  private async rolloutRow(db: Db, id: string): Promise<RolloutRow | undefined> {
    return (await this.rows<RolloutRow>(db, ROLLOUT_SQL.byId, [id]))[0];
  }

  private async keyState(tx: Db, key: string): Promise<KeyState | undefined> {
    const [row] = await this.rows<{ version: number; deleted: boolean }>(tx, SQL.keyRow, [key]);
    if (!row) return undefined;
    const labels = await this.rows<{ label: string; version: number }>(tx, SQL.liveLabels, [key]);
    const rollouts = await this.rows<ActiveRollout & { label: string }>(tx, ROLLOUT_SQL.activeOfKey, [key]);
    return {
      head: row.version,
      deleted: row.deleted,
      labels: new Map(labels.map((l) => [l.label, l.version])),
      rollouts: new Map(rollouts.map((r) => [r.label, r])),
    };
  }

  private async promptAt(db: Db, key: string, version: number): Promise<PromptRecord | null> {
    const [row] = await this.rows<PromptRow>(db, SQL.promptAt, [key, clamp(version)]);
    return row ? fromPromptRow(row) : null;
  }

  private async versionAt(db: Db, key: string, version: number): Promise<VersionRecord | undefined> {
    const [row] = await this.rows<VersionRow>(db, SQL.version, [key, clamp(version)]);
    return row && fromVersionRow(row);
  }

  /** Reads that must describe one moment (a snapshot and its revision) share one snapshot. */
  private readConsistently<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    return this.transaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', fn);
  }

  private transaction<T>(begin: string, fn: (tx: Db) => Promise<T>, commit?: (value: T) => boolean): Promise<T> {
    return inTransaction(this.pool, begin, fn, commit);
  }

  private async rows<T extends pg.QueryResultRow = pg.QueryResultRow>(db: Db, sql: string, params: unknown[] = []): Promise<T[]> {
    return (await db.query<T>(sql, params)).rows;
  }

  private async currentRevision(db: Db): Promise<number> {
    // The counter row is the high-water mark: the last revision handed out.
    return (await this.rows<{ value: number }>(db, SQL.revision))[0].value;
  }
}
