/**
 * Ordered, append-only schema steps for PostgreSQL, the same tables as
 * `sqlite.migrations.ts`. A step's index + 1 is its schema version; never
 * edit a step that has shipped, add a new one.
 *
 * Keys use the "C" collation so that listings sort by code point, exactly as
 * SQLite's default BINARY collation does, whatever the database's locale.
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `
  -- One row per key that ever existed; "version" is the latest version number,
  -- which keeps counting after a delete so a re-created key continues its history.
  CREATE TABLE prompts (
    key     text COLLATE "C" PRIMARY KEY,
    version integer NOT NULL,
    deleted boolean NOT NULL DEFAULT false
  );
  CREATE TABLE prompt_versions (
    key        text COLLATE "C" NOT NULL REFERENCES prompts(key),
    version    integer NOT NULL,
    text       text NOT NULL,
    author     text NOT NULL,
    message    text,
    created_at timestamptz NOT NULL,
    revision   bigint NOT NULL,
    PRIMARY KEY (key, version)
  );
  -- The global revision's high-water mark, one row. Writers bump it first thing in
  -- their transaction; see PostgresPromptStore for why this is a row and not a sequence.
  CREATE TABLE revision_counter (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    value    bigint NOT NULL
  );
  INSERT INTO revision_counter (value) VALUES (0);
  CREATE TABLE changes (
    revision bigint PRIMARY KEY,
    key      text COLLATE "C" NOT NULL,
    kind     text NOT NULL CHECK (kind IN ('create', 'update', 'delete', 'rollback')),
    version  integer NOT NULL,
    author   text NOT NULL,
    at       timestamptz NOT NULL
  );
  `,
  `
  -- The audit trail: one row per change, written in the change's transaction and
  -- never pruned (the change log above is only for stream replay).
  CREATE TABLE audit (
    revision bigint PRIMARY KEY,
    key      text COLLATE "C" NOT NULL,
    kind     text NOT NULL CHECK (kind IN ('create', 'update', 'delete', 'rollback')),
    version  integer NOT NULL,
    author   text NOT NULL,
    address  text,
    message  text,
    at       timestamptz NOT NULL
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
  -- The audit trail becomes the change log (stream replay and the change feed read it);
  -- the separate, pruned "changes" table goes, so a write inserts one log row instead of
  -- two. The revision still comes from revision_counter. No CHECK on kind: the code owns
  -- the list of kinds.
  DROP TABLE changes;
  ALTER TABLE audit DROP CONSTRAINT IF EXISTS audit_kind_check;
  `,
  `
  -- Admin UI sessions ended by a logout before their cookie expired, so every replica refuses
  -- a copy of the cookie. expires_at is the cookie's own expiry (ms since the epoch); after it the
  -- cookie is refused anyway, and the row is pruned when the next logout is recorded.
  CREATE TABLE revoked_sessions (
    id         text COLLATE "C" PRIMARY KEY,
    expires_at bigint NOT NULL
  );
  `,
  `
  -- Labels: named pointers from a key to one of its versions (see the SQLite step 5).
  CREATE TABLE labels (
    key      text COLLATE "C" NOT NULL REFERENCES prompts(key),
    label    text COLLATE "C" NOT NULL,
    version  integer,
    revision bigint NOT NULL,
    PRIMARY KEY (key, label)
  );
  CREATE INDEX labels_by_label ON labels (label, revision);
  INSERT INTO labels (key, label, version, revision)
    SELECT p.key, 'production', CASE WHEN NOT p.deleted THEN p.version END,
           coalesce((SELECT max(a.revision) FROM audit a WHERE a.key = p.key), 0)
    FROM prompts p;
  ALTER TABLE audit ADD COLUMN moves text NOT NULL DEFAULT '[]';
  UPDATE audit SET moves = json_build_array(json_build_object('label', 'production', 'to', CASE WHEN kind = 'delete' THEN NULL ELSE version END))::text;
  `,
  `
  -- Variables and checks (see the SQLite step 6).
  ALTER TABLE prompt_versions ADD COLUMN variables text NOT NULL DEFAULT '{}';
  ALTER TABLE prompt_versions ADD COLUMN checks text;
  ALTER TABLE audit ADD COLUMN forced text;
  `,
  `
  -- Session reports (see the SQLite step 7). Times are timestamptz here; the store reads them
  -- back as ISO-8601 with milliseconds, as SQLite keeps them.
  CREATE TABLE sessions (
    session_id         text COLLATE "C" PRIMARY KEY,
    agent_id           text NOT NULL,
    token              text,
    label              text COLLATE "C" NOT NULL,
    started_at         timestamptz NOT NULL,
    ended_at           timestamptz,
    reported_at        timestamptz NOT NULL,
    end_reason         text,
    turns              integer NOT NULL,
    user_interruptions integer NOT NULL,
    agent_errors       integer NOT NULL,
    duration_ms        double precision NOT NULL,
    receipts           text NOT NULL,
    turn_records       text NOT NULL,
    prompts            text NOT NULL,
    rollouts           text NOT NULL,
    custom_metrics     text NOT NULL
  );
  CREATE INDEX sessions_by_start ON sessions (started_at, session_id);
  CREATE INDEX sessions_by_label ON sessions (label, started_at, session_id);
  CREATE TABLE session_prompts (
    session_id text COLLATE "C" NOT NULL REFERENCES sessions(session_id) ON DELETE CASCADE,
    key        text COLLATE "C" NOT NULL,
    version    integer NOT NULL,
    started_at timestamptz NOT NULL,
    PRIMARY KEY (session_id, key)
  );
  CREATE INDEX session_prompts_by_version ON session_prompts (key, version, started_at, session_id);
  CREATE INDEX session_prompts_by_key ON session_prompts (key, started_at, session_id);
  CREATE TABLE session_rollouts (
    session_id text COLLATE "C" NOT NULL REFERENCES sessions(session_id) ON DELETE CASCADE,
    key        text COLLATE "C" NOT NULL,
    rollout_id text COLLATE "C" NOT NULL,
    variant    text NOT NULL,
    PRIMARY KEY (session_id, key)
  );
  CREATE INDEX session_rollouts_by_rollout ON session_rollouts (rollout_id, variant);
  `,
  `
  -- Rollouts (see the SQLite step 8).
  CREATE TABLE rollouts (
    id           text COLLATE "C" PRIMARY KEY,
    key          text COLLATE "C" NOT NULL REFERENCES prompts(key),
    label        text COLLATE "C" NOT NULL,
    baseline     integer NOT NULL,
    candidate    integer NOT NULL,
    basis_points integer NOT NULL,
    apply        text NOT NULL,
    guard        text,
    status       text NOT NULL,
    revision     bigint NOT NULL,
    created_at   timestamptz NOT NULL,
    created_by   text NOT NULL,
    updated_at   timestamptz NOT NULL,
    updated_by   text NOT NULL,
    reason       text,
    history      text NOT NULL
  );
  CREATE UNIQUE INDEX rollouts_one_active ON rollouts (key, label) WHERE status = 'active';
  CREATE INDEX rollouts_by_key ON rollouts (key, revision);
  ALTER TABLE audit ADD COLUMN apply text;
  ALTER TABLE audit ADD COLUMN rollout text;
  ALTER TABLE audit ADD COLUMN rollout_step text;
  ALTER TABLE audit ADD COLUMN rollout_candidate integer;
  ALTER TABLE audit ADD COLUMN rollout_basis_points integer;
  `,
];
