import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BackupRecord } from '../../protocol/backup.js';
import type { LabelPointer } from '../../protocol/labels.js';
import type { BackupBatch, ImportMode, ImportOutcome } from '../backup-plan.js';
import { decodeMoves, encodeMoves, toChangeRecord, written, type ChangeRow } from '../change-rows.js';
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
import { plan, saveRules, type KeyState, type Outcome, type Plan, type Unchanged } from '../write-plan.js';
import { sqliteExport, sqliteImport } from './sqlite-backup.js';
import { SQL } from './sqlite-sql.js';
import { SQLITE_MIGRATIONS } from './sqlite.migrations.js';

/**
 * PromptStore on one SQLite file (better-sqlite3, WAL). Every write is one
 * IMMEDIATE transaction, so revisions are assigned in commit order and a `2xx`
 * answered after it returns is on disk (synchronous=FULL). The write rules
 * come from write-plan.ts; this class reads the key's state and applies them.
 */
export class SqlitePromptStore extends PromptStore {
  readonly kind = 'sqlite';
  private db!: Database.Database;
  // Prepared once per SQL text: preparing is most of the cost of a small query.
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly path: string) {
    super();
  }

  async init(): Promise<void> {
    if (this.path !== ':memory:') mkdirSync(dirname(this.path), { recursive: true });
    this.db = new Database(this.path);
    this.db.pragma('journal_mode = WAL');
    // FULL: a commit is fsynced before it returns (docs/architecture.md, invariant 4), not only at checkpoint.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
  }

  /** The open connection (after init), which the session store on the same file shares. */
  connection(): Database.Database {
    return this.db;
  }

  async close(): Promise<void> {
    this.statements.clear();
    if (this.db?.open) this.db.close();
  }

  async ping(): Promise<StorePing> {
    const { v } = this.row<{ v: number | null }>(SQL.schemaVersion);
    return { schemaVersion: v ?? 0, latestSchemaVersion: SQLITE_MIGRATIONS.length };
  }

  async revision(): Promise<number> {
    return this.currentRevision();
  }

  async labelSnapshot(label: string): Promise<LabelSnapshot> {
    // One read transaction: the entries and the revision describe the same moment.
    return this.db.transaction(() => ({
      label,
      at: this.currentRevision(),
      entries: (this.statement(SQL.labelEntries).all(label) as LabelEntryRow[]).map(toLabelEntry),
    }))();
  }

  async viewRevision(label: string, keys?: ReadonlySet<string>): Promise<number> {
    const keyList = keys ? JSON.stringify([...keys]) : null;
    return this.row<{ r: number }>(SQL.viewRevision, label, keyList, keyList).r;
  }

  async labelRevisions(): Promise<Record<string, number>> {
    const rows = this.statement(SQL.labelRevisions).all() as { label: string; r: number }[];
    return Object.fromEntries(rows.map((row) => [row.label, row.r]));
  }

  async get(key: string, label: string): Promise<PromptRecord | undefined> {
    const row = this.statement(SQL.labelledPrompt).get(key, label) as PromptRow | undefined;
    return row && fromPromptRow(row);
  }

  async listLabels(key: string): Promise<LabelPointer[] | undefined> {
    return this.db.transaction(() => (this.keyRow(key) ? (this.statement(SQL.labelsOf).all(key) as LabelPointer[]) : undefined))();
  }

  async labelIndex(key?: string): Promise<KeyLabels[]> {
    const query = key === undefined ? this.statement(SQL.labelIndex).all() : this.statement(SQL.keyLabelIndex).all(key);
    const rows = query as {
      key: string;
      head: number;
      deleted: number;
      label: string | null;
      version: number | null;
    }[];
    const byKey = new Map<string, KeyLabels>();
    for (const r of rows) {
      const entry = byKey.get(r.key) ?? { key: r.key, head: r.head, deleted: r.deleted === 1, labels: {} };
      if (r.label !== null && r.version !== null) entry.labels[r.label] = r.version;
      byKey.set(r.key, entry);
    }
    return [...byKey.values()];
  }

  async listDeleted(): Promise<DeletedPrompt[]> {
    return this.statement(SQL.deleted).all() as DeletedPrompt[];
  }

  async listVersions(key: string, page: VersionPage): Promise<VersionList | undefined> {
    return this.db.transaction(() => {
      const row = this.keyRow(key);
      if (!row) return undefined;
      const rows = this.statement(SQL.versions).all(key, page.before ?? Number.MAX_SAFE_INTEGER, page.limit) as SummaryRow[];
      const versions = rows.map(fromSummaryRow);
      const labels = this.statement(SQL.liveLabels).all(key) as { label: string; version: number }[];
      const { total } = this.row<{ total: number }>(SQL.versionCount, key);
      const withLabels = versions.map((v) => ({ ...v, labels: labels.filter((l) => l.version === v.version).map((l) => l.label) }));
      return { versions: withLabels, total, deleted: row.deleted === 1 };
    })();
  }

  async getVersion(key: string, version: number): Promise<VersionRecord | undefined> {
    return this.versionAt(key, version);
  }

  async create(input: SaveInput): Promise<WriteOutcome> {
    return this.write(input, (state) => plan.create(state, saveRules(input)), input);
  }

  async update(input: SaveInput): Promise<WriteOutcome> {
    return this.write(input, (state) => plan.update(state, saveRules(input)), input);
  }

  async remove(input: RemoveInput): Promise<WriteOutcome> {
    return this.write({ ...input, message: input.message ?? null }, (state) => plan.remove(state, input.ifVersion, input.policy));
  }

  async moveLabel(input: MoveInput): Promise<WriteOutcome> {
    return this.write(input, (state) => {
      const versionExists = this.statement(SQL.version).get(input.key, input.version) !== undefined;
      return plan.move(state, { ...input, versionExists }, input.policy);
    });
  }

  async removeLabel(input: UnlabelInput): Promise<WriteOutcome> {
    return this.write(input, (state) => plan.unlabel(state, input.label, input.ifVersion, input.policy));
  }

  async changesAfter(after: number, limit: number): Promise<ChangeRecord[]> {
    return (this.statement(SQL.changesAfter).all(after, limit) as ChangeRow[]).map(toChangeRecord);
  }

  async replaySize(after: number): Promise<ReplaySize> {
    return this.row<ReplaySize>(SQL.replaySize, after);
  }

  async snapshotSize(label: string): Promise<number> {
    return this.row<{ bytes: number }>(SQL.snapshotSize, label).bytes;
  }

  async listAudit(query: AuditQuery): Promise<AuditEntry[]> {
    const { before = Number.MAX_SAFE_INTEGER, key = null, author = null, limit } = query;
    const rows = this.statement(SQL.audit).all(before, key, key, author, author, limit) as (Omit<AuditEntry, 'moves'> & { moves: string })[];
    return rows.map((r) => ({ ...r, moves: decodeMoves(r.moves) }));
  }

  async revokeSession(id: string, expiresAt: number, now: number): Promise<void> {
    this.db.transaction(() => {
      this.statement('DELETE FROM revoked_sessions WHERE expires_at <= ?').run(now);
      this.statement('INSERT INTO revoked_sessions (id, expires_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING').run(id, expiresAt);
    })();
  }

  async isSessionRevoked(id: string): Promise<boolean> {
    return this.statement('SELECT 1 FROM revoked_sessions WHERE id = ?').get(id) !== undefined;
  }

  exportRecords(pageSize: number): AsyncGenerator<BackupRecord[]> {
    return sqliteExport(this.path, this.db, pageSize);
  }

  async importBatch(batch: BackupBatch, mode: ImportMode): Promise<ImportOutcome> {
    return this.db.transaction(() => sqliteImport(this.db, batch, mode)).immediate();
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    const applied = this.row<{ v: number | null }>(SQL.schemaVersion).v ?? 0;
    SQLITE_MIGRATIONS.slice(applied).forEach((sql, i) => {
      this.db.transaction(() => {
        this.db.exec(sql);
        this.statement('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(applied + i + 1, now());
      })();
    });
  }

  /**
   * One write: reads the key's state and asks the plan, inside an IMMEDIATE
   * transaction (it takes the write lock up front, so the read-check-write is
   * atomic even when another process shares the file), then applies it.
   */
  private write(
    input: { key: string; author: string; address?: string | null; message: string | null },
    decide: (state: KeyState | undefined) => Outcome | Unchanged,
    saved?: SavedVersion,
  ): Promise<WriteOutcome> {
    return Promise.resolve(
      this.db
        .transaction((): WriteOutcome => {
          const decision = decide(this.keyState(input.key));
          if (!decision.ok) return decision;
          // Nothing to record: the label already points there.
          if (decision.kind === 'unchanged') return { ok: true, change: null, prompt: this.promptAt(input.key, decision.version) };
          return this.apply(decision, input, saved);
        })
        .immediate(),
    );
  }

  private apply(
    p: Plan,
    input: { key: string; author: string; address?: string | null; message: string | null },
    saved?: SavedVersion,
  ): WriteOutcome {
    const at = now();
    const { lastInsertRowid } = this.statement(SQL.insertAudit).run(
      input.key,
      p.kind,
      p.version,
      input.author,
      input.address ?? null,
      input.message,
      at,
      encodeMoves(p.moves),
      p.forced ?? null,
    );
    const revision = Number(lastInsertRowid);
    this.statement(SQL.upsertKey).run(input.key, p.head, p.deleted ? 1 : 0);
    if (p.saves && saved) {
      const { text, variables, checks } = saved;
      this.statement(SQL.insertVersion).run(
        input.key,
        p.version,
        text,
        input.author,
        input.message,
        at,
        revision,
        encodeVariables(variables),
        encodeChecks(checks),
      );
    }
    for (const m of p.moves) this.statement(SQL.upsertLabel).run(input.key, m.label, m.to, revision);
    return written(p, { revision, at }, input, this.versionAt(input.key, p.version));
  }

  private keyState(key: string): KeyState | undefined {
    const row = this.keyRow(key);
    if (!row) return undefined;
    const labels = this.statement(SQL.liveLabels).all(key) as { label: string; version: number }[];
    return { head: row.version, deleted: row.deleted === 1, labels: new Map(labels.map((l) => [l.label, l.version])) };
  }

  private promptAt(key: string, version: number): PromptRecord | null {
    const row = this.statement(SQL.promptAt).get(key, version) as PromptRow | undefined;
    return row ? fromPromptRow(row) : null;
  }

  private versionAt(key: string, version: number): VersionRecord | undefined {
    const row = this.statement(SQL.version).get(key, version) as VersionRow | undefined;
    return row && fromVersionRow(row);
  }

  private keyRow(key: string): { version: number; deleted: number } | undefined {
    return this.statement('SELECT version, deleted FROM prompts WHERE key = ?').get(key) as { version: number; deleted: number } | undefined;
  }

  private row<T>(sql: string, ...params: unknown[]): T {
    return this.statement(sql).get(...params) as T;
  }

  private statement(sql: string): Database.Statement {
    let prepared = this.statements.get(sql);
    if (!prepared) this.statements.set(sql, (prepared = this.db.prepare(sql)));
    return prepared;
  }

  private currentRevision(): number {
    // sqlite_sequence holds the AUTOINCREMENT high-water mark: the last revision handed out.
    return (this.statement(`SELECT seq FROM sqlite_sequence WHERE name = 'audit'`).get() as { seq: number } | undefined)?.seq ?? 0;
  }
}

function now(): string {
  return new Date().toISOString();
}
