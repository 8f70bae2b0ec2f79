import Database from 'better-sqlite3';
import pg from 'pg';
import request from 'supertest';
import type { StoreConfig } from '../src/config/app-config.js';
import { PromptStore } from '../src/store/prompt-store.js';
import { ChangeSignal } from '../src/store/change-signal.js';
import { startApp, type TestApp } from './support/app.js';
import { openStream } from './support/sse.js';
import { storeTargets } from './support/store-targets.js';
import { waitFor } from './support/wait-for.js';

/** Runs one statement on the app's database behind its back, as an operator with a SQL shell would. */
async function execBehind(store: StoreConfig, sql: string): Promise<void> {
  if (store.kind === 'sqlite') {
    const db = new Database(store.path);
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: store.url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe.each(storeTargets)('health on $name', (target) => {
  let app: TestApp;

  beforeEach(async () => {
    app = await startApp({ target });
  });
  afterEach(async () => {
    await app.close();
  });

  it('/health answers liveness from memory: store kind, bus, revision, subscribers, uptime', async () => {
    await request(app.url).post('/api/prompts').send({ key: 'A', text: 'one' }).expect(201);
    const stream = await openStream(`${app.url}/api/prompts/stream`);
    try {
      await stream.changesUntil(1);
      await waitFor(async () => (await request(app.url).get('/health')).body.revision === 1, 'the live revision in /health');
      const res = await request(app.url).get('/health').expect(200).expect('Cache-Control', 'no-store');
      expect(res.body).toEqual({
        status: 'ok',
        uptimeS: expect.any(Number),
        store: { kind: target.name },
        bus: 'listening',
        revision: 1,
        subscribers: 1,
      });
      expect(res.body.uptimeS).toBeGreaterThan(0);
    } finally {
      await stream.close();
    }
    await waitFor(async () => (await request(app.url).get('/health')).body.subscribers === 0, 'the subscriber to leave /health');
  });

  it('/health/ready checks the store with a query and reports its schema, revision and bus', async () => {
    await request(app.url).post('/api/prompts').send({ key: 'A', text: 'one' }).expect(201);
    await request(app.url).put('/api/prompts/A').send({ text: 'two' }).expect(200);
    const { latestSchemaVersion } = await app.app.get(PromptStore).ping();
    const res = await request(app.url).get('/health/ready').expect(200);
    expect(res.body).toEqual({
      status: 'ready',
      uptimeS: expect.any(Number),
      store: { kind: target.name, reachable: true, schemaVersion: latestSchemaVersion, latestSchemaVersion, migrationsApplied: true },
      bus: 'listening',
      revision: 2,
      subscribers: 0,
      problems: [],
    });
  });

  it('is not ready (503, same shape) when the store cannot be reached, while /health stays 200', async () => {
    await app.app.get(PromptStore).close();
    const res = await request(app.url).get('/health/ready').expect(503);
    expect(res.body).toMatchObject({
      status: 'not_ready',
      store: { kind: target.name, reachable: false, migrationsApplied: false },
      revision: null,
      problems: [expect.stringMatching(/^store is unreachable: /)],
    });
    await request(app.url).get('/health').expect(200);
  });

  it('is not ready when the change bus stops listening', async () => {
    await app.app.get(ChangeSignal).close();
    const res = await request(app.url).get('/health/ready').expect(503);
    expect(res.body).toMatchObject({ status: 'not_ready', bus: 'closed', problems: ['change bus is closed, not listening'] });
    expect((await request(app.url).get('/health').expect(200)).body.bus).toBe('closed');
  });

  it('is not ready when the database schema is behind this build', async () => {
    const { latestSchemaVersion } = await app.app.get(PromptStore).ping();
    await execBehind(app.config.store, 'DELETE FROM schema_migrations');
    const res = await request(app.url).get('/health/ready').expect(503);
    expect(res.body).toMatchObject({
      status: 'not_ready',
      store: { reachable: true, schemaVersion: 0, latestSchemaVersion, migrationsApplied: false },
      problems: [`store schema is at version 0; this build expects ${latestSchemaVersion}`],
    });
  });
});
