import { iso } from './postgres-sql.js';

/** The PostgreSQL store's rollout queries (rollout-rows.ts maps their rows). */

const ROLLOUT_ROW = `id, key, label, baseline, candidate, basis_points AS "basisPoints", apply, guard, status,
    ${iso('created_at')} AS "createdAt", created_by AS "createdBy", ${iso('updated_at')} AS "updatedAt", updated_by AS "updatedBy",
    reason, history`;

export const ROLLOUT_SQL = {
  /** The active rollouts of one key: what the write rules need (write-plan.ts KeyState). */
  activeOfKey: `SELECT id, label, baseline, candidate FROM rollouts WHERE key = $1 AND status = 'active'`,

  byId: `SELECT ${ROLLOUT_ROW} FROM rollouts WHERE id = $1`,

  /** Newest first: by the revision that started each. */
  ofKey: `SELECT ${ROLLOUT_ROW} FROM rollouts WHERE key = $1 ORDER BY revision DESC LIMIT $2`,

  insert: `
    INSERT INTO rollouts (id, key, label, baseline, candidate, basis_points, apply, guard, status, revision,
                          created_at, created_by, updated_at, updated_by, reason, history)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $10, $11, $10, $11, NULL, $12)`,

  step: `
    UPDATE rollouts SET basis_points = $1, status = $2, updated_at = $3, updated_by = $4, reason = coalesce($5, reason), history = $6
    WHERE id = $7`,
} as const;
