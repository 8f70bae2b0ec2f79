import { builtInSums, SESSION_COLUMNS } from '../session-rows.js';

/** The SQLite session store's queries, one named string each (prepared once by the store). */

const ROW = `s.session_id, s.agent_id, s.label, s.started_at, s.ended_at, s.reported_at, s.end_reason, s.turns, s.user_interruptions,
  s.agent_errors, s.duration_ms, s.receipts, s.turn_records, s.prompts, s.rollouts, s.custom_metrics`;

const NOT_KEY = new Set(['session_id', 'token']);

export const SESSION_SQL = {
  owner: 'SELECT token FROM sessions WHERE session_id = ?',

  /** A newer report of a session replaces the older one; the token that first reported it stays its owner, and another's changes nothing. */
  upsert: `
    INSERT INTO sessions (${SESSION_COLUMNS.join(', ')}) VALUES (${SESSION_COLUMNS.map(() => '?').join(', ')})
    ON CONFLICT (session_id) DO UPDATE SET token = coalesce(sessions.token, excluded.token),
      ${SESSION_COLUMNS.filter((c) => !NOT_KEY.has(c))
        .map((c) => `${c} = excluded.${c}`)
        .join(', ')}
    WHERE sessions.token IS NULL OR sessions.token = excluded.token`,
  clearPrompts: 'DELETE FROM session_prompts WHERE session_id = ?',
  clearRollouts: 'DELETE FROM session_rollouts WHERE session_id = ?',
  insertPrompt: 'INSERT INTO session_prompts (session_id, key, version, started_at) VALUES (?, ?, ?, ?)',
  insertRollout: 'INSERT INTO session_rollouts (session_id, key, rollout_id, variant) VALUES (?, ?, ?, ?)',

  get: `SELECT ${ROW} FROM sessions s WHERE s.session_id = ?`,

  /**
   * Newest first; every filter is optional (a NULL parameter matches all) so one statement serves
   * every combination, and the cursor is the row value (started_at, session_id) of the last row seen.
   */
  list: `
    SELECT ${ROW} FROM sessions s
    WHERE (@label IS NULL OR s.label = @label)
      AND (@beforeAt IS NULL OR (s.started_at, s.session_id) < (@beforeAt, @beforeId))
    ORDER BY s.started_at DESC, s.session_id DESC LIMIT @limit`,
  /** The same through the (key, version, started_at) index, for calls that ran a key. */
  listByKey: `
    SELECT ${ROW} FROM session_prompts p JOIN sessions s ON s.session_id = p.session_id
    WHERE p.key = @key AND (@version IS NULL OR p.version = @version)
      AND (@label IS NULL OR s.label = @label)
      AND (@beforeAt IS NULL OR (p.started_at, p.session_id) < (@beforeAt, @beforeId))
    ORDER BY p.started_at DESC, p.session_id DESC LIMIT @limit`,

  /** Oldest first, at most @limit of them; the prompts and rollouts rows go with them (ON DELETE CASCADE). */
  prune: `
    DELETE FROM sessions WHERE session_id IN (
      SELECT session_id FROM sessions WHERE started_at < @before ORDER BY started_at LIMIT @limit)`,

  /** Sums per variant of a rollout; `bad` is the guard metric's condition (figuresBad), 0 without one. */
  figures: (bad: string) => `
    SELECT r.variant, count(*) AS sessions, sum(CASE WHEN ${bad} THEN 1 ELSE 0 END) AS bad,
      ${builtInSums((e) => `CAST(${e} AS REAL)`)}
    FROM session_rollouts r JOIN sessions s ON s.session_id = r.session_id
    WHERE r.rollout_id = @rollout GROUP BY r.variant`,
  /** Sums of each custom metric per variant; at most @groups groups, the most reported first. */
  customFigures: `
    SELECT r.variant, j.key AS name, count(*) AS n, sum(j.value) AS sum, sum(j.value * j.value) AS sq
    FROM session_rollouts r JOIN sessions s ON s.session_id = r.session_id, json_each(s.custom_metrics) j
    WHERE r.rollout_id = @rollout GROUP BY r.variant, j.key ORDER BY n DESC, name LIMIT @groups`,
  /** The guard metrics' conditions on a session `s`: @reasons, @within, @path are their parameters. */
  bad: {
    none: '0',
    column: (col: 'agent_errors' | 'user_interruptions') => `s.${col} > 0`,
    hangup: 's.end_reason IN (SELECT value FROM json_each(@reasons)) AND s.duration_ms < @within',
    custom: 'coalesce(json_extract(s.custom_metrics, @path), 0) > 0',
  },
} as const;
