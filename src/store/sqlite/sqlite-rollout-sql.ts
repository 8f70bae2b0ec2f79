/** The SQLite store's rollout queries (rollout-rows.ts maps their rows). */

const ROLLOUT_ROW = `id, key, label, baseline, candidate, basis_points AS basisPoints, apply, guard, status,
    created_at AS createdAt, created_by AS createdBy, updated_at AS updatedAt, updated_by AS updatedBy, reason, history`;

export const ROLLOUT_SQL = {
  /** The active rollouts of one key: what the write rules need (write-plan.ts KeyState). */
  activeOfKey: `SELECT id, label, baseline, candidate FROM rollouts WHERE key = ? AND status = 'active'`,

  byId: `SELECT ${ROLLOUT_ROW} FROM rollouts WHERE id = ?`,

  /** Newest first: by the revision that started each. */
  ofKey: `SELECT ${ROLLOUT_ROW} FROM rollouts WHERE key = ? ORDER BY revision DESC LIMIT ?`,

  insert: `
    INSERT INTO rollouts (id, key, label, baseline, candidate, basis_points, apply, guard, status, revision,
                          created_at, created_by, updated_at, updated_by, reason, history)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, NULL, ?)`,

  step: `
    UPDATE rollouts SET basis_points = ?, status = ?, updated_at = ?, updated_by = ?, reason = coalesce(?, reason), history = ?
    WHERE id = ?`,
} as const;
