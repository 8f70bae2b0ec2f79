import request from 'supertest';
import { startApp, type TestApp } from './support/app.js';
import { openStream, readEvents, type SseEvent, type SseStream } from './support/sse.js';
import { storeTargets } from './support/store-targets.js';
import { waitFor } from './support/wait-for.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

const SECRET = 'releases-webhook-secret-0123';
const ids = (events: SseEvent[]): number[] => events.map((e) => Number(e.id));

/**
 * Drafts and labels: a save is served only to the labels it names, a label
 * move is a change of its own, and every subscriber or poller of a label sees
 * exactly that label's view (docs/architecture.md, invariant 8).
 */
describe.each(storeTargets)('releases (drafts and labels) on $name', (target) => {
  let t: TestApp;
  let api: ReturnType<typeof request>;
  const streams: SseStream[] = [];

  beforeEach(async () => {
    t = await startApp({ target, env: { STREAM_HEARTBEAT_MS: '50' } });
    api = request(t.url);
  });
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((s) => s.close()));
    await t.close();
  });

  const open = async (query = ''): Promise<SseStream> => {
    const stream = await openStream(`${t.url}/api/prompts/stream${query}`);
    streams.push(stream);
    return stream;
  };
  const save = (key: string, text: string, labels?: string[]) => api.put(`/api/prompts/${key}`).send(labels ? { text, labels } : { text });
  const move = (key: string, label: string, version: number) => api.put(`/api/prompts/${key}/labels/${label}`).send({ version });
  const etag = async (query = ''): Promise<string> => (await api.get(`/api/prompts${query}`).expect(200)).headers.etag;

  it('keeps the seed flow: a save without labels is live at once, and the flat read serves production', async () => {
    await api.post('/api/prompts').send({ key: 'A', text: 'one' }).expect(201);
    await save('A', 'two').expect(200);
    expect((await api.get('/api/prompts?format=flat').expect(200)).body).toEqual({ A: 'two' });
    expect((await api.get('/api/prompts/A/labels').expect(200)).body).toMatchObject({ key: 'A', labels: [{ label: 'production', version: 2 }] });
  });

  it('saves a draft that changes nothing a production subscriber or poller sees: no event, same ETag', async () => {
    await api.post('/api/prompts').send({ key: 'A', text: 'live' }).expect(201);
    const production = await open();
    await production.changesUntil(1);
    const before = await etag();
    await save('A', 'draft 1', []).expect(200);
    await save('A', 'draft 2', []).expect(200);
    // The next heartbeat still names production's view revision, and the poll's ETag has not moved.
    const heartbeatsSoFar = production.events.filter((e) => e.event === 'heartbeat').length;
    await production.until((es) => es.filter((e) => e.event === 'heartbeat').length > heartbeatsSoFar + 1, 'two more heartbeats');
    expect(production.changes).toHaveLength(1);
    expect(production.events.filter((e) => e.event === 'heartbeat').at(-1)?.id).toBe('1');
    expect(await etag()).toBe(before);
    await api.get('/api/prompts').set('If-None-Match', before).expect(304);
    expect((await api.get('/api/prompts/A').expect(200)).body).toMatchObject({ text: 'live', version: 1 });
    expect((await api.get('/api/prompts/A/versions').expect(200)).body.versions.map((v: { labels: string[] }) => v.labels)).toEqual([
      [],
      [],
      ['production'],
    ]);
  });

  it('sends a move of production to production subscribers only, and a staging save to staging subscribers only', async () => {
    await api
      .post('/api/prompts')
      .send({ key: 'A', text: 'v1', labels: ['production', 'staging'] })
      .expect(201);
    const [production, staging] = [await open(), await open('?label=staging')];
    await Promise.all([production.changesUntil(1), staging.changesUntil(1)]);
    await save('A', 'v2 for staging', ['staging']).expect(200);
    await staging.changesUntil(2);
    await move('A', 'production', 2).expect(200);
    await production.changesUntil(2);
    expect(production.changes.slice(1).map((e) => [e.event, e.id, e.data.version, e.data.text])).toEqual([
      ['prompt.updated', '3', 2, 'v2 for staging'],
    ]);
    expect(staging.changes.slice(1).map((e) => [e.event, e.id, e.data.version])).toEqual([['prompt.updated', '2', 2]]);
    expect(await etag('?label=staging')).toBe('"2"');
    expect(await etag()).toBe('"3"');
  });

  it('gives a staging subscriber that resumes by Last-Event-ID exactly the staging changes it missed', async () => {
    await api
      .post('/api/prompts')
      .send({ key: 'A', text: 'a1', labels: ['production', 'staging'] })
      .expect(201);
    await api
      .post('/api/prompts')
      .send({ key: 'B', text: 'b1', labels: ['production'] })
      .expect(201);
    const [snapshot] = await readEvents(`${t.url}/api/prompts/stream?label=staging`, 1);
    expect(snapshot).toMatchObject({ event: 'snapshot', id: '1', data: { revision: 1, prompts: { A: { version: 1 } } } });
    await save('A', 'a2 draft', []).expect(200); // 3: a draft, in no view
    await save('B', 'b2', ['staging']).expect(200); // 4: staging
    await save('A', 'a3', ['production']).expect(200); // 5: production only
    await move('A', 'staging', 3).expect(200); // 6: staging
    await api.delete('/api/prompts/A/labels/staging').expect(204); // 7: staging removed
    const missed = await readEvents(`${t.url}/api/prompts/stream?label=staging`, 3, { headers: { 'Last-Event-ID': '1' } });
    expect(missed.map((e) => [e.event, e.id, e.data.key, e.data.version])).toEqual([
      ['prompt.updated', '4', 'B', 2],
      ['prompt.updated', '6', 'A', 3],
      ['prompt.deleted', '7', 'A', undefined],
    ]);
    expect(ids(missed)).toEqual([4, 6, 7]);
  });

  it('lets exactly one of two label moves with the same If-Match win', async () => {
    await api
      .post('/api/prompts')
      .send({ key: 'A', text: 'v1', labels: ['staging'] })
      .expect(201);
    await save('A', 'v2', []).expect(200);
    await save('A', 'v3', []).expect(200);
    const race = await Promise.all([2, 3].map((version) => api.put('/api/prompts/A/labels/staging').set('If-Match', '"1"').send({ version })));
    expect(race.map((r) => r.status).sort()).toEqual([200, 412]);
    expect(race.find((r) => r.status === 412)?.body.message).toMatch(/label "staging" of prompt "A" points at version [23]; your If-Match is stale/);
  });

  it('refuses to remove production from a live prompt, and removes other labels', async () => {
    await api
      .post('/api/prompts')
      .send({ key: 'A', text: 'v1', labels: ['production', 'staging'] })
      .expect(201);
    const refused = await api.delete('/api/prompts/A/labels/production').expect(409);
    expect(refused.body.message).toBe('label "production" of a live prompt cannot be removed; delete the prompt "A" instead');
    await api.delete('/api/prompts/A/labels/staging').expect(204);
    await api.delete('/api/prompts/A/labels/staging').expect(404);
    await api.get('/api/prompts/A?label=staging').expect(404);
    expect((await api.get('/api/prompts/A/labels').expect(200)).body.labels.map((l: { label: string }) => l.label)).toEqual(['production']);
  });

  it('reads a label: one prompt with its version as ETag, the list, the flat shape', async () => {
    await api.post('/api/prompts').send({ key: 'A', text: 'live' }).expect(201);
    await save('A', 'next', ['staging']).expect(200);
    await api.get('/api/prompts/A?label=staging').expect(200).expect('ETag', '"2"');
    expect((await api.get('/api/prompts?label=staging&format=flat').expect(200)).body).toEqual({ A: 'next' });
    expect((await api.get('/api/prompts/A').expect(200)).body).toMatchObject({ text: 'live', version: 1 });
    await api.get('/api/prompts?label=Bad').expect(400);
    await api.get('/api/prompts/A?label=canary').expect(404);
  });

  it('says what a key has when the label read has no version of it: its versions and its labels', async () => {
    const missing = async (path: string) => {
      const res = await api.get(path).expect(404).expect('Content-Type', /json/);
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
      return res.body.message as string;
    };
    await api.post('/api/prompts').send({ key: 'DRAFT', text: 'd1', labels: [] }).expect(201);
    expect(await missing('/api/prompts/DRAFT')).toBe(
      'prompt "DRAFT" has no version labelled production (it has version 1; no label points at it: a draft)',
    );

    await api
      .post('/api/prompts')
      .send({ key: 'S', text: 's1', labels: ['staging'] })
      .expect(201);
    await save('S', 's2', []).expect(200);
    await save('S', 's3', ['staging', 'canary']).expect(200);
    await move('S', 'eu', 2).expect(200);
    const staged = '(it has versions 1–3; labels: canary → 3, eu → 2, staging → 3)';
    expect(await missing('/api/prompts/S')).toBe(`prompt "S" has no version labelled production ${staged}`);
    expect(await missing('/api/prompts/S?label=us')).toBe(`prompt "S" has no version labelled us ${staged}`);

    await api.post('/api/prompts').send({ key: 'GONE', text: 'g1' }).expect(201);
    await api.delete('/api/prompts/GONE').expect(204);
    expect(await missing('/api/prompts/GONE?label=staging')).toBe('prompt "GONE" was deleted (it has version 1; a rollback restores it)');
    expect(await missing('/api/prompts/NEVER')).toBe('prompt "NEVER" not found');
  });

  it('keeps the message short however many labels a key has', async () => {
    await api.post('/api/prompts').send({ key: 'M', text: 'm1', labels: [] }).expect(201);
    const labels = Array.from({ length: 12 }, (_, i) => `l${String(i).padStart(2, '0')}`);
    await save('M', 'm2', labels).expect(200);
    const { message } = (await api.get('/api/prompts/M').expect(404)).body as { message: string };
    expect(message).toBe(
      'prompt "M" has no version labelled production (it has versions 1–2; labels: l00 → 2, l01 → 2, l02 → 2, l03 → 2, l04 → 2 and 7 more)',
    );
  });

  it('records every label move in the audit trail and sends it as a webhook, in revision order', async () => {
    const receiver = await WebhookReceiver.start(SECRET);
    const app = await startApp({ target, env: { WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: SECRET } });
    try {
      const w = request(app.url);
      await w.post('/api/prompts').send({ key: 'A', text: 'v1' }).expect(201);
      await w.put('/api/prompts/A').send({ text: 'v2', labels: [] }).expect(200);
      await w.put('/api/prompts/A/labels/staging').send({ version: 2, message: 'try it' }).expect(200);
      await w.put('/api/prompts/A/labels/production').send({ version: 2 }).expect(200);
      await w.delete('/api/prompts/A/labels/staging').expect(204);
      const { entries } = (await w.get('/api/audit').expect(200)).body as { entries: { revision: number; kind: string; moves: unknown[] }[] };
      expect(entries.map((e) => [e.revision, e.kind, e.moves]).reverse()).toEqual([
        [1, 'create', [{ label: 'production', from: null, to: 1 }]],
        [2, 'update', []],
        [3, 'label', [{ label: 'staging', from: null, to: 2 }]],
        [4, 'label', [{ label: 'production', from: 1, to: 2 }]],
        [5, 'unlabel', [{ label: 'staging', from: 2, to: null }]],
      ]);
      await waitFor(() => receiver.received.length === 5, 'five webhooks');
      expect(receiver.received.map((r) => [Number(r.headers['x-promptcast-revision']), r.headers['x-promptcast-event'], r.body.labels])).toEqual([
        [1, 'prompt.updated', ['production']],
        [2, 'prompt.saved', []],
        [3, 'prompt.updated', ['staging']],
        [4, 'prompt.updated', ['production']],
        [5, 'prompt.deleted', ['staging']],
      ]);
    } finally {
      await app.close();
      await receiver.stop();
    }
  });
});
