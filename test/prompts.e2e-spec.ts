import request from 'supertest';
import { REVISION_MAX } from '../src/protocol/revision.js';
import { startApp, type TestApp } from './support/app.js';
import { storeTargets } from './support/store-targets.js';

describe.each(storeTargets)('prompts API on $name', (target) => {
  let t: TestApp;
  let api: ReturnType<typeof request>;

  beforeEach(async () => {
    t = await startApp({ target, env: { PROMPT_MAX_BYTES: '1024' } });
    api = request(t.url);
  });
  afterEach(() => t.close());

  const revision = async (): Promise<number> => (await api.get('/api/prompts').expect(200)).body.revision as number;
  const create = (key: string, text = `text of ${key}`) => api.post('/api/prompts').send({ key, text }).expect(201);

  /** Runs a request that must fail with `status`, and proves nothing was written. */
  async function rejects(req: () => request.Test, status: number, message: RegExp): Promise<void> {
    const before = await revision();
    const res = await req().expect(status).expect('Content-Type', /json/);
    expect(res.body).toEqual({ statusCode: status, error: expect.any(String), message: expect.stringMatching(message) });
    expect(await revision()).toBe(before);
  }

  describe('success paths', () => {
    it('lists prompts with the revision as ETag', async () => {
      await create('A');
      await create('B');
      const res = await api.get('/api/prompts').expect(200).expect('ETag', '"2"');
      expect(res.body).toMatchObject({
        revision: 2,
        prompts: [
          { key: 'A', version: 1 },
          { key: 'B', version: 1 },
        ],
      });
    });

    it('filters the list with ?keys= as the stream does; the ETag is the last change to those keys', async () => {
      await create('A');
      await create('B');
      await create('C');
      const res = await api.get('/api/prompts?keys=C,A').expect(200).expect('ETag', '"3"');
      expect(res.body.prompts.map((p: { key: string }) => p.key)).toEqual(['A', 'C']);
      expect((await api.get('/api/prompts?keys=B&format=flat').expect(200)).body).toEqual({ B: 'text of B' });
      await api.get('/api/prompts?keys=A').expect(200).expect('ETag', '"1"');
      await api.get('/api/prompts?keys=A').set('If-None-Match', '"1"').expect(304);
    });

    it('creates with 201, a Location and the version as ETag', async () => {
      const res = await api
        .post('/api/prompts')
        .send({ key: 'A', text: 'hello', message: 'first' })
        .expect(201)
        .expect('Location', '/api/prompts/A')
        .expect('ETag', '"1"');
      expect(res.body).toMatchObject({ key: 'A', text: 'hello', version: 1, message: 'first', author: 'anonymous', revision: 1 });
    });

    it('gets one prompt with its version as ETag', async () => {
      await create('A', 'hi');
      const res = await api.get('/api/prompts/A').expect(200).expect('ETag', '"1"');
      expect(res.body).toMatchObject({ key: 'A', text: 'hi', version: 1 });
    });

    it('updates unconditionally and with a matching If-Match', async () => {
      await create('A');
      await api.put('/api/prompts/A').send({ text: 'two' }).expect(200).expect('ETag', '"2"');
      const res = await api.put('/api/prompts/A').set('If-Match', '"2"').send({ text: 'three', message: 'why' }).expect(200);
      expect(res.body).toMatchObject({ text: 'three', version: 3, message: 'why' });
    });

    it('deletes with 204, keeps the history, and re-creating continues the versions', async () => {
      await create('A');
      await api.put('/api/prompts/A').send({ text: 'two' }).expect(200);
      await api.delete('/api/prompts/A').expect(204);
      await api.get('/api/prompts/A').expect(404);
      const history = await api.get('/api/prompts/A/versions').expect(200);
      expect(history.body).toMatchObject({ total: 2, deleted: true });
      expect((await create('A', 'again')).body.version).toBe(3);
    });

    it('pages versions newest first', async () => {
      await create('A', 'v1');
      for (let i = 2; i <= 5; i++)
        await api
          .put('/api/prompts/A')
          .send({ text: `v${i}` })
          .expect(200);
      const page1 = await api.get('/api/prompts/A/versions?limit=2').expect(200);
      expect(page1.body.versions.map((v: { version: number }) => v.version)).toEqual([5, 4]);
      expect(page1.body.total).toBe(5);
      const page2 = await api.get('/api/prompts/A/versions?limit=2&before=4').expect(200);
      expect(page2.body.versions.map((v: { version: number }) => v.version)).toEqual([3, 2]);
    });

    it('gets one version with its text', async () => {
      await create('A', 'v1');
      await api.put('/api/prompts/A').send({ text: 'v2' }).expect(200);
      expect((await api.get('/api/prompts/A/versions/1').expect(200)).body).toMatchObject({ version: 1, text: 'v1' });
    });

    it('rolls back by pointing production at the old version again (no new version)', async () => {
      await create('A', 'good');
      await api.put('/api/prompts/A').send({ text: 'bad' }).expect(200);
      const res = await api.post('/api/prompts/A/rollback').send({ version: 1 }).expect(200).expect('ETag', '"1"');
      expect(res.body).toMatchObject({ text: 'good', version: 1 });
      expect((await api.get('/api/prompts/A').expect(200)).body).toMatchObject({ text: 'good', version: 1 });
      expect((await api.get('/api/prompts/A/versions').expect(200)).body.total).toBe(2);
      const [entry] = (await api.get('/api/audit?limit=1').expect(200)).body.entries;
      expect(entry).toMatchObject({
        kind: 'rollback',
        version: 1,
        message: 'Rollback to version 1',
        moves: [{ label: 'production', from: 2, to: 1 }],
      });
    });

    it('restores a deleted prompt by rolling back to one of its versions', async () => {
      await create('A', 'keep me');
      await api.delete('/api/prompts/A').expect(204);
      await api.post('/api/prompts/A/rollback').send({ version: 1 }).expect(200);
      expect((await api.get('/api/prompts/A').expect(200)).body).toMatchObject({ text: 'keep me', version: 1 });
    });

    it('accepts any Unicode text up to the byte limit', async () => {
      const text = '🎙️ Friday spricht Deutsch, 日本語, عربي — and "quotes" \\ backslashes';
      await api.post('/api/prompts').send({ key: 'U', text }).expect(201);
      expect((await api.get('/api/prompts/U').expect(200)).body.text).toBe(text);
      await api
        .post('/api/prompts')
        .send({ key: 'MAX', text: 'é'.repeat(512) })
        .expect(201); // exactly 1024 bytes
    });
  });

  describe('error paths write nothing', () => {
    beforeEach(() => create('A'));

    it('rejects a bad key in the body and in the path', async () => {
      await rejects(() => api.post('/api/prompts').send({ key: '1bad', text: 'x' }), 400, /^key must be/);
      await rejects(() => api.post('/api/prompts').send({ key: 'a b', text: 'x' }), 400, /^key must be/);
      await rejects(() => api.post('/api/prompts').send({ key: 'K'.repeat(129), text: 'x' }), 400, /^key must be/);
      await rejects(() => api.put('/api/prompts/bad%20key').send({ text: 'x' }), 400, /^key must be/);
      await rejects(() => api.get('/api/prompts/..%2Fetc'), 400, /^key must be/);
    });

    it('rejects missing, empty, blank and non-string text', async () => {
      await rejects(() => api.post('/api/prompts').send({ key: 'B' }), 400, /text/);
      await rejects(() => api.post('/api/prompts').send({ key: 'B', text: '' }), 400, /text should not be empty/);
      await rejects(() => api.put('/api/prompts/A').send({ text: '   \n' }), 400, /text must not be blank/);
      await rejects(() => api.put('/api/prompts/A').send({ text: 42 }), 400, /text must be a string/);
      await rejects(() => api.put('/api/prompts/A').send({ text: 'ok', extra: 1 }), 400, /property extra should not exist/);
    });

    it('rejects text with a lone surrogate', async () => {
      await rejects(
        () => api.put('/api/prompts/A').set('Content-Type', 'application/json').send('{"text":"bad \\ud800 half"}'),
        400,
        /well-formed Unicode/,
      );
    });

    it('answers 413 for oversize text, naming the limit', async () => {
      await rejects(() => api.put('/api/prompts/A').send({ text: 'x'.repeat(1025) }), 413, /1025 bytes; the limit is 1024 bytes/);
      await rejects(() => api.post('/api/prompts').send({ key: 'B', text: 'é'.repeat(513) }), 413, /limit is 1024/);
    });

    it('answers 413 for a body far beyond any prompt', async () => {
      await rejects(() => api.put('/api/prompts/A').send({ text: 'x'.repeat(200_000) }), 413, /request body is larger than/);
    });

    it('answers 404 for unknown keys on every route', async () => {
      await rejects(() => api.get('/api/prompts/NOPE'), 404, /prompt "NOPE" not found/);
      await rejects(() => api.put('/api/prompts/NOPE').send({ text: 'x' }), 404, /not found/);
      await rejects(() => api.delete('/api/prompts/NOPE'), 404, /not found/);
      await rejects(() => api.get('/api/prompts/NOPE/versions'), 404, /not found/);
      await rejects(() => api.post('/api/prompts/NOPE/rollback').send({ version: 1 }), 404, /not found/);
    });

    it('answers 404 for an unknown version and a rollback to one', async () => {
      await rejects(() => api.get('/api/prompts/A/versions/9'), 404, /has no version 9/);
      await rejects(() => api.post('/api/prompts/A/rollback').send({ version: 9 }), 404, /has no version 9/);
    });

    it('rejects malformed version numbers and rollback bodies', async () => {
      await rejects(() => api.get('/api/prompts/A/versions/abc'), 400, /version must be a positive integer/);
      await rejects(() => api.get('/api/prompts/A/versions/0'), 400, /version must be a positive integer/);
      await rejects(() => api.post('/api/prompts/A/rollback').send({ version: 'one' }), 400, /version must be an integer/);
      // Bounded like every version a request may name (REVISION_MAX), as a label move is: a 400 naming the field, never a store error.
      for (const version of [REVISION_MAX + 1, 2 ** 63, 1e20]) {
        await rejects(() => api.post('/api/prompts/A/rollback').send({ version }), 400, /^version must not be greater than 999999999999999$/);
      }
      await rejects(() => api.get('/api/prompts/A/versions?limit=0'), 400, /limit must not be less than 1/);
    });

    it('answers 409 for a duplicate create', async () => {
      await rejects(() => api.post('/api/prompts').send({ key: 'A', text: 'x' }), 409, /already exists/);
    });

    it('answers 412 for a stale If-Match on update and delete', async () => {
      await rejects(() => api.put('/api/prompts/A').set('If-Match', '"7"').send({ text: 'x' }), 412, /at version 1; your If-Match is stale/);
      await rejects(() => api.delete('/api/prompts/A').set('If-Match', '"7"'), 412, /stale/);
      await rejects(() => api.put('/api/prompts/A').set('If-Match', 'banana').send({ text: 'x' }), 400, /If-Match must be a version number/);
    });

    it('holds If-Match to RFC 9110: one strong tag in quotes; a weak or non-version tag never matches (412); bad syntax or a blank is a 400', async () => {
      await rejects(() => api.put('/api/prompts/A').set('If-Match', 'W/"1"').send({ text: 'x' }), 412, /can never match.*weak tags never match/);
      await rejects(() => api.put('/api/prompts/A').set('If-Match', '"v1"').send({ text: 'x' }), 412, /can never match/);
      for (const bad of ['"1', '1"', '1', ' ', '"1", "2"', '"1" x']) {
        await rejects(() => api.put('/api/prompts/A').set('If-Match', bad).send({ text: 'x' }), 400, /If-Match must/);
      }
      await api.put('/api/prompts/A').set('If-Match', '*').send({ text: 'any version' }).expect(200);
      await api.put('/api/prompts/A').set('If-Match', ' "2" ').send({ text: 'exactly 2' }).expect(200).expect('ETag', '"3"');
    });

    it('reads numbers in queries and paths as decimal digits only, bounded like every revision', async () => {
      for (const q of ['limit=0x10', 'limit=%2B5', 'limit=1e1', 'limit=05', 'before=1000000000000000', 'before=%201']) {
        await rejects(
          () => api.get(`/api/prompts/A/versions?${q}`),
          400,
          /must be a whole number written in decimal digits|must not be greater than 999999999999999/,
        );
      }
      await rejects(() => api.get('/api/audit?before=1000000000000000'), 400, /before must not be greater than 999999999999999/);
      for (const n of ['01', '1e3', '0x1', '+1'])
        await rejects(() => api.get(`/api/prompts/A/versions/${n}`), 400, /version must be a positive integer/);
      await api.get('/api/prompts/A/versions?limit=10&before=999999999999999').expect(200);
    });

    it('answers 400 for malformed JSON', async () => {
      await rejects(() => api.post('/api/prompts').set('Content-Type', 'application/json').send('{"key": "B",'), 400, /JSON/);
    });

    it('rejects an unknown list format', async () => {
      await rejects(() => api.get('/api/prompts?format=xml'), 400, /format must be one of/);
    });
  });

  describe('revisions', () => {
    it('increase strictly across creates, updates, deletes and rollbacks', async () => {
      const seen: number[] = [await revision()];
      await create('A');
      seen.push(await revision());
      await api.put('/api/prompts/A').send({ text: 'two' }).expect(200);
      seen.push(await revision());
      await api.post('/api/prompts/A/rollback').send({ version: 1 }).expect(200);
      seen.push(await revision());
      await api.delete('/api/prompts/A').expect(204);
      seen.push(await revision());
      expect(seen).toEqual([0, 1, 2, 3, 4]);
    });

    it('If-None-Match with the current revision answers 304 with no body; an old one answers 200', async () => {
      await create('A');
      const hit = await api.get('/api/prompts').set('If-None-Match', '"1"').expect(304);
      expect(hit.text ?? '').toBe('');
      expect(hit.headers['content-length'] ?? '0').toBe('0');
      await api.get('/api/prompts').set('If-None-Match', 'W/"1"').expect(304);
      await api.get('/api/prompts?format=flat').set('If-None-Match', '"1"').expect(304);
      await api.put('/api/prompts/A').send({ text: 'two' }).expect(200);
      const miss = await api.get('/api/prompts').set('If-None-Match', '"1"').expect(200).expect('ETag', '"2"');
      expect(miss.body.prompts[0].text).toBe('two');
    });
  });

  it('two concurrent updates with the same If-Match: exactly one 200, one 412', async () => {
    await create('A');
    const [a, b] = await Promise.all([
      api.put('/api/prompts/A').set('If-Match', '"1"').send({ text: 'from a' }),
      api.put('/api/prompts/A').set('If-Match', '"1"').send({ text: 'from b' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 412]);
    const winner = a.status === 200 ? 'from a' : 'from b';
    expect((await api.get('/api/prompts/A').expect(200)).body).toMatchObject({ text: winner, version: 2 });
  });

  it('serves the seed-compatible flat shape for legacy pollers', async () => {
    await create('AGENT_INSTRUCTION', 'You are Friday.');
    await create('SESSION_INSTRUCTION', 'Greet the user.');
    const res = await api.get('/api/prompts?format=flat').expect(200).expect('ETag', '"2"');
    expect(res.body).toEqual({ AGENT_INSTRUCTION: 'You are Friday.', SESSION_INSTRUCTION: 'Greet the user.' });
  });

  it('keeps everything, with the same revisions, across a restart on the same store', async () => {
    await create('A', 'one');
    await api.put('/api/prompts/A').send({ text: 'two' }).expect(200);
    await api.delete('/api/prompts/A').expect(204);
    await create('B', 'bee');
    const before = (await api.get('/api/prompts').expect(200)).body;
    await t.stop();
    const again = await startApp({ target, store: t.store });
    try {
      const after = await request(again.url).get('/api/prompts').expect(200);
      expect(after.body).toEqual(before);
      expect(after.body.revision).toBe(4);
      expect((await request(again.url).get('/api/prompts/A/versions').expect(200)).body.total).toBe(2);
    } finally {
      await again.close();
    }
  });
});
