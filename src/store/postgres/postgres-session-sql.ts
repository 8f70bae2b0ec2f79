import { builtInSums, SESSION_COLUMNS } from '../session-rows.js';
import { iso } from './postgres-sql.js';

/** The PostgreSQL session store's queries, one named string each. Times are read back as ISO-8601 text, as SQLite keeps them. */

const ROW = `s.session_id, s.agent_id, s.label, ${iso('s.started_at')} AS started_at, ${iso('s.ended_at')} AS ended_at,
  ${iso('s.reported_at')} AS reported_at, s.end_reason, s.turns, s.user_interruptions, s.agent_errors, s.duration_ms,
  s.receipts, s.turn_records, s.prompts, s.rollouts, s.custom_metrics`;

const NOT_KEY = new Set(['session_id', 'token']);

export const SESSION_SQL = {
  /** Locks the rows of the report's sessions, so two reports of one new session cannot both claim it. */
  owners: 'SELECT session_id, token FROM sessions WHERE session_id = ANY($1::text[]) ORDER BY session_id FOR UPDATE',

  /** A newer report of a session replaces the older one; the token that first reported it stays its owner, and another's changes nothing. */
  upsert: `
    INSERT INTO sessions (${SESSION_COLUMNS.join(', ')}) VALUES (${SESSION_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
    ON CONFLICT (session_id) DO UPDATE SET token = coalesce(sessions.token, excluded.token),
      ${SESSION_COLUMNS.filter((c) => !NOT_KEY.has(c))
        .map((c) => `${c} = excluded.${c}`)
        .join(', ')}
    WHERE sessions.token IS NULL OR sessions.token = excluded.token`,
  clearPrompts: 'DELETE FROM session_prompts WHERE session_id = $1',
  clearRollouts: 'DELETE FROM session_rollouts WHERE session_id = $1',
  /** Every (key, version) of one session in one statement: parallel arrays. */
  insertPrompts: `
    INSERT INTO session_prompts (session_id, key, version, started_at)
    SELECT $1, k, v, $4 FROM unnest($2::text[], $3::integer[]) AS t(k, v)`,
  insertRollouts: `
    INSERT INTO session_rollouts (session_id, key, rollout_id, variant)
    SELECT $1, k, r, v FROM unnest($2::text[], $3::text[], $4::text[]) AS t(k, r, v)`,

  get: `SELECT ${ROW} FROM sessions s WHERE s.session_id = $1`,

  /** Newest first; a NULL filter matches all; the cursor is the row value (started_at, session_id) of the last row seen. */
  list: `
    SELECT ${ROW} FROM sessions s
    WHERE ($1::text IS NULL OR s.label = $1)
      AND ($2::timestamptz IS NULL OR (s.started_at, s.session_id) < ($2::timestamptz, $3::text))
    ORDER BY s.started_at DESC, s.session_id DESC LIMIT $4`,
  /** The same through the (key, version, started_at) index, for calls that ran a key. */
  listByKey: `
    SELECT ${ROW} FROM session_prompts p JOIN sessions s ON s.session_id = p.session_id
    WHERE p.key = $5 AND ($6::integer IS NULL OR p.version = $6)
      AND ($1::text IS NULL OR s.label = $1)
      AND ($2::timestamptz IS NULL OR (p.started_at, p.session_id) < ($2::timestamptz, $3::text))
    ORDER BY p.started_at DESC, p.session_id DESC LIMIT $4`,

  /** Oldest first, at most $2 of them; the prompts and rollouts rows go with them (ON DELETE CASCADE). */
  prune: `
    DELETE FROM sessions WHERE session_id IN (
      SELECT session_id FROM sessions WHERE started_at < $1 ORDER BY started_at LIMIT $2)`,

  /** Sums per variant of a rollout; `bad` is the guard metric's condition, 0 without one. */
  figures: (bad: string) => `
    SELECT r.variant, count(*) AS sessions, sum(CASE WHEN ${bad} THEN 1 ELSE 0 END) AS bad,
      ${builtInSums((e) => `${e}::float8`)}
    FROM session_rollouts r JOIN sessions s ON s.session_id = r.session_id
    WHERE r.rollout_id = $1 GROUP BY r.variant`,
  /** Sums of each custom metric per variant; at most $2 groups, the most reported first. */
  customFigures: `
    SELECT r.variant, j.name, count(*) AS n, sum(j.value::float8) AS sum, sum(j.value::float8 * j.value::float8) AS sq
    FROM session_rollouts r JOIN sessions s ON s.session_id = r.session_id,
      jsonb_each_text(s.custom_metrics::jsonb) AS j(name, value)
    WHERE r.rollout_id = $1 GROUP BY r.variant, j.name ORDER BY n DESC, j.name LIMIT $2`,
  /** The guard metrics' conditions on a session `s`; their parameters start at $2. */
  bad: {
    none: 'false',
    column: (col: 'agent_errors' | 'user_interruptions') => `s.${col} > 0`,
    hangup: 's.end_reason = ANY($2::text[]) AND s.duration_ms < $3::float8',
    custom: 'coalesce((s.custom_metrics::jsonb ->> $2::text)::float8, 0) > 0',
  },
} as const;
