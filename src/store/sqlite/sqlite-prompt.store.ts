import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
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
import { SQLITE_MIGRATIONS } from './sqlite.migrations.js';
import { refuseChange } from '../write-precondition.js';

const PROMPT_COLUMNS = `v.key, v.text, v.version, v.author, v.message, v.created_at AS updatedAt, v.revision`;
const CURRENT_PROMPTS = `
  SELECT ${PROMPT_COLUMNS} FROM prompts p
  JOIN prompt_versions v ON v.key = p.key AND v.version = p.version
  WHERE p.deleted = 0`;

type KeyRow = { version: number; deleted: number };

/**
 * PromptStore on one SQLite file (better-sqlite3, WAL). Every write is one
 * IMMEDIATE transaction, so revisions are assigned in commit order and a `2xx`
 * answered after it returns is on disk (synchronous=FULL).
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

  async close(): Promise<void> {
    this.statements.clear();
    if (this.db?.open) this.db.close();
  }

  async ping(): Promise<StorePing> {
    const { v } = this.statement('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
    return { schemaVersion: v ?? 0, latestSchemaVersion: SQLITE_MIGRATIONS.length };
  }

  async revision(): Promise<number> {
    return this.currentRevision();
  }

  async snapshot(): Promise<Snapshot> {
    // One read transaction: the prompts and the revision describe the same moment.
    return this.db.transaction(() => ({
      revision: this.currentRevision(),
      prompts: this.statement(`${CURRENT_PROMPTS} ORDER BY p.key`).all() as PromptRecord[],
    }))();
  }

  async get(key: string): Promise<PromptRecord | undefined> {
    return this.currentPrompt(key);
  }

  async listDeleted(): Promise<DeletedPrompt[]> {
    // The newest delete of each key; a key deleted, restored and deleted again has several.
    return this.statement(
      `
      SELECT p.key, p.version, c.at AS deletedAt, c.author AS deletedBy
      FROM prompts p
      LEFT JOIN audit c ON c.revision = (
        SELECT max(revision) FROM audit WHERE key = p.key AND kind = 'delete')
      WHERE p.deleted = 1 ORDER BY p.key`,
    ).all() as DeletedPrompt[];
  }

  async listVersions(key: string, page: VersionPage): Promise<VersionList | undefined> {
    return this.db.transaction(() => {
      const row = this.keyRow(key);
      if (!row) return undefined;
      const versions = this.statement(
        `
        SELECT key, version, author, message, created_at AS createdAt, revision, length(CAST(text AS BLOB)) AS size
        FROM prompt_versions WHERE key = ? AND version < ? ORDER BY version DESC LIMIT ?`,
      ).all(key, page.before ?? Number.MAX_SAFE_INTEGER, page.limit) as VersionList['versions'];
      const { total } = this.statement('SELECT count(*) AS total FROM prompt_versions WHERE key = ?').get(key) as { total: number };
      return { versions, total, deleted: row.deleted === 1 };
    })();
  }

  async getVersion(key: string, version: number): Promise<VersionRecord | undefined> {
    return this.statement(
      `
      SELECT key, version, text, author, message, created_at AS createdAt, revision
      FROM prompt_versions WHERE key = ? AND version = ?`,
    ).get(key, version) as VersionRecord | undefined;
  }

  async create(input: CreateInput): Promise<WriteOutcome> {
    return this.write(() => {
      const row = this.keyRow(input.key);
      if (row && row.deleted === 0) return { ok: false, reason: 'exists', currentVersion: row.version };
      return this.addVersion(input, (row?.version ?? 0) + 1, 'create');
    });
  }

  async update(input: UpdateInput): Promise<WriteOutcome> {
    return this.write(() => {
      const row = this.keyRow(input.key);
      const refused = refuseChange(row && { version: row.version, live: row.deleted === 0 }, input.ifVersion);
      if (refused || !row) return refused ?? { ok: false, reason: 'not_found' };
      return this.addVersion(input, row.version + 1, 'update');
    });
  }

  async remove(input: RemoveInput): Promise<WriteOutcome> {
    return this.write(() => {
      const row = this.keyRow(input.key);
      const refused = refuseChange(row && { version: row.version, live: row.deleted === 0 }, input.ifVersion);
      if (refused || !row) return refused ?? { ok: false, reason: 'not_found' };
      const change = this.logChange(input, 'delete', row.version);
      this.statement('UPDATE prompts SET deleted = 1 WHERE key = ?').run(input.key);
      return { ok: true, change: { ...change, text: null }, prompt: null };
    });
  }

  async rollback(input: RollbackInput): Promise<WriteOutcome> {
    return this.write(() => {
      const row = this.keyRow(input.key);
      if (!row) return { ok: false, reason: 'not_found' };
      const target = this.statement('SELECT text FROM prompt_versions WHERE key = ? AND version = ?').get(input.key, input.toVersion) as
        { text: string } | undefined;
      if (!target) return { ok: false, reason: 'version_not_found', currentVersion: row.version };
      // Rolling back a deleted key restores it: that is how deleted prompts come back.
      return this.addVersion({ ...input, text: target.text }, row.version + 1, 'rollback');
    });
  }

  async changesAfter(after: number, limit: number): Promise<ChangeRecord[]> {
    return this.statement(
      `
      SELECT c.revision, c.key, c.kind, c.version, c.author, c.at,
             CASE WHEN c.kind = 'delete' THEN NULL ELSE v.text END AS text
      FROM audit c LEFT JOIN prompt_versions v ON v.key = c.key AND v.version = c.version
      WHERE c.revision > ? ORDER BY c.revision LIMIT ?`,
    ).all(after, limit) as ChangeRecord[];
  }

  async replaySize(after: number): Promise<ReplaySize> {
    return this.statement(
      `
      SELECT count(*) AS changes, coalesce(sum(length(CAST(v.text AS BLOB))), 0) AS textBytes
      FROM audit c LEFT JOIN prompt_versions v ON v.key = c.key AND v.version = c.version AND c.kind <> 'delete'
      WHERE c.revision > ?`,
    ).get(after) as ReplaySize;
  }

  async snapshotSize(): Promise<number> {
    const { bytes } = this.statement(
      `
      SELECT coalesce(sum(length(CAST(v.text AS BLOB))), 0) AS bytes FROM prompts p
      JOIN prompt_versions v ON v.key = p.key AND v.version = p.version WHERE p.deleted = 0`,
    ).get() as { bytes: number };
    return bytes;
  }

  async listAudit(query: AuditQuery): Promise<AuditEntry[]> {
    return this.statement(
      `
      SELECT revision, key, kind, version, author, address, message, at FROM audit
      WHERE revision < ? AND (? IS NULL OR key = ?) AND (? IS NULL OR author = ?)
      ORDER BY revision DESC LIMIT ?`,
    ).all(
      query.before ?? Number.MAX_SAFE_INTEGER,
      query.key ?? null,
      query.key ?? null,
      query.author ?? null,
      query.author ?? null,
      query.limit,
    ) as AuditEntry[];
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

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    const applied = (this.statement('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
    SQLITE_MIGRATIONS.slice(applied).forEach((sql, i) => {
      this.db.transaction(() => {
        this.db.exec(sql);
        this.statement('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(applied + i + 1, now());
      })();
    });
  }

  private write(fn: () => WriteOutcome): Promise<WriteOutcome> {
    // IMMEDIATE takes the write lock up front, so the read-check-write inside is atomic
    // even when another process shares the file.
    return Promise.resolve(this.db.transaction(fn).immediate());
  }

  private addVersion(input: CreateInput, version: number, kind: ChangeKind): WriteOutcome {
    const change = this.logChange(input, kind, version);
    this.statement(
      `
      INSERT INTO prompts (key, version, deleted) VALUES (?, ?, 0)
      ON CONFLICT (key) DO UPDATE SET version = excluded.version, deleted = 0`,
    ).run(input.key, version);
    this.statement(
      `
      INSERT INTO prompt_versions (key, version, text, author, message, created_at, revision)
      VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(input.key, version, input.text, input.author, input.message, change.at, change.revision);
    const prompt: PromptRecord = {
      key: input.key,
      text: input.text,
      version,
      author: input.author,
      message: input.message,
      updatedAt: change.at,
      revision: change.revision,
    };
    return { ok: true, change: { ...change, text: input.text }, prompt };
  }

  private logChange(origin: ChangeOrigin, kind: ChangeKind, version: number): Omit<ChangeRecord, 'text'> {
    const { key, author } = origin;
    const at = now();
    // One insert: the audit row is the change log entry, and its AUTOINCREMENT key is the global revision.
    const { lastInsertRowid } = this.statement(
      'INSERT INTO audit (key, kind, version, author, address, message, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(key, kind, version, author, origin.address ?? null, origin.message ?? null, at);
    const revision = Number(lastInsertRowid);
    return { revision, key, kind, version, author, at };
  }

  private keyRow(key: string): KeyRow | undefined {
    return this.statement('SELECT version, deleted FROM prompts WHERE key = ?').get(key) as KeyRow | undefined;
  }

  private currentPrompt(key: string): PromptRecord | undefined {
    return this.statement(`${CURRENT_PROMPTS} AND p.key = ?`).get(key) as PromptRecord | undefined;
  }

  private statement(sql: string): Database.Statement {
    let prepared = this.statements.get(sql);
    if (!prepared) this.statements.set(sql, (prepared = this.db.prepare(sql)));
    return prepared;
  }

  private currentRevision(): number {
    // sqlite_sequence holds the AUTOINCREMENT high-water mark: the last revision handed out.
    const row = this.statement(`SELECT seq FROM sqlite_sequence WHERE name = 'audit'`).get() as { seq: number } | undefined;
    return row?.seq ?? 0;
  }
}

function now(): string {
  return new Date().toISOString();
}
