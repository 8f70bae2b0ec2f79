import request from 'supertest';
import { AdminBrowser, type PageResponse } from './support/admin-browser.js';
import { startApp, type TestApp } from './support/app.js';

/**
 * Variables and checks in the admin UI without JavaScript (docs/admin.md,
 * "Variables and checks"): the rows and the list come back after Save draft
 * or *Check without saving*; a publish the checks refuse is the page again
 * with the checks and the force box; force needs a reason and is audited.
 * The script's JSON answer and its bounds are here too; the live editor is
 * test/admin-checks.browser.e2e-spec.ts.
 */
describe('Admin UI: variables and checks (no JavaScript)', () => {
  let t: TestApp;
  let browser: AdminBrowser;

  beforeAll(async () => {
    t = await startApp({ env: { RATE_LIMIT_CHECKS_PER_MIN: '40' } });
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(() => {
    browser = new AdminBrowser(t.url);
  });

  const api = () => request(t.url);
  let n = 0;
  const uniqueKey = (base: string) => `${base}_${++n}`;
  const loadedVersion = (html: string) => Number(/name="version" value="(\d+)"/.exec(html)?.[1]);
  const checkCodes = (html: string) => [...html.matchAll(/data-check="([a-z-]+)"/g)].map((m) => m[1]);
  const rowNames = (html: string) => [...html.matchAll(/<tr data-variable="([^"]*)">/g)].map((m) => m[1]).filter((name) => name !== '');
  const versions = async (key: string) => (await api().get(`/api/prompts/${key}/versions`).expect(200)).body as { total: number };
  const CHAT_STYLE = 'Hello {{caller_name}}!\n\n- be brief\n- be kind';

  async function seeded(
    text = 'You are Friday, a voice agent. Be kind.',
    extra: Record<string, unknown> = {},
  ): Promise<{ key: string; editor: PageResponse }> {
    const key = uniqueKey('CHECKS');
    await api()
      .post('/api/prompts')
      .send({ key, text, ...extra })
      .expect(201);
    return { key, editor: await browser.get(`/prompts/${key}`) };
  }

  it('shows a saved draft with a row per placeholder and its checks beside the text', async () => {
    const { key, editor } = await seeded();
    expect(checkCodes(editor.text)).toEqual([]);
    expect(editor.text).toContain('No problems found');

    const saved = await browser.post(`/prompts/${key}`, { text: CHAT_STYLE, version: loadedVersion(editor.text) });
    expect(saved.status).toBe(303);
    const page = await browser.get(saved.headers.location);
    expect(rowNames(page.text)).toEqual(['caller_name']);
    // Undeclared until the operator says how it is filled: the row is empty and its box unticked.
    expect(page.text).toMatch(/name="varRequired" value="caller_name" aria-label/);
    expect(checkCodes(page.text)).toEqual(['variable-undeclared', 'bullet-list']);
    expect(page.text).toContain('{{caller_name}} is used but not declared');
    expect(page.text).toContain('line 1, column 7');
    expect(page.text).toMatch(/data-tokens>≈ 11 tokens \(\+1 from production\)</);
  });

  it('"Check without saving" shows the checks of the form as typed and writes nothing', async () => {
    const { key, editor } = await seeded();
    const before = await versions(key);
    const rows = { varName: ['caller_name'], varDefault: ['there'], varDescription: ['Who is calling'] };
    const checked = await browser.post(`/prompts/${key}/check`, { text: CHAT_STYLE, version: loadedVersion(editor.text), message: 'wip', ...rows });
    expect(checked.status).toBe(200);
    expect(checkCodes(checked.text)).toEqual(['bullet-list']);
    expect(checked.text).toContain('value="there"');
    expect(checked.text).toContain('value="Who is calling"');
    expect(checked.text).toContain('value="wip"');
    expect(checked.text).toContain(`- be kind</textarea>`);
    expect(await versions(key)).toEqual(before);

    // The create form has the same button; a key not created yet has nothing to compare with.
    const created = await browser.post('/prompts/new/check', { key: 'NOT_YET', text: 'Hi {{name}} https://example.com' });
    expect(created.status).toBe(200);
    expect(checkCodes(created.text)).toEqual(['variable-undeclared', 'bare-url']);
    expect(rowNames(created.text)).toEqual(['name']);
    expect(created.text).toContain('value="NOT_YET"');
    expect((await api().get('/api/prompts/NOT_YET')).status).toBe(404);
  });

  it("saves the rows as the version's variables: a default, required, or nothing for an empty row", async () => {
    const { key, editor } = await seeded();
    const text = 'Hi {{caller_name}}, I am {{agent}}. {{unsure}}';
    const saved = await browser.post(`/prompts/${key}`, {
      text,
      version: loadedVersion(editor.text),
      varName: ['caller_name', 'agent', 'unsure'],
      varDefault: ['', 'Friday', ''],
      varDescription: ['From the dispatch metadata', '', ''],
      varRequired: ['caller_name'],
    });
    expect(saved.status).toBe(303);
    const stored = (await api().get(`/api/prompts/${key}/versions/2`).expect(200)).body as { variables: unknown };
    expect(stored.variables).toEqual({ caller_name: { description: 'From the dispatch metadata' }, agent: { default: 'Friday' } });
    const page = await browser.get(saved.headers.location);
    expect(rowNames(page.text)).toEqual(['caller_name', 'agent', 'unsure']);
    expect(page.text).toMatch(/name="varRequired" value="caller_name" checked/);
    expect(checkCodes(page.text)).toEqual(['variable-undeclared']);
  });

  it('re-shows the form with the problem and nothing written when the rows are malformed', async () => {
    const { key, editor } = await seeded();
    const before = await versions(key);
    const tooMany = Array.from({ length: 33 }, (_, i) => `v${i}`);
    const over = await browser.post(`/prompts/${key}`, {
      text: 'x',
      version: loadedVersion(editor.text),
      varName: tooMany,
      varDefault: tooMany,
      varDescription: tooMany,
    });
    expect(over.status).toBe(400);
    expect(over.text).toContain('variables must declare at most 32 variables (got 33)');
    const badName = await browser.post(`/prompts/${key}`, {
      text: 'x',
      version: loadedVersion(editor.text),
      varName: ['__proto__'],
      varDefault: ['a'],
      varDescription: [''],
    });
    expect(badName.status).toBe(400);
    expect(badName.text).toContain('is not a variable name');
    const longDefault = await browser.post(`/prompts/${key}`, {
      text: 'Hi {{a}}',
      version: loadedVersion(editor.text),
      varName: ['a'],
      varDefault: ['d'.repeat(501)],
      varDescription: [''],
    });
    expect(longDefault.status).toBe(400);
    expect(longDefault.text).toContain('variables.a.default must be at most 500 characters');
    // What was typed comes back in the row.
    expect(longDefault.text).toContain(`value="${'d'.repeat(501)}"`);
    const misaligned = await browser.post(`/prompts/${key}`, {
      text: 'x',
      version: loadedVersion(editor.text),
      varName: ['a', 'b'],
      varDefault: ['1'],
    });
    expect(misaligned.status).toBe(400);
    expect(await versions(key)).toEqual(before);
  });

  it('refuses a publish with errors as the page again, with the checks and the force box; force needs a reason and is audited', async () => {
    const { key, editor } = await seeded();
    const post = (fields: Record<string, string | number>) =>
      browser.post(`/prompts/${key}`, { text: CHAT_STYLE, version: loadedVersion(editor.text), label: 'production', ...fields });

    const refused = await post({});
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('cannot be published to &quot;production&quot;: {{caller_name}} is used but not declared');
    expect(checkCodes(refused.text)).toEqual(['variable-undeclared', 'bullet-list']);
    expect(refused.text).toMatch(/<fieldset class="force-box" id="force-box" data-force-box>/);
    expect(refused.text).toContain('- be kind</textarea>');
    expect(await versions(key)).toMatchObject({ total: 1 });

    const noReason = await post({ force: '1', reason: '  ' });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('reason is required with force: true');
    expect(noReason.text).toMatch(/name="force" value="1" id="force" checked/);
    expect(await versions(key)).toMatchObject({ total: 1 });

    const forced = await post({ force: '1', reason: 'the agent passes caller_name from tomorrow' });
    expect([forced.status, forced.headers.location]).toEqual([303, `/prompts/${key}?saved=2`]);
    const audit = (await api().get(`/api/audit?key=${key}&limit=1`).expect(200)).body as { entries: { forced: string | null }[] };
    expect(audit.entries[0].forced).toBe('the agent passes caller_name from tomorrow');
  });

  it('offers no force box where the checks find no error', async () => {
    const { editor } = await seeded('Speak warmly.');
    expect(editor.text).toMatch(/<fieldset class="force-box" id="force-box" data-force-box hidden>/);
  });

  it('shows the checks on the promote page and gates the promote: refused, then forced with a reason', async () => {
    const { key } = await seeded();
    await api()
      .put(`/api/prompts/${key}`)
      .send({ text: CHAT_STYLE, labels: ['staging'] })
      .expect(200);
    const page = await browser.get(`/prompts/${key}/promote`);
    expect(checkCodes(page.text)).toEqual(['variable-undeclared', 'bullet-list']);
    expect(page.text).toContain('Checks <span class="muted">of v2</span>');
    expect(page.text).toMatch(/data-force-box>/);

    const refused = await browser.post(`/prompts/${key}/promote`, { version: 2, current: 1, from: 'staging', message: 'ship it' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('data-refused');
    expect(refused.text).toContain('value="ship it"');
    expect(checkCodes(refused.text)).toEqual(['variable-undeclared', 'bullet-list']);
    expect((await api().get(`/api/prompts/${key}`).expect(200)).body).toMatchObject({ version: 1 });

    const forced = await browser.post(`/prompts/${key}/promote`, {
      version: 2,
      current: 1,
      from: 'staging',
      force: '1',
      reason: 'known, fixed in v3',
    });
    expect(forced.status).toBe(303);
    expect((await api().get(`/api/prompts/${key}`).expect(200)).body).toMatchObject({ version: 2 });
    const audit = (await api().get(`/api/audit?key=${key}&limit=1`).expect(200)).body as { entries: { forced: string | null }[] };
    expect(audit.entries[0].forced).toBe('known, fixed in v3');
  });

  it('shows warnings (not errors) on the promote page without a force box, and gates a rollback the same way', async () => {
    const { key } = await seeded('Hello {{name}}', { force: true, reason: 'seeded over its error' });
    // v1 was created over its error by the API's force; v2 is clean.
    await api()
      .put(`/api/prompts/${key}`)
      .send({ text: 'Call **now**', labels: ['staging'] })
      .expect(200);
    const promote = await browser.get(`/prompts/${key}/promote`);
    expect(checkCodes(promote.text)).toEqual(['markdown-emphasis']);
    expect(promote.text).toMatch(/data-force-box hidden>/);
    await browser.post(`/prompts/${key}/promote`, { version: 2, current: 1, from: 'staging' });

    const rollback = await browser.get(`/prompts/${key}/rollback?version=1`);
    expect(checkCodes(rollback.text)).toContain('variable-undeclared');
    const refused = await browser.post(`/prompts/${key}/rollback`, { version: 1 });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('data-refused');
    const forced = await browser.post(`/prompts/${key}/rollback`, { version: 1, force: '1', reason: 'back to what worked' });
    expect(forced.status).toBe(303);
    expect((await api().get(`/api/prompts/${key}`).expect(200)).body).toMatchObject({ version: 1 });
  });

  describe("the editor script's check (JSON)", () => {
    const json = async (path: string, fields: Record<string, string | string[]>) => {
      const res = await browser.post(path, fields, 'application/json');
      return { status: res.status, body: res.status === 200 ? (JSON.parse(res.text) as Record<string, unknown>) : res.text };
    };

    it('answers the checks, the token estimate and the placeholders the text uses', async () => {
      const { key } = await seeded();
      const res = await json(`/prompts/${key}/check`, {
        text: 'Hi {{b}} and {{a}} and {{b}}\r\n# Title',
        varName: ['a'],
        varDefault: ['x'],
        varDescription: [''],
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        placeholders: ['b', 'a'],
        tokens: { estimate: 9, previous: 10, change: -1 },
        tokensText: '≈ 9 tokens (−1 from production)',
      });
      const checks = (res.body as { checks: { level: string; code: string; message: string; place?: string }[] }).checks;
      expect(checks.map((c) => c.code)).toEqual(['variable-undeclared', 'markdown-heading']);
      // CRLF from the textarea counts as one line break, as it is saved.
      expect(checks[1].place).toBe('line 2, column 1');
      // The same rules as the API's check, one place.
      const apiAnswer = await api()
        .post(`/api/prompts/${key}/check`)
        .send({ text: 'Hi {{b}} and {{a}} and {{b}}\n# Title', variables: { a: { default: 'x' } } })
        .expect(200);
      expect(checks.map(({ level, code, message }) => ({ level, code, message }))).toEqual(
        (apiAnswer.body as { checks: { level: string; code: string; message: string }[] }).checks.map(({ level, code, message }) => ({
          level,
          code,
          message,
        })),
      );
    });

    it('names a problem with the rows instead of failing, and checks a new prompt with nothing to compare', async () => {
      await browser.get('/prompts/new');
      const res = await json('/prompts/new/check', {
        key: '',
        text: 'Hi {{a}}',
        varName: ['a', 'a'],
        varDefault: ['1', '2'],
        varDescription: ['', ''],
      });
      expect(res.body).toMatchObject({ problem: 'variables: "a" has two rows', placeholders: ['a'], tokens: { previous: null } });
    });

    it('refuses a check without the CSRF token, and writes nothing', async () => {
      const { key } = await seeded();
      const res = await browser.post(`/prompts/${key}/check`, { _csrf: undefined, text: 'x' }, 'application/json');
      expect(res.status).toBe(403);
      expect(await versions(key)).toMatchObject({ total: 1 });
    });
  });
});

describe('Admin UI: the check is rate-limited with the API check', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ env: { RATE_LIMIT_CHECKS_PER_MIN: '3' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('counts the UI and the API checks of one visitor together, and answers 429 past the limit', async () => {
    await request(t.url).post('/api/prompts').send({ key: 'LIMITED', text: 'x' }).expect(201);
    const browser = new AdminBrowser(t.url);
    await browser.get('/prompts/LIMITED');
    await request(t.url).post('/api/prompts/LIMITED/check').send({ text: 'x' }).expect(200);
    expect((await browser.post('/prompts/LIMITED/check', { text: 'x' }, 'application/json')).status).toBe(200);
    expect((await browser.post('/prompts/new/check', { text: 'x' }, 'application/json')).status).toBe(200);
    const over = await browser.post('/prompts/LIMITED/check', { text: 'x' }, 'application/json');
    expect(over.status).toBe(429);
    expect(over.text).toContain('too many checks');
    expect(over.headers['retry-after']).toBeDefined();
  });
});
