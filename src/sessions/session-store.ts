import type { SessionRecord, StoredSession } from '../protocol/sessions.js';
import type { RolloutFigures } from './rollout-figures.js';

/** Who reports a batch: the agent id it names, and the token it came with (null when the server runs open: anyone may update). */
export interface Reporter {
  agentId: string;
  token: string | null;
}

/** The outcome of storing a report: every session written, or none because one belongs to another token. */
export type SaveSessionsOutcome = { ok: true } | { ok: false; sessionId: string };

/** A page of `GET /api/sessions`: newest first by (startedAt, sessionId), strictly before `before` when given. */
export interface SessionQuery {
  key?: string;
  /** Only with `key`: sessions that ran `key` at this version. */
  version?: number;
  label?: string;
  limit: number;
  before?: { startedAt: string; sessionId: string };
}

/**
 * The session-report storage port (docs/rollouts.md, "Session reports"): the
 * type and the DI token; `store.module.ts` binds the backend's implementation,
 * on the prompt store's own database. Stores return rows or outcomes and
 * never throw HTTP errors; SessionsService owns the rules.
 */
export abstract class SessionStore {
  /**
   * Stores a report in one transaction: a session id already stored is
   * replaced by this newer report of it (its prompts and rollouts rows too),
   * unless another token reported it first — then nothing is written.
   */
  abstract save(reporter: Reporter, sessions: readonly SessionRecord[], reportedAt: string): Promise<SaveSessionsOutcome>;
  abstract get(sessionId: string): Promise<StoredSession | undefined>;
  /** At most `query.limit` sessions, newest first. */
  abstract list(query: SessionQuery): Promise<StoredSession[]>;
  /** Deletes at most `limit` sessions that started before `before`, oldest first; returns how many. */
  abstract prune(before: string, limit: number): Promise<number>;
  /**
   * The A/B figures of a rollout's sessions, aggregated in the database:
   * sessions, bad sessions by `guardMetric` (0 when null), and every
   * built-in and custom metric's mean and 95% interval per variant.
   */
  abstract rolloutFigures(rolloutId: string, guardMetric: string | null): Promise<RolloutFigures>;
}
