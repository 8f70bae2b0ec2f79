import type pg from 'pg';
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
import { SESSION_SQL as SQL } from './postgres-session-sql.js';
import { inTransaction } from './postgres.connection.js';

type Db = Pick<pg.PoolClient, 'query'>;

/**
 * SessionStore on the prompt store's PostgreSQL pool. A report is one
 * transaction that first locks the rows of the sessions it names; a session
 * new to the table is claimed by the insert itself (its primary key), so of
 * two tokens racing for a new id one waits for the other and then updates it.
 */
export class PostgresSessionStore extends SessionStore {
  constructor(private readonly pool: pg.Pool) {
    super();
  }

  async save(reporter: Reporter, sessions: readonly SessionRecord[], reportedAt: string): Promise<SaveSessionsOutcome> {
    // ordering: rows are locked and written in session-id order, so two reports that share sessions cannot deadlock.
    const sorted = [...sessions].sort((a, b) => (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0));
    return this.transaction(
      async (tx): Promise<SaveSessionsOutcome> => {
        const owners = await this.rows<{ session_id: string; token: string | null }>(tx, SQL.owners, [sorted.map((s) => s.sessionId)]);
        const taken = owners.find((o) => o.token !== null && o.token !== reporter.token);
        if (taken) return { ok: false, sessionId: taken.session_id };
        for (const s of sorted) {
          // A session another token inserted after the lock above: the upsert's WHERE left it alone.
          if (!(await this.write(tx, reporter, s, reportedAt))) return { ok: false, sessionId: s.sessionId };
        }
        return { ok: true };
      },
      'BEGIN',
      (outcome) => outcome.ok,
    );
  }

  async get(sessionId: string): Promise<StoredSession | undefined> {
    const [row] = await this.rows<SessionRow>(this.pool, SQL.get, [sessionId]);
    return row && fromSessionRow(row);
  }

  async list(query: SessionQuery): Promise<StoredSession[]> {
    const params: unknown[] = [query.label ?? null, query.before?.startedAt ?? null, query.before?.sessionId ?? null, query.limit];
    const rows =
      query.key === undefined
        ? await this.rows<SessionRow>(this.pool, SQL.list, params)
        : await this.rows<SessionRow>(this.pool, SQL.listByKey, [...params, query.key, query.version ?? null]);
    return rows.map(fromSessionRow);
  }

  async prune(before: string, limit: number): Promise<number> {
    return (await this.pool.query(SQL.prune, [before, limit])).rowCount ?? 0;
  }

  async rolloutFigures(rolloutId: string, guardMetric: string | null): Promise<RolloutFigures> {
    const rule = guardMetric === null ? undefined : badSessionRule(guardMetric);
    const [bad, badParams]: [string, unknown[]] = !rule
      ? [SQL.bad.none, []]
      : 'column' in rule
        ? [SQL.bad.column(rule.column), []]
        : 'custom' in rule
          ? [SQL.bad.custom, [rule.custom]]
          : [SQL.bad.hangup, [rule.reasons, rule.hangupWithinMs]];
    // One snapshot: both queries see the same sessions.
    const { builtIn, custom } = await this.transaction(
      async (tx) => ({
        builtIn: await this.rows<BuiltInSumsRow>(tx, SQL.figures(bad), [rolloutId, ...badParams]),
        custom: await this.rows<CustomSumsRow>(tx, SQL.customFigures, [rolloutId, 2 * SESSION_LIMITS.customMetrics]),
      }),
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    );
    const sums = variantSums(builtIn, custom);
    return rolloutFigures(sums.candidate, sums.baseline);
  }

  /** False when the session belongs to another token (nothing written). */
  private async write(tx: Db, reporter: Reporter, s: SessionRecord, reportedAt: string): Promise<boolean> {
    const { rowCount } = await tx.query(SQL.upsert, sessionParams(reporter, s, reportedAt));
    if (rowCount === 0) return false;
    await tx.query(SQL.clearPrompts, [s.sessionId]);
    await tx.query(SQL.clearRollouts, [s.sessionId]);
    const prompts = promptRows(s);
    if (prompts.length > 0) {
      await tx.query(SQL.insertPrompts, [s.sessionId, prompts.map((p) => p[0]), prompts.map((p) => p[1]), s.startedAt]);
    }
    const rollouts = rolloutRows(s);
    if (rollouts.length > 0) {
      await tx.query(SQL.insertRollouts, [s.sessionId, rollouts.map((r) => r[0]), rollouts.map((r) => r[1]), rollouts.map((r) => r[2])]);
    }
    return true;
  }

  /** Runs `fn` in one transaction, committed when `commit` approves its value and rolled back otherwise. */
  private transaction<T>(fn: (tx: Db) => Promise<T>, begin = 'BEGIN', commit?: (value: T) => boolean): Promise<T> {
    return inTransaction(this.pool, begin, fn, commit);
  }

  private async rows<T extends pg.QueryResultRow>(db: Db, sql: string, params: unknown[]): Promise<T[]> {
    return (await db.query<T>(sql, params)).rows;
  }
}
