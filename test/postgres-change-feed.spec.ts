import pg from 'pg';
import { ChangeFeed } from '../src/changes/change-feed.js';
import { PostgresPromptStore } from '../src/store/postgres/postgres-prompt.store.js';
import type { ChangeRecord } from '../src/store/prompt-store.js';
import { listenApplicationName, PostgresChangeSignal } from '../src/store/postgres/postgres-change.signal.js';
import { aPrompt } from './support/factories.js';
import { FreezableTcpProxy } from './support/freezable-tcp-proxy.js';
import { admin, createTestDatabase, describePostgres, postgresConfig, type TestDatabase } from './support/postgres.js';
import { waitFor } from './support/wait-for.js';

// Fast retries keep the reconnect test short; the policy itself is not what is under test.
const QUICK_RECONNECT = { firstDelayMs: 20, maxDelayMs: 200 };

/** The change feed as the app wires it on PostgreSQL: a NOTIFY signal and a one-connection log store. */
class PostgresFeed {
  readonly seen: ChangeRecord[] = [];
  readonly feed: ChangeFeed;

  constructor(
    readonly signal: PostgresChangeSignal,
    readonly log: PostgresPromptStore,
  ) {
    this.feed = new ChangeFeed(log, signal, undefined, 50);
    this.feed.subscribe(({ change }) => this.seen.push(change));
  }

  static async start(config: ReturnType<typeof postgresConfig>): Promise<PostgresFeed> {
    const log = new PostgresPromptStore({ ...config, poolMax: 1 });
    await log.init();
    const signal = new PostgresChangeSignal(config, QUICK_RECONNECT);
    await signal.start();
    const feed = new PostgresFeed(signal, log);
    await feed.feed.onApplicationBootstrap();
    return feed;
  }

  // ordering: as the app shuts down: the feed, then the signal, then the store it reads.
  async close(): Promise<void> {
    await this.feed.beforeApplicationShutdown();
    await this.signal.close();
    await this.log.close();
  }

  revisions(): number[] {
    return this.seen.map((c) => c.revision);
  }
}

describePostgres('ChangeFeed on PostgreSQL (LISTEN/NOTIFY signal)', () => {
  let db: TestDatabase;
  let writerA: PostgresPromptStore;
  let writerB: PostgresPromptStore;
  let feed: PostgresFeed;

  beforeEach(async () => {
    db = await createTestDatabase();
    const config = postgresConfig(db.url);
    [writerA, writerB] = [new PostgresPromptStore(config), new PostgresPromptStore(config)];
    await Promise.all([writerA.init(), writerB.init()]);
    feed = await PostgresFeed.start(config);
  });
  afterEach(async () => {
    await feed.close();
    await Promise.all([writerA.close(), writerB.close()]);
    await admin((c) => c.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`));
    await db.drop();
  });

  const untilSeen = (n: number) => waitFor(() => feed.seen.length >= n, `${n} changes on the feed`, 10_000);

  it('delivers a committed write from another connection with its revision and text', async () => {
    const out = await writerA.create(aPrompt({ key: 'A', text: 'hello' }));
    await untilSeen(1);
    expect(out.ok && out.change).toEqual(feed.seen[0]);
    expect(feed.seen[0]).toMatchObject({ revision: 1, key: 'A', kind: 'create', version: 1, text: 'hello' });
  });

  it('ignores announce(): only what the database committed is delivered, once', async () => {
    const out = await writerA.create(aPrompt({ key: 'A' }));
    if (out.ok && out.change) feed.signal.announce(out.change);
    await writerA.update(aPrompt({ key: 'A' }));
    await untilSeen(2);
    expect(feed.revisions()).toEqual([1, 2]);
  });

  it('does not announce writes that were refused', async () => {
    await writerA.create(aPrompt({ key: 'A' }));
    await writerB.update({ ...aPrompt({ key: 'A' }), ifVersion: 9 });
    await writerB.create(aPrompt({ key: 'A' }));
    await writerB.create(aPrompt({ key: 'B' }));
    await untilSeen(2);
    expect(feed.seen.map((c) => [c.revision, c.key])).toEqual([
      [1, 'A'],
      [2, 'B'],
    ]);
  });

  it('turns 200 concurrent writes through two stores into one gap-free sequence matching the log', async () => {
    // In waves of 50 at once: 200 at once queued past the pool's connect timeout on a loaded machine; 50 still race both stores.
    for (let wave = 0; wave < 200; wave += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, j) => wave + j).map((i) => (i % 2 ? writerA : writerB).create(aPrompt({ key: `K${i}` }))));
    }
    await untilSeen(200);
    const log = await writerA.changesAfter(0, 1000);
    expect(feed.revisions()).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(feed.seen).toEqual(log);
  });

  it('reconnects after its LISTEN connection is killed and catches up on writes made meanwhile', async () => {
    let writing = true;
    let written = 0;
    const writes = (async () => {
      await writerA.create(aPrompt({ key: 'LOOP' }));
      for (; writing; written++) await writerA.update(aPrompt({ key: 'LOOP', text: `write ${written}` }));
    })();
    await waitFor(() => feed.seen.length >= 5, 'writes before the kill to arrive', 10_000);
    const before = await listenPid(db);
    // No new connections for a while: the signal cannot come back until writes have piled up in its absence.
    await admin((c) => c.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS false`));
    await admin((c) => c.query('SELECT pg_terminate_backend($1)', [before]));
    await waitFor(() => feed.signal.status === 'reconnecting', 'the signal to notice', 10_000);
    const missedFrom = written;
    await waitFor(() => written >= missedFrom + 20, 'writes while the signal is away', 10_000);
    await admin((c) => c.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`));
    await waitFor(() => feed.signal.status === 'listening', 'the signal to listen again', 10_000);
    await waitFor(() => written >= missedFrom + 40, 'writes after the reconnect', 10_000);
    writing = false;
    await writes;

    const total = await writerA.revision();
    await untilSeen(total);
    expect(feed.revisions()).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(feed.seen).toEqual(await writerA.changesAfter(0, 10_000));
    expect(await listenPid(db)).not.toBe(before);
  });

  it('holds exactly one LISTEN connection and releases it on close', async () => {
    expect(await listenPids(db)).toHaveLength(1);
    await feed.signal.close();
    expect(feed.signal.status).toBe('closed');
    await waitFor(async () => (await listenPids(db)).length === 0, 'the LISTEN backend to go', 10_000);
  });
});

describePostgres('PostgresChangeSignal watchdog', () => {
  let db: TestDatabase;
  let proxy: FreezableTcpProxy;
  let writer: PostgresPromptStore;
  let feed: PostgresFeed;

  beforeEach(async () => {
    db = await createTestDatabase();
    const direct = new URL(db.url);
    proxy = await FreezableTcpProxy.start(direct.hostname, Number(direct.port || 5432));
    const proxied = new URL(db.url);
    [proxied.hostname, proxied.port] = ['127.0.0.1', String(proxy.port)];
    // Only the LISTEN connection goes through the proxy; the feed reads the log directly.
    writer = new PostgresPromptStore(postgresConfig(db.url));
    await writer.init();
    const log = new PostgresPromptStore(postgresConfig(db.url));
    await log.init();
    const pinged = postgresConfig(proxied.toString(), { PG_LISTEN_PING_MS: '100', PG_CONNECT_TIMEOUT_MS: '300' });
    const signal = new PostgresChangeSignal(pinged, QUICK_RECONNECT);
    await signal.start();
    feed = new PostgresFeed(signal, log);
    await feed.feed.onApplicationBootstrap();
  });
  afterEach(async () => {
    await feed.close();
    await writer.close();
    await proxy.close();
    await db.drop();
  });

  it('replaces a LISTEN connection that went silent (no FIN, no RST) and delivers what it missed', async () => {
    await writer.create(aPrompt({ key: 'A' }));
    await waitFor(() => feed.seen.length === 1, 'the first change', 10_000);
    proxy.freeze();
    for (let i = 0; i < 3; i++) await writer.update(aPrompt({ key: 'A', text: `while silent ${i}` }));
    // Without the ping nothing would notice for minutes (TCP keepalive); the wait is 10 s.
    await waitFor(() => feed.seen.length === 4, 'the changes made while the connection was silent', 10_000);
    expect(proxy.accepted).toBe(2);
    expect(feed.signal.status).toBe('listening');
    expect(feed.seen).toEqual(await writer.changesAfter(0, 100));
  });

  it('closes even when its LISTEN connection went silent and will never answer the goodbye', async () => {
    proxy.freeze();
    await feed.signal.close();
    expect(feed.signal.status).toBe('closed');
  });
});

async function listenPids(db: TestDatabase): Promise<number[]> {
  const { rows } = await admin((c: pg.Client) =>
    c.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = $2`, [db.name, listenApplicationName()]),
  );
  return rows.map((r) => r.pid);
}

async function listenPid(db: TestDatabase): Promise<number> {
  const [pid] = await listenPids(db);
  if (pid === undefined) throw new Error('no LISTEN connection');
  return pid;
}
