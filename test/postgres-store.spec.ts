import { createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { PostgresPromptStore } from '../src/store/postgres/postgres-prompt.store.js';
import { POSTGRES_MIGRATIONS } from '../src/store/postgres/postgres.migrations.js';
import { StoreUnavailableError } from '../src/store/store-unavailable.error.js';
import { describeStoreContract } from './store.contract.js';
import { aPrompt, PUBLISHER } from './support/factories.js';
import { createTestDatabase, describePostgres, postgresConfig, type TestDatabase } from './support/postgres.js';
import { waitFor } from './support/wait-for.js';

async function openStore(url: string): Promise<PostgresPromptStore> {
  const store = new PostgresPromptStore(postgresConfig(url));
  await store.init();
  return store;
}

describePostgres('PostgreSQL store', () => {
  describeStoreContract('postgres', () => {
    let db: TestDatabase | undefined;
    return {
      open: async () => {
        db = await createTestDatabase();
        return openStore(db.url);
      },
      reopen: () => openStore((db as TestDatabase).url),
      cleanup: async () => db?.drop(),
    };
  });

  describe('PostgresPromptStore across connections and replicas', () => {
    let db: TestDatabase;
    const opened: PostgresPromptStore[] = [];
    const open = async () => {
      const store = await openStore(db.url);
      opened.push(store);
      return store;
    };

    beforeEach(async () => {
      db = await createTestDatabase();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
      await db.drop();
    });

    it('migrates once when two replicas start at the same time on a fresh database', async () => {
      const [a, b] = await Promise.all([open(), open()]);
      const { rows } = await query<{ version: number }>(db, 'SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(POSTGRES_MIGRATIONS.map((_, i) => i + 1));
      expect((await query(db, 'SELECT count(*)::int AS n FROM revision_counter')).rows[0].n).toBe(1);
      expect((await a.create(aPrompt())).ok && (await b.revision())).toBe(1);
    });

    it('lets exactly one of many concurrent conditional updates through two stores win', async () => {
      const [a, b] = await Promise.all([open(), open()]);
      await a.create(aPrompt({ key: 'A' }));
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).update({ ...aPrompt({ key: 'A', text: `racer ${i}` }), ifVersion: 1 })),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok && r.reason === 'stale' && r.currentVersion === 2)).toHaveLength(19);
      expect(await b.revision()).toBe(2);
    });

    it('keeps revisions in commit order: a later writer waits for an earlier one that holds its revision', async () => {
      const [first, second] = await Promise.all([open(), open()]);
      await first.create(aPrompt({ key: 'A' }));
      const blocker = await connect(db);
      // The blocker holds A's row, so the first writer takes revision 2 and then stalls before committing.
      await blocker.query('BEGIN');
      await blocker.query(`SELECT 1 FROM prompts WHERE key = 'A' FOR UPDATE`);
      const committed: string[] = [];
      const early = first.update(aPrompt({ key: 'A', text: 'started first' })).finally(() => committed.push('early'));
      await waitFor(async () => (await lockWaiters(db)) === 1, 'the first writer to block', 10_000);
      const late = second.create(aPrompt({ key: 'B', text: 'started second' })).finally(() => committed.push('late'));
      await waitFor(async () => (await lockWaiters(db)) === 2, 'the second writer to queue behind it', 10_000);

      // With a sequence the second writer would now commit revision 3 while 2 is still pending.
      expect(await second.revision()).toBe(1);
      expect(await second.changesAfter(1, 10)).toEqual([]);
      await blocker.query('COMMIT');
      await blocker.end();
      const [e, l] = await Promise.all([early, late]);

      expect(committed).toEqual(['early', 'late']);
      expect([e.ok && e.change?.revision, l.ok && l.change?.revision]).toEqual([2, 3]);
      expect((await second.changesAfter(1, 10)).map((c) => [c.revision, c.key])).toEqual([
        [2, 'A'],
        [3, 'B'],
      ]);
    });

    it('hands out timestamps as millisecond ISO strings, the same everywhere they appear', async () => {
      const store = await open();
      const out = await store.create(aPrompt({ key: 'T' }));
      const at = out.ok ? (out.change?.at ?? '') : '';
      expect(at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect((await store.get('T', 'production'))?.updatedAt).toBe(at);
      expect((await store.getVersion('T', 1))?.createdAt).toBe(at);
      expect((await store.changesAfter(0, 1))[0].at).toBe(at);
      expect((await store.listVersions('T', { limit: 1 }))?.versions[0].createdAt).toBe(at);
    });

    it('answers absurd version numbers with "not found", not a database error', async () => {
      const store = await open();
      await store.create(aPrompt({ key: 'A' }));
      expect(await store.getVersion('A', 1e20)).toBeUndefined();
      const move = {
        key: 'A',
        label: 'production',
        version: 2 ** 40,
        kind: 'rollback' as const,
        author: 'x',
        message: null,
        policy: PUBLISHER,
        hasErrors: false,
      };
      expect(await store.moveLabel(move)).toMatchObject({
        ok: false,
        reason: 'version_not_found',
      });
      expect((await store.listVersions('A', { limit: 5, before: 1e300 }))?.versions).toHaveLength(1);
    });
  });
});

describe('PostgresPromptStore start-up', () => {
  it('fails fast with one line naming the host, never the password, when the database is unreachable', async () => {
    const store = new PostgresPromptStore(
      postgresConfig('postgres://promptcast:s3cret-pw@127.0.0.1:1/promptcast', { PG_CONNECT_TIMEOUT_MS: '2000' }),
    );
    const failure = await store.init().then(
      () => undefined,
      (err: unknown) => err,
    );
    await store.close();
    expect(failure).toBeInstanceOf(StoreUnavailableError);
    const { message, code } = failure as StoreUnavailableError;
    expect(code).toBe('STORE_UNAVAILABLE');
    expect(message).toMatch(/^cannot use PostgreSQL at 127\.0\.0\.1:1 \(DATABASE_URL\): .*ECONNREFUSED/);
    expect(message).not.toContain('s3cret-pw');
    expect(message).not.toContain('\n');
  });

  it('names PG_CONNECT_TIMEOUT_MS when the server accepts but never answers', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const store = new PostgresPromptStore(postgresConfig(`postgres://u@127.0.0.1:${port}/x`, { PG_CONNECT_TIMEOUT_MS: '200' }));
    const failure = await store.init().then(
      () => undefined,
      (err: unknown) => err,
    );
    await store.close();
    await closeServer(silent, sockets);
    expect((failure as Error).message).toMatch(new RegExp(`^cannot use PostgreSQL at 127\\.0\\.0\\.1:${port} .*PG_CONNECT_TIMEOUT_MS is 200\\)$`));
  });
});

function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

async function connect(db: TestDatabase): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  return client;
}

async function query<Row extends pg.QueryResultRow = pg.QueryResultRow>(db: TestDatabase, sql: string): Promise<pg.QueryResult<Row>> {
  const client = await connect(db);
  try {
    return await client.query<Row>(sql);
  } finally {
    await client.end();
  }
}

/** Backends of this database waiting on a lock (a row lock or the revision counter). */
async function lockWaiters(db: TestDatabase): Promise<number> {
  const { rows } = await query<{ n: number }>(
    db,
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
  );
  return rows[0].n;
}
