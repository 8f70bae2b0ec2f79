/** The SQLite store's queries, one named string each (prepared once by the store). */

const VERSION_AS_PROMPT = `v.key, v.text, v.version, v.author, v.message, v.created_at AS updatedAt, v.revision, v.variables`;

/** Every key with its newest version and the labels pointing anywhere: one row per label (one with nulls for none). */
const LABEL_INDEX = `
    SELECT p.key, p.version AS head, p.deleted, l.label, l.version
    FROM prompts p LEFT JOIN labels l ON l.key = p.key AND l.version IS NOT NULL`;

export const SQL = {
  schemaVersion: 'SELECT max(version) AS v FROM schema_migrations',

  /** Every key of one label, removals included, with the version it points at. */
  labelEntries: `
    SELECT l.key, l.version, l.revision, v.text, v.author, v.message, v.created_at AS createdAt, v.revision AS vrev, v.variables
    FROM labels l LEFT JOIN prompt_versions v ON v.key = l.key AND v.version = l.version
    WHERE l.label = ? ORDER BY l.key`,

  /** The last change to a label's view; the key filter is a JSON array (one statement for any number of keys). */
  viewRevision: `
    SELECT coalesce(max(revision), 0) AS r FROM labels
    WHERE label = ? AND (? IS NULL OR key IN (SELECT value FROM json_each(?)))`,

  labelRevisions: 'SELECT label, max(revision) AS r FROM labels GROUP BY label',

  labelledPrompt: `
    SELECT ${VERSION_AS_PROMPT} FROM labels l
    JOIN prompts p ON p.key = l.key AND p.deleted = 0
    JOIN prompt_versions v ON v.key = l.key AND v.version = l.version
    WHERE l.key = ? AND l.label = ?`,

  promptAt: `SELECT ${VERSION_AS_PROMPT} FROM prompt_versions v WHERE v.key = ? AND v.version = ?`,

  labelsOf: `
    SELECT l.label, l.version, l.revision, coalesce(a.at, '') AS movedAt
    FROM labels l LEFT JOIN audit a ON a.revision = l.revision
    WHERE l.key = ? AND l.version IS NOT NULL ORDER BY l.label`,

  liveLabels: 'SELECT label, version FROM labels WHERE key = ? AND version IS NOT NULL ORDER BY label',

  labelIndex: `${LABEL_INDEX} ORDER BY p.key, l.label`,

  /** One key's row of the label index (a 404 says what the key has). */
  keyLabelIndex: `${LABEL_INDEX} WHERE p.key = ? ORDER BY l.label`,

  /**
   * The newest delete of each deleted key (a key deleted, restored and deleted again has several), and
   * the version production served until then (the delete's move), so a restore never publishes a draft.
   */
  deleted: `
    SELECT p.key,
           coalesce((SELECT json_extract(m.value, '$.from') FROM json_each(c.moves) m
                     WHERE json_extract(m.value, '$.label') = 'production'), p.version) AS version,
           c.at AS deletedAt, c.author AS deletedBy
    FROM prompts p
    LEFT JOIN audit c ON c.revision = (SELECT max(revision) FROM audit WHERE key = p.key AND kind = 'delete')
    WHERE p.deleted = 1 ORDER BY p.key`,

  versions: `
    SELECT key, version, author, message, created_at AS createdAt, revision, length(CAST(text AS BLOB)) AS size, checks
    FROM prompt_versions WHERE key = ? AND version < ? ORDER BY version DESC LIMIT ?`,

  versionCount: 'SELECT count(*) AS total FROM prompt_versions WHERE key = ?',

  version: `
    SELECT key, version, text, author, message, created_at AS createdAt, revision, variables, checks
    FROM prompt_versions WHERE key = ? AND version = ?`,

  changesAfter: `
    SELECT c.revision, c.key, c.kind, c.version, c.author, c.at, c.moves, v.text, v.variables
    FROM audit c LEFT JOIN prompt_versions v ON v.key = c.key AND v.version = c.version
    WHERE c.revision > ? ORDER BY c.revision LIMIT ?`,

  replaySize: `
    SELECT count(*) AS changes, coalesce(sum(length(CAST(v.text AS BLOB)) + length(CAST(v.variables AS BLOB))), 0) AS textBytes
    FROM audit c LEFT JOIN prompt_versions v ON v.key = c.key AND v.version = c.version AND c.kind NOT IN ('delete', 'unlabel')
    WHERE c.revision > ?`,

  snapshotSize: `
    SELECT coalesce(sum(length(CAST(v.text AS BLOB)) + length(CAST(v.variables AS BLOB))), 0) AS bytes
    FROM labels l JOIN prompt_versions v ON v.key = l.key AND v.version = l.version WHERE l.label = ?`,

  audit: `
    SELECT revision, key, kind, version, author, address, message, at, moves, forced FROM audit
    WHERE revision < ? AND (? IS NULL OR key = ?) AND (? IS NULL OR author = ?)
    ORDER BY revision DESC LIMIT ?`,

  insertAudit: 'INSERT INTO audit (key, kind, version, author, address, message, at, moves, forced) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',

  upsertKey: `
    INSERT INTO prompts (key, version, deleted) VALUES (?, ?, ?)
    ON CONFLICT (key) DO UPDATE SET version = excluded.version, deleted = excluded.deleted`,

  insertVersion: `
    INSERT INTO prompt_versions (key, version, text, author, message, created_at, revision, variables, checks)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,

  upsertLabel: `
    INSERT INTO labels (key, label, version, revision) VALUES (?, ?, ?, ?)
    ON CONFLICT (key, label) DO UPDATE SET version = excluded.version, revision = excluded.revision`,
} as const;
