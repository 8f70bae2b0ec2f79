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
];
