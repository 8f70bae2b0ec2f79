import request from 'supertest';
import { createApp } from '../src/app.factory.js';
import { ChangeFeed } from '../src/changes/change-feed.js';
import { loadConfig } from '../src/config/load-config.js';
import type { ChangeRecord } from '../src/store/prompt-store.js';
import { StoreUnavailableError } from '../src/store/store-unavailable.error.js';
import { startApp, type TestApp } from './support/app.js';
import { storeTargets } from './support/store-targets.js';
import { waitFor } from './support/wait-for.js';

describe.each(storeTargets)('the app on $name', (target) => {
  let app: TestApp;

  beforeEach(async () => {
    app = await startApp({ target });
  });
  afterEach(async () => {
    await app.close();
  });

  it('runs on the configured store and hears its own writes on the change feed', async () => {
    expect(app.config.store.kind).toBe(target.name);
    const seen: ChangeRecord[] = [];
    app.app.get(ChangeFeed).subscribe(({ change }) => seen.push(change));
    await request(app.url).post('/api/prompts').send({ key: 'A', text: 'hello' }).expect(201);
    await request(app.url).put('/api/prompts/A').send({ text: 'again' }).expect(200);
    await waitFor(() => seen.length === 2, 'both changes on the feed', 10_000);
    expect(seen.map((c) => [c.revision, c.kind, c.text])).toEqual([
      [1, 'create', 'hello'],
      [2, 'update', 'again'],
    ]);
  });

  it('refuses NUL in text and message with a 400 that says so, writing nothing', async () => {
    const text = await request(app.url).post('/api/prompts').send({ key: 'A', text: 'a\u0000b' }).expect(400);
    expect(text.body.message).toBe('text must not contain the NUL character (U+0000)');
    const message = await request(app.url).post('/api/prompts').send({ key: 'A', text: 'ok', message: 'm\u0000' }).expect(400);
    expect(message.body.message).toBe('message must not contain the NUL character (U+0000)');
    await request(app.url).get('/api/prompts/A').expect(404);
  });

  it('keeps the data when the server restarts on the same store', async () => {
    await request(app.url).post('/api/prompts').send({ key: 'A', text: 'durable' }).expect(201);
    await app.stop();
    const again = await startApp({ store: app.store });
    try {
      const res = await request(again.url).get('/api/prompts/A').expect(200);
      expect(res.body).toMatchObject({ text: 'durable', version: 1, revision: 1 });
    } finally {
      await again.stop();
    }
  });
});

describe.each(storeTargets)('two servers starting together on one $name store', (target) => {
  it('both start, and the seed is written once', async () => {
    const store = await target.create();
    const apps = await Promise.allSettled([0, 1].map(() => startApp({ store, env: { SEED: 'true' } })));
    const started = apps.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
    try {
      expect(apps.map((a) => a.status)).toEqual(['fulfilled', 'fulfilled']);
      const res = await request(started[0].url).get('/api/prompts?format=flat').expect(200);
      expect(Object.keys(res.body).sort()).toEqual(['AGENT_INSTRUCTION', 'SESSION_INSTRUCTION']);
      expect(res.headers.etag).toBe('"2"');
    } finally {
      await Promise.all(started.map((a) => a.stop()));
      await store.cleanup();
    }
  });
});

describe('the app with an unreachable DATABASE_URL', () => {
  it('refuses to start with a StoreUnavailableError naming the host', async () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u:pw@127.0.0.1:1/db', SEED: 'false' }, []);
    const failure = await createApp(config, { logger: false }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect((failure as Error).message).toContain('127.0.0.1:1 (DATABASE_URL)');
  });
});
