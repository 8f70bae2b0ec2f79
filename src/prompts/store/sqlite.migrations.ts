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
];
