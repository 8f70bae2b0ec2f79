import Database from 'better-sqlite3';
import { join } from 'node:path';
import { POSTGRES_MIGRATIONS } from '../src/store/postgres/postgres.migrations.js';
import { PostgresPromptStore } from '../src/store/postgres/postgres-prompt.store.js';
import type { PromptStore } from '../src/store/prompt-store.js';
import { SQLITE_MIGRATIONS } from '../src/store/sqlite/sqlite.migrations.js';
import { SqlitePromptStore } from '../src/store/sqlite/sqlite-prompt.store.js';
import { createTestDatabase, describePostgres, onDatabase, postgresConfig, type TestDatabase } from './support/postgres.js';
import { aPrompt } from './support/factories.js';
import { tempDir } from './support/temp-dir.js';

/**
 * Schema 3 retires the pruned `changes` table: the audit table becomes the
 * change log. A database written by the schema-2 server (both tables, the
 * change log pruned) must come through with its history, its deletes and its
 * revision high-water mark intact.
 */

/** What the schema-2 server wrote for: create A, update A, delete A, create B; then a prune to one change-log row. */
const LEGACY_WRITES = [
  { revision: 1, key: 'A', kind: 'create', version: 1, text: 'a1', deleted: false },
  { revision: 2, key: 'A', kind: 'update', version: 2, text: 'a2', deleted: false },
  { revision: 3, key: 'A', kind: 'delete', version: 2, text: null, deleted: true },
  { revision: 4, key: 'B', kind: 'create', version: 1, text: 'b1', deleted: false },
] as const;

const AT = '2026-01-02T03:04:05.000Z';

async function expectMigrated(store: PromptStore): Promise<void> {
  expect(await store.revision()).toBe(4);
  expect((await store.changesAfter(0, 10)).map((c) => [c.revision, c.key, c.kind, c.version, c.text])).toEqual([
    [1, 'A', 'create', 1, 'a1'],
    [2, 'A', 'update', 2, 'a2'],
    [3, 'A', 'delete', 2, null],
    [4, 'B', 'create', 1, 'b1'],
  ]);
  // The delete's change-log row was pruned, but the audit row that replaces it still says who and when.
  expect(await store.listDeleted()).toEqual([{ key: 'A', version: 2, deletedAt: AT, deletedBy: 'ops' }]);
  expect((await store.listAudit({ limit: 10 })).map((e) => e.revision)).toEqual([4, 3, 2, 1]);
  const next = await store.update(aPrompt({ key: 'B', text: 'b2', author: 'ops' }));
  expect(next.ok && next.change?.revision).toBe(5);
  // Every key's current version became production, and its view revision is its last change.
  expect(await store.get('B', 'production')).toMatchObject({ version: 2, text: 'b2' });
  expect((await store.labelSnapshot('production')).entries.map((e) => [e.key, e.version, e.revision])).toEqual([
    ['A', null, 3],
    ['B', 2, 5],
  ]);
  expect((await store.listAudit({ limit: 10 }))[1].moves).toEqual([{ label: 'production', to: 1 }]);
  expect((await store.changesAfter(4, 10)).map((c) => c.revision)).toEqual([5]);
  const ping = await store.ping();
  expect(ping.schemaVersion).toBe(ping.latestSchemaVersion);
}

describe('SQLite schema 2 → current', () => {
  it('keeps history, deletes and the revision high-water mark', async () => {
    const dir = tempDir();
    const path = join(dir.path, 'legacy.db');
    const db = new Database(path);
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    SQLITE_MIGRATIONS.slice(0, 2).forEach((sql, i) => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?)').run(i + 1, AT);
    });
    for (const w of LEGACY_WRITES) {
      db.prepare('INSERT INTO changes (key, kind, version, author, at) VALUES (?, ?, ?, ?, ?)').run(w.key, w.kind, w.version, 'ops', AT);
      db.prepare('INSERT INTO audit VALUES (?, ?, ?, ?, ?, NULL, NULL, ?)').run(w.revision, w.key, w.kind, w.version, 'ops', AT);
      db.prepare('INSERT INTO prompts VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET version = excluded.version, deleted = excluded.deleted').run(
        w.key,
        w.version,
        w.deleted ? 1 : 0,
      );
      if (w.text !== null)
        db.prepare('INSERT INTO prompt_versions VALUES (?, ?, ?, ?, NULL, ?, ?)').run(w.key, w.version, w.text, 'ops', AT, w.revision);
    }
    db.prepare('DELETE FROM changes WHERE revision < 4').run();
    db.close();

    const store = new SqlitePromptStore(path);
    await store.init();
    try {
      await expectMigrated(store);
    } finally {
      await store.close();
      dir.remove();
    }
  });
});

describePostgres('PostgreSQL schema 2 → current', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(() => db.drop());

  it('keeps history, deletes and the revision high-water mark', async () => {
    await onDatabase(db.url, async (c) => {
      await c.query('CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL)');
      for (const [i, sql] of POSTGRES_MIGRATIONS.slice(0, 2).entries()) {
        await c.query(sql);
        await c.query('INSERT INTO schema_migrations VALUES ($1, now())', [i + 1]);
      }
      for (const w of LEGACY_WRITES) {
        await c.query('UPDATE revision_counter SET value = $1', [w.revision]);
        await c.query('INSERT INTO changes VALUES ($1, $2, $3, $4, $5, $6)', [w.revision, w.key, w.kind, w.version, 'ops', AT]);
        await c.query('INSERT INTO audit VALUES ($1, $2, $3, $4, $5, NULL, NULL, $6)', [w.revision, w.key, w.kind, w.version, 'ops', AT]);
        await c.query(
          'INSERT INTO prompts VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET version = excluded.version, deleted = excluded.deleted',
          [w.key, w.version, w.deleted],
        );
        if (w.text !== null)
          await c.query('INSERT INTO prompt_versions VALUES ($1, $2, $3, $4, NULL, $5, $6)', [w.key, w.version, w.text, 'ops', AT, w.revision]);
      }
      await c.query('DELETE FROM changes WHERE revision < 4');
    });

    const store = new PostgresPromptStore(postgresConfig(db.url));
    await store.init();
    try {
      await expectMigrated(store);
    } finally {
      await store.close();
    }
  });
});
