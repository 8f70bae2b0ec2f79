/**
 * Ordered, append-only schema steps. A step's index + 1 is its schema version;
 * never edit a step that has shipped, add a new one.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
  `
  -- One row per key that ever existed; "version" is the latest version number,
  -- which keeps counting after a delete so a re-created key continues its history.
  CREATE TABLE prompts (
    key     TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE prompt_versions (
    key        TEXT NOT NULL REFERENCES prompts(key),
    version    INTEGER NOT NULL,
    text       TEXT NOT NULL,
    author     TEXT NOT NULL,
    message    TEXT,
    created_at TEXT NOT NULL,
    revision   INTEGER NOT NULL,
    PRIMARY KEY (key, version)
  );
  -- AUTOINCREMENT: a revision is never reused, even after old entries are pruned.
  CREATE TABLE changes (
    revision INTEGER PRIMARY KEY AUTOINCREMENT,
    key      TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('create', 'update', 'delete', 'rollback')),
    version  INTEGER NOT NULL,
    author   TEXT NOT NULL,
    at       TEXT NOT NULL
  );
  `,
  `
  -- The audit trail: one row per change, written in the change's transaction and
  -- never pruned (the change log above is only for stream replay).
  CREATE TABLE audit (
    revision INTEGER PRIMARY KEY,
    key      TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('create', 'update', 'delete', 'rollback')),
    version  INTEGER NOT NULL,
    author   TEXT NOT NULL,
    address  TEXT,
    message  TEXT,
    at       TEXT NOT NULL
  );
  CREATE INDEX audit_by_key ON audit (key, revision);
  CREATE INDEX audit_by_author ON audit (author, revision);
  -- Backfill what history still tells: every version, and the deletes the change log kept.
  -- A version whose change entry was pruned reads as a create (version 1) or an update.
  INSERT INTO audit (revision, key, kind, version, author, address, message, at)
    SELECT v.revision, v.key, coalesce(c.kind, CASE WHEN v.version = 1 THEN 'create' ELSE 'update' END),
           v.version, v.author, NULL, v.message, v.created_at
    FROM prompt_versions v LEFT JOIN changes c ON c.revision = v.revision;
  INSERT INTO audit (revision, key, kind, version, author, address, message, at)
    SELECT revision, key, kind, version, author, NULL, NULL, at FROM changes WHERE kind = 'delete';
  `,
  `
  -- The audit trail becomes the change log: one row per change, written in the change's
  -- transaction, never pruned, and its AUTOINCREMENT key hands out the global revision.
  -- The separate "changes" table (a pruned copy kept for stream replay) goes, so a write
  -- inserts one log row instead of two. No CHECK on kind: the code owns the list of kinds.
  CREATE TABLE audit_log (
    revision INTEGER PRIMARY KEY AUTOINCREMENT,
    key      TEXT NOT NULL,
    kind     TEXT NOT NULL,
    version  INTEGER NOT NULL,
    author   TEXT NOT NULL,
    address  TEXT,
    message  TEXT,
    at       TEXT NOT NULL
  );
  INSERT INTO audit_log (revision, key, kind, version, author, address, message, at)
    SELECT revision, key, kind, version, author, address, message, at FROM audit ORDER BY revision;
  -- Revisions are never reused: carry the old high-water mark over.
  -- (sqlite_sequence has no key: update the row the copy created, or add one if nothing was copied.)
  DELETE FROM sqlite_sequence WHERE name = 'audit_log';
  INSERT INTO sqlite_sequence (name, seq) VALUES ('audit_log', max(
    coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0),
    coalesce((SELECT max(revision) FROM audit_log), 0)));
  DROP TABLE audit;
  DROP TABLE changes;
  ALTER TABLE audit_log RENAME TO audit;
  CREATE INDEX audit_by_key ON audit (key, revision);
  CREATE INDEX audit_by_author ON audit (author, revision);
  `,
  `
  -- Admin UI sessions ended by a logout before their cookie expired, so every process refuses
  -- a copy of the cookie. expires_at is the cookie's own expiry (ms since the epoch); after it the
  -- cookie is refused anyway, and the row is pruned when the next logout is recorded.
  CREATE TABLE revoked_sessions (
    id         TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
  );
  `,
  `
  -- Labels: named pointers from a key to one of its versions. A row whose version is NULL
  -- records that the label was removed, and when (its revision), so a label's view knows
  -- the revision of its last change. Every key's current version becomes production, and
  -- every change so far moved production; a delete removed it.
  CREATE TABLE labels (
    key      TEXT NOT NULL REFERENCES prompts(key),
    label    TEXT NOT NULL,
    version  INTEGER,
    revision INTEGER NOT NULL,
    PRIMARY KEY (key, label)
  );
  CREATE INDEX labels_by_label ON labels (label, revision);
  INSERT INTO labels (key, label, version, revision)
    SELECT p.key, 'production', CASE WHEN p.deleted = 0 THEN p.version END,
           coalesce((SELECT max(a.revision) FROM audit a WHERE a.key = p.key), 0)
    FROM prompts p;
  ALTER TABLE audit ADD COLUMN moves TEXT NOT NULL DEFAULT '[]';
  UPDATE audit SET moves = json_array(json_object('label', 'production', 'to', CASE WHEN kind = 'delete' THEN NULL ELSE version END));
  `,
  `
  -- Variables and checks (docs/variables.md): each version keeps the variables it declares
  -- and what the checks found when it was saved (NULL: saved before checks existed); the
  -- audit row keeps the reason an admin gave for publishing over failing checks.
  ALTER TABLE prompt_versions ADD COLUMN variables TEXT NOT NULL DEFAULT '{}';
  ALTER TABLE prompt_versions ADD COLUMN checks TEXT;
  ALTER TABLE audit ADD COLUMN forced TEXT;
  `,
  `
  -- Session reports (docs/rollouts.md, "Session reports"): one row per call, replaced by each
  -- newer report of it. The built-in metrics are columns so a rollout's figures are summed in
  -- SQL; receipts, turn records, prompt versions, rollout variants and custom metrics are JSON.
  -- token: the name of the token that first reported the call (NULL when the server runs open).
  -- Times are ISO-8601 UTC with milliseconds, so text order is time order.
  CREATE TABLE sessions (
    session_id         TEXT PRIMARY KEY,
    agent_id           TEXT NOT NULL,
    token              TEXT,
    label              TEXT NOT NULL,
    started_at         TEXT NOT NULL,
    ended_at           TEXT,
    reported_at        TEXT NOT NULL,
    end_reason         TEXT,
    turns              INTEGER NOT NULL,
    user_interruptions INTEGER NOT NULL,
    agent_errors       INTEGER NOT NULL,
    duration_ms        REAL NOT NULL,
    receipts           TEXT NOT NULL,
    turn_records       TEXT NOT NULL,
    prompts            TEXT NOT NULL,
    rollouts           TEXT NOT NULL,
    custom_metrics     TEXT NOT NULL
  );
  CREATE INDEX sessions_by_start ON sessions (started_at, session_id);
  CREATE INDEX sessions_by_label ON sessions (label, started_at, session_id);
  -- The version of each key a call ran, for "calls that ran KEY (at VERSION)", newest first.
  CREATE TABLE session_prompts (
    session_id TEXT NOT NULL REFERENCES sessions(session_id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    version    INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    PRIMARY KEY (session_id, key)
  );
  CREATE INDEX session_prompts_by_version ON session_prompts (key, version, started_at, session_id);
  CREATE INDEX session_prompts_by_key ON session_prompts (key, started_at, session_id);
  -- The rollout variant a call was put in, per key: what a rollout's figures group by.
  CREATE TABLE session_rollouts (
    session_id TEXT NOT NULL REFERENCES sessions(session_id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    rollout_id TEXT NOT NULL,
    variant    TEXT NOT NULL,
    PRIMARY KEY (session_id, key)
  );
  CREATE INDEX session_rollouts_by_rollout ON session_rollouts (rollout_id, variant);
  `,
  `
  -- Rollouts (docs/rollouts.md): a label keeps pointing at its baseline while a candidate
  -- version serves a slice of sessions. The percent is kept in basis points (hundredths of a
  -- percent: bucket < basis_points gets the candidate). At most one active rollout per key and
  -- label, which the partial unique index enforces as well as the write rules. Each step is a
  -- change: the audit row names the rollout, the step, the candidate and the percent after it,
  -- so a replay of the log rebuilds each step's offer. apply: the scope the writer gave.
  CREATE TABLE rollouts (
    id           TEXT PRIMARY KEY,
    key          TEXT NOT NULL REFERENCES prompts(key),
    label        TEXT NOT NULL,
    baseline     INTEGER NOT NULL,
    candidate    INTEGER NOT NULL,
    basis_points INTEGER NOT NULL,
    apply        TEXT NOT NULL,
    guard        TEXT,
    status       TEXT NOT NULL,
    revision     INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    reason       TEXT,
    history      TEXT NOT NULL
  );
  CREATE UNIQUE INDEX rollouts_one_active ON rollouts (key, label) WHERE status = 'active';
  CREATE INDEX rollouts_by_key ON rollouts (key, revision);
  ALTER TABLE audit ADD COLUMN apply TEXT;
  ALTER TABLE audit ADD COLUMN rollout TEXT;
  ALTER TABLE audit ADD COLUMN rollout_step TEXT;
  ALTER TABLE audit ADD COLUMN rollout_candidate INTEGER;
  ALTER TABLE audit ADD COLUMN rollout_basis_points INTEGER;
  `,
];
