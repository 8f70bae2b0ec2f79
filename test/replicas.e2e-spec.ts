import { listenApplicationName } from '../src/store/postgres/postgres-change.signal.js';
import { admin, createTestDatabase, describePostgres, onDatabase, type TestDatabase } from './support/postgres.js';
import { PromptsApi } from './support/prompts-api.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { openStream, type SseEvent, type SseStream } from './support/sse.js';
import { waitFor } from './support/wait-for.js';

/** One row of the change log, as the stream should show it. */
interface LogEntry {
  revision: number;
  key: string;
  version: number;
  event: string;
}

// Two replicas as production runs them: separate `node dist/main.js` processes on one database.
describePostgres('two server processes on one PostgreSQL database', () => {
  let db: TestDatabase;
  let a: ServerProcess;
  let b: ServerProcess;
  let apiA: PromptsApi;
  let apiB: PromptsApi;
  const streams: SseStream[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    // Started together: the migrations' advisory lock is part of what is under test.
    // Frequent heartbeats let a test see that a stream is live before any change reaches it.
    // The 200 concurrent writes all come from this one address: on a loaded machine more than the default 32 of
    // them can wait for their request head at once, and the per-address cap (tested in connection-limits) would
    // refuse them. Raised here because what this suite tests is the replicas' ordering.
    const env = { DATABASE_URL: db.url, STREAM_HEARTBEAT_MS: '200', CONN_MAX_PENDING_PER_ADDRESS: '512' };
    [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    [apiA, apiB] = [new PromptsApi(a.url), new PromptsApi(b.url)];
  }, 180_000);
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await admin((c) => c.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`));
    await db?.drop();
  });

  /** Opens a stream (or several) and waits for each one's snapshot; returns them with the snapshot revision. */
  async function subscribe(server: ServerProcess, n: number): Promise<{ stream: SseStream; from: number }[]> {
    return Promise.all(
      Array.from({ length: n }, async () => {
        const stream = await openStream(`${server.url}/api/prompts/stream`, { timeoutMs: 20_000 });
        streams.push(stream);
        const [snapshot] = await stream.changesUntil(1);
        return { stream, from: Number(snapshot.id) };
      }),
    );
  }

  it('delivers an edit saved on A to a subscriber on B, with its revision', async () => {
    await apiA.create('CROSS', 'first');
    const [{ stream }] = await subscribe(b, 1);
    const written = await apiA.update('CROSS', 'saved on A');
    const [, event] = await stream.changesUntil(2);
    expect(event).toMatchObject({
      event: 'prompt.updated',
      id: String(written.revision),
      data: { revision: written.revision, key: 'CROSS', version: 2, text: 'saved on A' },
    });
  });

  it('gives every subscriber on both replicas the same gap-free sequence as the log under 200 concurrent writes', async () => {
    const keys = Array.from({ length: 10 }, (_, i) => `LOAD_${i}`);
    for (const key of keys) await apiA.create(key);
    const subscribers = [...(await subscribe(a, 3)), ...(await subscribe(b, 3))];
    const writes = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? apiA : apiB).update(keys[i % keys.length], `write ${i}`)));
    const revisions = writes.map((w) => w.revision).sort((x, y) => x - y);
    const last = revisions.at(-1) as number;
    expect(revisions).toEqual(Array.from({ length: 200 }, (_, i) => last - 199 + i));
    const log = await changeLog(db);
    for (const { stream, from } of subscribers) {
      await stream.until(() => lastId(stream) >= last, `revision ${last}`);
      expect(delivered(stream)).toEqual(log.filter((c) => c.revision > from && c.revision <= last));
    }
  });

  it("keeps B's subscribers complete when B's LISTEN connection is killed while A keeps writing", async () => {
    await apiA.create('LOOP');
    const subscribers = await subscribe(b, 2);
    let writing = true;
    let written = 0;
    const writes = (async () => {
      for (; writing; written++) await apiA.update('LOOP', `write ${written}`);
    })();
    try {
      await waitFor(() => subscribers.every(({ stream }) => stream.changes.length >= 4), "writes to reach B's subscribers", 20_000);
      const killed = await listenPid(db, b);
      // No new connections for a while, so B cannot LISTEN again until writes have piled up without it.
      await admin((c) => c.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS false`));
      await admin((c) => c.query('SELECT pg_terminate_backend($1)', [killed]));
      const missedFrom = written;
      await waitFor(() => written >= missedFrom + 20, 'writes on A while B is not listening', 20_000);
      await admin((c) => c.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`));
      await waitFor(async () => ![undefined, killed].includes(await listenPid(db, b).catch(() => undefined)), 'B to LISTEN again', 20_000);
      const resumedFrom = written;
      await waitFor(() => written >= resumedFrom + 20, 'writes on A after B listens again', 20_000);
    } finally {
      writing = false;
      await writes;
    }
    const last = await apiA.revision();
    const log = await changeLog(db);
    for (const { stream, from } of subscribers) {
      await stream.until(() => lastId(stream) >= last, `revision ${last}`);
      expect(delivered(stream)).toEqual(log.filter((c) => c.revision > from && c.revision <= last));
    }
  });

  it("does not resend to a client resuming on B what B's lagging change feed hears only afterwards", async () => {
    const [witness] = await subscribe(b, 1);
    const first = await apiA.create('LAG');
    await witness.stream.until(() => lastId(witness.stream) === first.revision, 'the create on B');
    const killed = await listenPid(db, b);
    await admin((c) => c.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS false`));
    await admin((c) => c.query('SELECT pg_terminate_backend($1)', [killed]));
    const unheard = await apiA.update('LAG', 'saved while B is not listening');
    // The client already holds `unheard` (say, from A) and resumes on B, whose change feed has not heard of it yet.
    const resumed = await openStream(`${b.url}/api/prompts/stream`, { headers: { 'Last-Event-ID': String(unheard.revision) } });
    streams.push(resumed);
    const [beat] = await resumed.until((es) => es.length > 0, 'a heartbeat on the resumed stream');
    expect(beat).toMatchObject({ event: 'heartbeat', id: String(unheard.revision) });
    await admin((c) => c.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`));
    await witness.stream.until(() => lastId(witness.stream) === unheard.revision, 'B to hear the update late');
    const next = await apiA.update('LAG', 'after');
    const [event] = await resumed.changesUntil(1);
    expect(event).toMatchObject({ event: 'prompt.updated', id: String(next.revision) });
  });

  it('lets exactly one of two updates with the same If-Match win when they go through different replicas', async () => {
    await apiA.create('RACE', 'v1');
    for (let version = 1; version <= 10; version++) {
      const [viaA, viaB] = await Promise.all(
        [a, b].map((server) =>
          fetch(`${server.url}/api/prompts/RACE`, {
            method: 'PUT',
            headers: { 'content-type': 'application/json', 'if-match': `"${version}"` },
            body: JSON.stringify({ text: `round ${version} via ${server === a ? 'A' : 'B'}` }),
          }),
        ),
      );
      expect([viaA.status, viaB.status].sort()).toEqual([200, 412]);
      const winner = viaA.status === 200 ? 'A' : 'B';
      const current = (await (await fetch(`${b.url}/api/prompts/RACE`)).json()) as { version: number; text: string };
      expect(current).toMatchObject({ version: version + 1, text: `round ${version} via ${winner}` });
    }
  });
});

const lastId = (stream: SseStream): number => Number(stream.changes.at(-1)?.id ?? 0);

/** What a stream received after its snapshot, in the log's terms. */
function delivered(stream: SseStream): LogEntry[] {
  return stream.changes.slice(1).map((e: SseEvent) => ({
    revision: Number(e.id),
    key: String(e.data.key),
    version: Number(e.data.version),
    event: e.event,
  }));
}

/** The change log (the audit table), read straight from the database. */
async function changeLog(db: TestDatabase): Promise<LogEntry[]> {
  const rows = await onDatabase(db.url, (c) =>
    c.query<{ revision: number; key: string; version: number; kind: string }>(
      'SELECT revision::int AS revision, key, version::int AS version, kind FROM audit ORDER BY revision',
    ),
  );
  return rows.rows.map((r) => ({
    revision: r.revision,
    key: r.key,
    version: r.version,
    event: r.kind === 'delete' ? 'prompt.deleted' : 'prompt.updated',
  }));
}

async function listenPid(db: TestDatabase, server: ServerProcess): Promise<number> {
  const { rows } = await admin((c) =>
    c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE $2', [
      db.name,
      `${listenApplicationName(server.pid, '')}%`,
    ]),
  );
  if (rows.length !== 1) throw new Error(`expected one LISTEN connection for pid ${server.pid}, found ${rows.length}`);
  return rows[0].pid;
}
