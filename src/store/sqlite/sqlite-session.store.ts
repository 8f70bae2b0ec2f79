import type Database from 'better-sqlite3';
import { SESSION_LIMITS, type SessionRecord, type StoredSession } from '../../protocol/sessions.js';
import { badSessionRule, rolloutFigures, type RolloutFigures } from '../../sessions/rollout-figures.js';
import { SessionStore, type Reporter, type SaveSessionsOutcome, type SessionQuery } from '../../sessions/session-store.js';
import {
  fromSessionRow,
  promptRows,
  rolloutRows,
  sessionParams,
  variantSums,
  type BuiltInSumsRow,
  type CustomSumsRow,
  type SessionRow,
} from '../session-rows.js';
import { SESSION_SQL as SQL } from './sqlite-session-sql.js';

/**
 * SessionStore on the prompt store's SQLite file, through its connection
 * (`database` is called after the prompt store's init has opened it and
 * applied the migrations). A report is one IMMEDIATE transaction.
 */
export class SqliteSessionStore extends SessionStore {
  private readonly statements = new Map<string, Database.Statement>();
  // The connection the statements were prepared on: a reopened file needs them prepared again.
  private preparedOn: Database.Database | undefined;

  constructor(private readonly database: () => Database.Database) {
    super();
  }

  save(reporter: Reporter, sessions: readonly SessionRecord[], reportedAt: string): Promise<SaveSessionsOutcome> {
    const db = this.database();
    const write = db.transaction((): SaveSessionsOutcome => {
      const taken = sessions.find((s) => {
        const row = this.statement(SQL.owner).get(s.sessionId) as { token: string | null } | undefined;
        return row?.token != null && row.token !== reporter.token;
      });
      if (taken) return { ok: false, sessionId: taken.sessionId };
      for (const s of sessions) this.write(reporter, s, reportedAt);
      return { ok: true };
    });
    return Promise.resolve(write.immediate());
  }

  async get(sessionId: string): Promise<StoredSession | undefined> {
    const row = this.statement(SQL.get).get(sessionId) as SessionRow | undefined;
    return row && fromSessionRow(row);
  }

  async list(query: SessionQuery): Promise<StoredSession[]> {
    const params = {
      label: query.label ?? null,
      beforeAt: query.before?.startedAt ?? null,
      beforeId: query.before?.sessionId ?? null,
      limit: query.limit,
      key: query.key ?? null,
      version: query.version ?? null,
    };
    const rows = this.statement(query.key === undefined ? SQL.list : SQL.listByKey).all(params) as SessionRow[];
    return rows.map(fromSessionRow);
  }

  async prune(before: string, limit: number): Promise<number> {
    return this.statement(SQL.prune).run({ before, limit }).changes;
  }

  async rolloutFigures(rolloutId: string, guardMetric: string | null): Promise<RolloutFigures> {
    const rule = guardMetric === null ? undefined : badSessionRule(guardMetric);
    const bad = !rule ? SQL.bad.none : 'column' in rule ? SQL.bad.column(rule.column) : 'custom' in rule ? SQL.bad.custom : SQL.bad.hangup;
    const params = {
      rollout: rolloutId,
      reasons: rule && 'reasons' in rule ? JSON.stringify(rule.reasons) : null,
      within: rule && 'hangupWithinMs' in rule ? rule.hangupWithinMs : null,
      path: rule && 'custom' in rule ? `$."${rule.custom}"` : null,
    };
    // One read transaction: both queries see the same sessions.
    const { builtIn, custom } = this.database().transaction(() => ({
      builtIn: this.statement(SQL.figures(bad)).all(params) as BuiltInSumsRow[],
      custom: this.statement(SQL.customFigures).all({ rollout: rolloutId, groups: 2 * SESSION_LIMITS.customMetrics }) as CustomSumsRow[],
    }))();
    const sums = variantSums(builtIn, custom);
    return rolloutFigures(sums.candidate, sums.baseline);
  }

  private write(reporter: Reporter, s: SessionRecord, reportedAt: string): void {
    this.statement(SQL.upsert).run(...sessionParams(reporter, s, reportedAt));
    this.statement(SQL.clearPrompts).run(s.sessionId);
    this.statement(SQL.clearRollouts).run(s.sessionId);
    for (const [key, version] of promptRows(s)) this.statement(SQL.insertPrompt).run(s.sessionId, key, version, s.startedAt);
    for (const [key, rolloutId, variant] of rolloutRows(s)) this.statement(SQL.insertRollout).run(s.sessionId, key, rolloutId, variant);
  }

  private statement(sql: string): Database.Statement {
    const db = this.database();
    if (db !== this.preparedOn) {
      this.statements.clear();
      this.preparedOn = db;
    }
    let prepared = this.statements.get(sql);
    if (!prepared) this.statements.set(sql, (prepared = db.prepare(sql)));
    return prepared;
  }
}
