/** The PostgreSQL store's queries, one named string each. */

/** Timestamps leave the database as the same ISO strings SQLite stores (millisecond precision, `Z`). */
export const iso = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const VERSION_AS_PROMPT = `v.key, v.text, v.version, v.author, v.message, ${iso('v.created_at')} AS "updatedAt", v.revision, v.variables`;
const VERSION_ROW = `key, version, text, author, message, ${iso('created_at')} AS "createdAt", revision, variables, checks`;

/** Every key with its newest version and the labels pointing anywhere: one row per label (one with nulls for none). */
const LABEL_INDEX = `
    SELECT p.key, p.version AS head, p.deleted, l.label, l.version
    FROM prompts p LEFT JOIN labels l ON l.key = p.key AND l.version IS NOT NULL`;

export const SQL = {
  schemaVersion: 'SELECT max(version) AS v FROM schema_migrations',
  revision: 'SELECT value FROM revision_counter',

  labelEntries: `
    SELECT l.key, l.version, l.revision, v.text, v.author, v.message, ${iso('v.created_at')} AS "createdAt", v.revision AS vrev, v.variables
    FROM labels l LEFT JOIN prompt_versions v ON v.key = l.key AND v.version = l.version
    WHERE l.label = $1 ORDER BY l.key`,

  viewRevision: `
    SELECT coalesce(max(revision), 0) AS r FROM labels
    WHERE label = $1 AND ($2::text[] IS NULL OR key = ANY($2::text[]))`,

  labelRevisions: 'SELECT label, max(revision) AS r FROM labels GROUP BY label',

  labelledPrompt: `
    SELECT ${VERSION_AS_PROMPT} FROM labels l
    JOIN prompts p ON p.key = l.key AND NOT p.deleted
    JOIN prompt_versions v ON v.key = l.key AND v.version = l.version
    WHERE l.key = $1 AND l.label = $2`,

  promptAt: `SELECT ${VERSION_AS_PROMPT} FROM prompt_versions v WHERE v.key = $1 AND v.version = $2::bigint`,

  labelsOf: `
    SELECT l.label, l.version, l.revision, coalesce(${iso('a.at')}, '') AS "movedAt"
    FROM labels l LEFT JOIN audit a ON a.revision = l.revision
    WHERE l.key = $1 AND l.version IS NOT NULL ORDER BY l.label`,

  liveLabels: 'SELECT label, version FROM labels WHERE key = $1 AND version IS NOT NULL ORDER BY label',

  labelIndex: `${LABEL_INDEX} ORDER BY p.key, l.label`,

  /** One key's row of the label index (a 404 says what the key has). */
  keyLabelIndex: `${LABEL_INDEX} WHERE p.key = $1 ORDER BY l.label`,

  /** The newest delete of each deleted key; a key deleted, restored and deleted again has several. */
  deleted: `
    SELECT p.key,
           coalesce((SELECT (m->>'from')::integer FROM json_array_elements(c.moves::json) m
                     WHERE m->>'label' = 'production'), p.version) AS version,
           ${iso('c.at')} AS "deletedAt", c.author AS "deletedBy"
    FROM prompts p
    LEFT JOIN audit c ON c.revision = (SELECT max(revision) FROM audit WHERE key = p.key AND kind = 'delete')
    WHERE p.deleted ORDER BY p.key`,

  keyRow: 'SELECT version, deleted FROM prompts WHERE key = $1',
  keyRowForUpdate: 'SELECT version, deleted FROM prompts WHERE key = $1 FOR UPDATE',

  versions: `
    SELECT key, version, author, message, ${iso('created_at')} AS "createdAt", revision, octet_length(text) AS size, checks
    FROM prompt_versions WHERE key = $1 AND version < $2::bigint ORDER BY version DESC LIMIT $3`,

  versionCount: 'SELECT count(*)::int AS total FROM prompt_versions WHERE key = $1',

  version: `SELECT ${VERSION_ROW} FROM prompt_versions WHERE key = $1 AND version = $2::bigint`,

  changesAfter: `
    SELECT c.revision, c.key, c.kind, c.version, c.author, ${iso('c.at')} AS at, c.moves, v.text, v.variables
    FROM audit c LEFT JOIN prompt_versions v ON v.key = c.key AND v.version = c.version
    WHERE c.revision > $1 ORDER BY c.revision LIMIT $2`,

  replaySize: `
    SELECT count(*)::int AS changes, coalesce(sum(octet_length(v.text) + octet_length(v.variables)), 0)::bigint AS "textBytes"
    FROM audit c LEFT JOIN prompt_versions v ON v.key = c.key AND v.version = c.version AND c.kind NOT IN ('delete', 'unlabel')
    WHERE c.revision > $1`,

  snapshotSize: `
    SELECT coalesce(sum(octet_length(v.text) + octet_length(v.variables)), 0)::bigint AS bytes
    FROM labels l JOIN prompt_versions v ON v.key = l.key AND v.version = l.version WHERE l.label = $1`,

  audit: `
    SELECT revision, key, kind, version, author, address, message, ${iso('at')} AS at, moves, forced FROM audit
    WHERE revision < $1::bigint AND ($2::text IS NULL OR key = $2) AND ($3::text IS NULL OR author = $3)
    ORDER BY revision DESC LIMIT $4`,

  /** clock_timestamp() is read after the counter's lock is granted, so timestamps follow revision order too. */
  nextRevision: `UPDATE revision_counter SET value = value + 1 RETURNING value AS revision, ${iso('clock_timestamp()')} AS at`,

  insertAudit: `
    INSERT INTO audit (revision, key, kind, version, author, address, message, at, moves, forced)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,

  upsertKey: `
    INSERT INTO prompts (key, version, deleted) VALUES ($1, $2, $3)
    ON CONFLICT (key) DO UPDATE SET version = excluded.version, deleted = excluded.deleted`,

  insertVersion: `
    INSERT INTO prompt_versions (key, version, text, author, message, created_at, revision, variables, checks)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,

  upsertLabel: `
    INSERT INTO labels (key, label, version, revision) VALUES ($1, $2, $3, $4)
    ON CONFLICT (key, label) DO UPDATE SET version = excluded.version, revision = excluded.revision`,
} as const;
