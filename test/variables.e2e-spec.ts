import request from 'supertest';
import { startApp, type TestApp } from './support/app.js';
import { ADMIN, bearer, EDITOR, rolesEnv } from './support/auth.js';
import { openStream, type SseStream } from './support/sse.js';
import { storeTargets } from './support/store-targets.js';

const CALLER = 'Hello {{caller_name}}, how can I help?';
/** About as long as CALLER, so no size-change warning joins the findings. */
const PLAIN = 'Hello there, how can I help you today?';
type CheckBody = { level: string; code: string; message: string };
const codes = (checks: CheckBody[]): string[] => checks.map((c) => c.code);

/**
 * Variables and checks before publish (docs/variables.md): every save is
 * checked, a protected label never points at a version with errors unless an
 * admin forces it with a reason, and the checks run without saving too.
 */
describe.each(storeTargets)('variables and checks on $name', (target) => {
  let t: TestApp;
  let api: ReturnType<typeof request>;
  const streams: SseStream[] = [];

  beforeEach(async () => {
    t = await startApp({ target, env: rolesEnv({ RATE_LIMIT_CHECKS_PER_MIN: '40' }) });
    api = request(t.url);
  });
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((s) => s.close()));
    await t.close();
  });

  const as = (secret: string) => ({
    put: (path: string, body: object) => api.put(path).set(bearer(secret)).send(body),
    post: (path: string, body: object) => api.post(path).set(bearer(secret)).send(body),
  });
  const admin = as(ADMIN.secret);
  const editor = as(EDITOR.secret);
  const revision = async (): Promise<number> => {
    const { entries } = (await api.get('/api/audit?limit=1').set(bearer(ADMIN.secret)).expect(200)).body as { entries: { revision: number }[] };
    return entries[0]?.revision ?? 0;
  };

  it('refuses to publish {{caller_name}} undeclared (422 naming it, with the checks) and writes nothing', async () => {
    await admin.post('/api/prompts', { key: 'GREETING', text: PLAIN }).expect(201);
    const before = await revision();
    const res = await admin.put('/api/prompts/GREETING', { text: CALLER }).expect(422);
    expect(res.body).toMatchObject({ statusCode: 422, error: 'Unprocessable Entity' });
    expect(res.body.message).toContain('{{caller_name}}');
    expect(res.body.message).toContain('production');
    expect(codes(res.body.checks)).toEqual(['variable-undeclared']);
    expect(await revision()).toBe(before);
    expect((await api.get('/api/prompts/GREETING').set(bearer(ADMIN.secret)).expect(200)).body).toMatchObject({ version: 1, text: PLAIN });
    // A new key with the same text is refused the same way.
    await admin.post('/api/prompts', { key: 'OTHER', text: CALLER }).expect(422);
    await api.get('/api/prompts/OTHER').set(bearer(ADMIN.secret)).expect(404);
  });

  it('publishes it declared with a default, or declared required; the served prompt carries its variables', async () => {
    const withDefault = { caller_name: { default: 'there', description: 'Who is calling' } };
    const saved = await admin.post('/api/prompts', { key: 'A', text: CALLER, variables: withDefault }).expect(201);
    expect(saved.body).toMatchObject({ version: 1, variables: withDefault, checks: { checks: [], tokens: { estimate: 10, previous: null } } });
    await admin.put('/api/prompts/A', { text: CALLER, variables: { caller_name: {} } }).expect(200);
    expect((await api.get('/api/prompts/A').set(bearer(ADMIN.secret)).expect(200)).body).toMatchObject({
      version: 2,
      variables: { caller_name: {} },
    });
    const list = (await api.get('/api/prompts').set(bearer(ADMIN.secret)).expect(200)).body;
    expect(list.prompts[0].variables).toEqual({ caller_name: {} });
  });

  it('saves a version with errors as a draft, keeps its checks, and gates moving production to it', async () => {
    await admin.post('/api/prompts', { key: 'A', text: PLAIN }).expect(201);
    const draft = await editor.put('/api/prompts/A', { text: CALLER, labels: [] }).expect(200);
    expect(codes(draft.body.checks.checks)).toEqual(['variable-undeclared']);
    const stored = (await api.get('/api/prompts/A/versions/2').set(bearer(ADMIN.secret)).expect(200)).body;
    expect(codes(stored.checks.checks)).toEqual(['variable-undeclared']);
    const history = (await api.get('/api/prompts/A/versions').set(bearer(ADMIN.secret)).expect(200)).body.versions;
    expect(history.map((v: { checks: unknown }) => v.checks)).toEqual([
      { errors: 1, warnings: 0 },
      { errors: 0, warnings: 0 },
    ]);
    // Staging is not protected: an editor may point it anywhere.
    await editor.put('/api/prompts/A/labels/staging', { version: 2 }).expect(200);

    const refused = await admin.put('/api/prompts/A/labels/production', { version: 2 }).expect(422);
    expect(refused.body.message).toContain('{{caller_name}}');
    await admin.post('/api/prompts/A/rollback', { version: 2 }).expect(422);
    // An editor is refused for the label first: 403, whatever the checks say.
    await editor.put('/api/prompts/A/labels/production', { version: 2, force: true, reason: 'x' }).expect(403);
    expect((await api.get('/api/prompts/A').set(bearer(ADMIN.secret)).expect(200)).body.version).toBe(1);
  });

  it('lets an admin force it with a reason, which the audit trail keeps; force without a reason is a 400', async () => {
    await admin.post('/api/prompts', { key: 'A', text: PLAIN }).expect(201);
    await admin.put('/api/prompts/A', { text: CALLER, labels: [] }).expect(200);
    const noReason = await admin.put('/api/prompts/A/labels/production', { version: 2, force: true }).expect(400);
    expect(noReason.body.message).toMatch(/reason is required with force/);
    const blank = await admin.put('/api/prompts/A/labels/production', { version: 2, force: true, reason: '   ' }).expect(400);
    expect(blank.body.message).toMatch(/reason is required/);

    const forced = await admin.put('/api/prompts/A/labels/production', { version: 2, force: true, reason: 'the agent passes caller_name from v4' });
    expect(forced.status).toBe(200);
    expect(codes(forced.body.checks.checks)).toEqual(['variable-undeclared']);
    const audit = (await api.get('/api/audit?key=A').set(bearer(ADMIN.secret)).expect(200)).body.entries;
    expect(audit[0]).toMatchObject({ kind: 'label', version: 2, forced: 'the agent passes caller_name from v4' });
    expect(audit.slice(1).map((e: { forced: unknown }) => e.forced)).toEqual([null, null]);
    // A force that overrides nothing is not recorded as one.
    await admin.put('/api/prompts/A', { text: 'Clean.', force: true, reason: 'habit' }).expect(200);
    expect((await api.get('/api/audit?key=A&limit=1').set(bearer(ADMIN.secret)).expect(200)).body.entries[0].forced).toBeNull();
  });

  it('never gates on warnings: a chat-style prompt publishes, and the answer lists what a voice would read aloud', async () => {
    const chat = '# Support\n| plan | price |\n|---|---|\n| basic | $10 |\n- answer\n- escalate\nSee [help](https://help.example.com).';
    const res = await admin.post('/api/prompts', { key: 'CHAT', text: chat }).expect(201);
    expect(codes(res.body.checks.checks)).toEqual(['markdown-heading', 'markdown-table', 'bullet-list', 'link', 'bare-url']);
    expect(res.body.checks.checks.every((c: CheckBody) => c.level === 'warning')).toBe(true);
  });

  it('runs the checks without saving: POST /api/prompts/:key/check, measured against what the label serves', async () => {
    await admin.post('/api/prompts', { key: 'A', text: 'x'.repeat(100) }).expect(201);
    const before = await revision();
    const res = await admin.post('/api/prompts/A/check', { text: `${'x'.repeat(200)} {{who}}`, variables: { unused: { default: 'u' } } }).expect(200);
    expect(codes(res.body.checks)).toEqual(['variable-undeclared', 'variable-unused', 'size-change']);
    expect(res.body.tokens).toEqual({ estimate: 52, previous: 25, change: 27 });
    // A key that does not exist yet has nothing to compare with; a viewer-level read is enough.
    expect((await admin.post('/api/prompts/NEW/check', { text: 'Fine.' }).expect(200)).body).toEqual({
      checks: [],
      tokens: { estimate: 2, previous: null, change: null },
    });
    expect(await revision()).toBe(before);
  });

  it('answers bad variables with a 400 that says what is wrong, and writes nothing', async () => {
    const cases: [unknown, RegExp][] = [
      [['caller_name'], /variables must be an object/],
      [{ 'two words': {} }, /"two words" is not a variable name/],
      [{ caller_name: 'Ada' }, /variables\.caller_name must be an object/],
      [{ caller_name: { value: 'Ada' } }, /variables\.caller_name\.value is not a field/],
      [{ caller_name: { default: 7 } }, /variables\.caller_name\.default must be a string/],
      [{ caller_name: { default: 'x'.repeat(501) } }, /default must be at most 500 characters/],
      [Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`v${i}`, {}])), /at most 32 variables/],
    ];
    for (const [variables, message] of cases) {
      const res = await admin.post('/api/prompts', { key: 'A', text: 'Hi.', variables }).expect(400);
      expect(res.body.message).toMatch(message);
      await admin.post('/api/prompts/A/check', { text: 'Hi.', variables }).expect(400);
    }
    // `__proto__` never reaches the parser: bodies refuse the key everywhere.
    const proto = await api
      .post('/api/prompts')
      .set(bearer(ADMIN.secret))
      .set('content-type', 'application/json')
      .send('{"key":"A","text":"Hi {{x}}.","variables":{"__proto__":{"default":"p"}}}')
      .expect(400);
    expect(proto.body.message).toMatch(/__proto__/);
    await api.get('/api/prompts/A').set(bearer(ADMIN.secret)).expect(404);
  });

  it('sends the variables on the stream, in the snapshot and in each change', async () => {
    await admin.post('/api/prompts', { key: 'A', text: CALLER, variables: { caller_name: { default: 'there' } } }).expect(201);
    const stream = await openStream(`${t.url}/api/prompts/stream`, { headers: bearer(ADMIN.secret) });
    streams.push(stream);
    const [snapshot] = await stream.changesUntil(1);
    expect(snapshot).toMatchObject({ event: 'snapshot', data: { prompts: { A: { variables: { caller_name: { default: 'there' } } } } } });
    await admin.put('/api/prompts/A', { text: CALLER, variables: { caller_name: {} } }).expect(200);
    const [, updated] = await stream.changesUntil(2);
    expect(updated).toMatchObject({ event: 'prompt.updated', data: { key: 'A', variables: { caller_name: {} } } });
  });

  it('bounds the checks: a flood of malformed braces gets one line per kind, and checks past the limit get a 429', async () => {
    const hostile = '{{ '.repeat(6_000) + '}}'.repeat(3_000);
    const res = await admin.post('/api/prompts/A/check', { text: hostile }).expect(200);
    expect(res.body.checks.length).toBeLessThanOrEqual(3);
    expect(JSON.stringify(res.body).length).toBeLessThan(2_000);
    let status = 200;
    for (let i = 0; i < 40 && status === 200; i += 1) status = (await admin.post('/api/prompts/A/check', { text: 'x' })).status;
    expect(status).toBe(429);
  });
});
