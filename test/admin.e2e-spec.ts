import request from 'supertest';
import type { RequestActor } from '../src/auth/actor.decorator.js';
import { FleetService } from '../src/fleet/fleet.service.js';
import { AdminBrowser } from './support/admin-browser.js';
import { startApp, type TestApp } from './support/app.js';
import { openStream } from './support/sse.js';

const HOSTILE = '<script>alert("x")</script>\n<img src=x onerror=alert(1)> & "quotes"';

describe('Admin UI (server-rendered pages)', () => {
  let t: TestApp;
  let browser: AdminBrowser;

  beforeAll(async () => {
    t = await startApp({ env: { PROMPT_MAX_BYTES: '2048' } });
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
  async function seed(key: string, text: string, message?: string): Promise<void> {
    await api().post('/api/prompts').send({ key, text, message }).expect(201);
  }
  async function revision(): Promise<number> {
    return (await api().get('/api/prompts').expect(200)).body.revision as number;
  }

  it('renders every page with its key content', async () => {
    const key = uniqueKey('PAGES');
    await seed(key, 'You are Friday.', 'first');
    await api().put(`/api/prompts/${key}`).send({ text: 'You are Friday, brief.', message: 'second' }).expect(200);

    const list = await browser.get('/');
    expect(list.status).toBe(200);
    expect(list.text).toContain(`href="/prompts/${key}"`);
    expect(list.text).toContain('No agents connected');
    expect(list.text).toMatch(/data-revision-label>\d+</);

    const editor = await browser.get(`/prompts/${key}`);
    expect(editor.status).toBe(200);
    expect(editor.text).toContain('You are Friday, brief.</textarea>');
    expect(editor.text).toContain('name="version" value="2"');
    expect(editor.text).toContain('of 2,048 bytes');

    const history = await browser.get(`/prompts/${key}/history`);
    expect(history.text).toMatch(/<strong>v2<\/strong> <span class="badge served" data-badge="production">production</);
    expect(history.text).toContain('first');
    expect(history.text).toContain(`/prompts/${key}/diff?from=1`);

    const diff = await browser.get(`/prompts/${key}/diff?from=1`);
    expect(diff.text).toContain('v1 → v2');
    expect(diff.text).toContain('You are Friday<mark>, brief</mark>.');

    expect((await browser.get(`/prompts/${key}/rollback?version=1`)).text).toContain(`Roll back ${key} to v1?`);
    expect((await browser.get(`/prompts/${key}/delete`)).text).toContain(`Delete ${key}?`);
    expect((await browser.get('/prompts/new')).text).toContain('action="/prompts"');
  });

  it('escapes hostile prompt text and messages on every page that shows them', async () => {
    const key = uniqueKey('HOSTILE');
    await seed(key, HOSTILE, HOSTILE);
    await api()
      .put(`/api/prompts/${key}`)
      .send({ text: `${HOSTILE}!`, message: HOSTILE })
      .expect(200);
    await api().put(`/api/prompts/${key}/labels/staging`).send({ version: 1, message: HOSTILE }).expect(200);
    const pages = [
      '/',
      `/prompts/${key}`,
      `/prompts/${key}/history`,
      `/prompts/${key}/diff?from=1`,
      `/prompts/${key}/rollback?version=1`,
      `/prompts/${key}/promote`,
    ];
    for (const path of pages) {
      const { status, text } = await browser.get(path);
      expect(status).toBe(200);
      expect(text).not.toContain('<script>alert');
      expect(text).not.toContain('<img src=x');
      expect(text).toContain('&lt;script&gt;');
    }
  });

  it('isolates user text and marks direction controls on every page that shows it, keeping the raw text where it is edited', async () => {
    const RLO = '\u202e';
    const MARK = '<span class="bidi" title="U+202E RIGHT-TO-LEFT OVERRIDE">⟨U+202E⟩</span>';
    const key = uniqueKey('BIDI');
    // Rendered raw, the override would make the message read "fix typo exe.png" and drag the page's text after it along.
    const text = `Read the order.\nThe total is ${RLO}0001 USD.`;
    const message = `fix typo ${RLO}gnp.exe`;
    await seed(key, text, message);
    await api()
      .put(`/api/prompts/${key}`)
      .send({ text: `${text}!`, message })
      .expect(200);
    /** Where the operator edits text the raw characters must stay: textareas and input values. */
    const outsideFields = (html: string) => html.replace(/<textarea[^>]*>[\s\S]*?<\/textarea>/g, '').replace(/ value="[^"]*"/g, '');

    const pages = {
      editor: await browser.get(`/prompts/${key}`),
      history: await browser.get(`/prompts/${key}/history`),
      diff: await browser.get(`/prompts/${key}/diff?from=1`),
      rollback: await browser.get(`/prompts/${key}/rollback?version=1`),
    };
    for (const [name, page] of Object.entries(pages)) {
      expect([name, page.status]).toEqual([name, 200]);
      expect([name, outsideFields(page.text).includes(RLO)]).toEqual([name, false]);
    }
    expect(pages.editor.text).toContain(`${text}!</textarea>`);
    expect(pages.editor.text).toContain(`“<bdi>fix typo ${MARK}gnp.exe</bdi>”`);
    expect(pages.editor.text).toMatch(/data-bidi-warning[^>]*>[^<]*invisible direction control[\s\S]*U\+202E RIGHT-TO-LEFT OVERRIDE/);
    expect(pages.history.text).toContain(`<td class="message"><bdi>fix typo ${MARK}gnp.exe</bdi></td>`);
    expect(pages.history.text).toContain('by <bdi>anonymous</bdi>');
    expect(pages.diff.text).toContain(`by <bdi>anonymous</bdi> — “<bdi>fix typo ${MARK}gnp.exe</bdi>”`);
    for (const page of [pages.diff, pages.rollback]) {
      expect(page.text).toContain(`<td class="code" dir="auto">The total is ${MARK}0001 USD.`);
    }

    // The list: the preview marked, the author isolated; an agent's stream name (controls already stripped) isolated.
    const agent = await openStream(`${t.url}/api/prompts/stream?agent=${encodeURIComponent('סוכן 7')}`);
    try {
      await agent.changesUntil(1);
      const list = await browser.get('/');
      expect(outsideFields(list.text).includes(RLO)).toBe(false);
      expect(list.text).toContain(`<bdi>Read the order.\nThe total is ${MARK}0001 USD.!</bdi>`);
      expect(list.text).toMatch(new RegExp(`data-key="${key}"[\\s\\S]*?<span data-col="author" dir="auto">anonymous</span>`));
      expect(list.text).toContain('<td><bdi>סוכן 7</bdi>');
    } finally {
      await agent.close();
    }

    // The conflict page shows the stored message and both texts the same way.
    await browser.get(`/prompts/${key}`);
    const conflict = await browser.post(`/prompts/${key}`, { text: `${text}?`, message, version: 1 });
    expect(conflict.status).toBe(409);
    expect(conflict.text).toContain(`“<bdi>fix typo ${MARK}gnp.exe</bdi>”`);
    expect(conflict.text).toContain(`${text}?</textarea>`);
    expect(outsideFields(conflict.text).includes(RLO)).toBe(false);
  });

  it('sends security headers with a CSP that allows only same-origin scripts', async () => {
    const { headers } = await browser.get('/');
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(headers['x-content-type-options']).toBe('nosniff');
    const cookie = [headers['set-cookie']].flat().join(';');
    expect(cookie).toMatch(/promptcast_csrf=.*HttpOnly.*SameSite=Strict/);
  });

  it('rejects form posts without a valid CSRF token with a 403 page and writes nothing', async () => {
    const key = uniqueKey('CSRF');
    await browser.get('/prompts/new');
    const before = await revision();
    const missing = await browser.post('/prompts', { _csrf: undefined, key, text: 'x' });
    expect(missing.status).toBe(403);
    expect(missing.headers['content-type']).toMatch(/text\/html/);
    expect(missing.text).toContain('CSRF check failed');
    expect((await browser.post('/prompts', { _csrf: 'forged', key, text: 'x' })).status).toBe(403);
    // A token is bound to its own cookie: another visitor's token does not fit.
    const other = new AdminBrowser(t.url);
    await other.get('/prompts/new');
    expect((await browser.post('/prompts', { _csrf: other.csrfToken, key, text: 'x' })).status).toBe(403);
    // No cookie at all (a cross-site post with SameSite=Strict carries none).
    const bare = await api().post('/prompts').type('form').send({ _csrf: browser.csrfToken, key, text: 'x' });
    expect(bare.status).toBe(403);
    expect(await revision()).toBe(before);
  });

  it('creates, saves, rolls back, deletes and restores through plain forms', async () => {
    const key = uniqueKey('FLOW');
    await browser.get('/prompts/new');
    // The button pressed names the label: "Create and publish to production".
    const created = await browser.post('/prompts', { key, text: 'line one\r\nline two', message: 'hello', label: 'production' });
    expect(created.status).toBe(303);
    expect(created.headers.location).toBe(`/prompts/${key}?saved=1`);
    // Browsers post textarea breaks as CRLF; agents get LF.
    expect((await api().get(`/api/prompts/${key}`)).body).toMatchObject({ text: 'line one\nline two', version: 1, message: 'hello' });

    const editor = await browser.get(`/prompts/${key}?saved=1`);
    expect(editor.text).toContain('Saved version 1');
    const saved = await browser.post(`/prompts/${key}`, { text: 'line one\nline 2', message: '', version: 1, label: 'production' });
    expect(saved.headers.location).toBe(`/prompts/${key}?saved=2`);

    await browser.get(`/prompts/${key}/rollback?version=1`);
    const rolled = await browser.post(`/prompts/${key}/rollback`, { version: 1, message: 'Rollback to version 1' });
    // A rollback points production back at v1: no new version is saved.
    expect(rolled.headers.location).toBe(`/prompts/${key}?moved=production`);
    expect((await browser.get(rolled.headers.location)).text).toContain('production now points at v1.');
    expect((await api().get(`/api/prompts/${key}`)).body).toMatchObject({ text: 'line one\nline two', version: 1 });

    await browser.get(`/prompts/${key}/delete`);
    const deleted = await browser.post(`/prompts/${key}/delete`, { version: 2 });
    expect(deleted.headers.location).toBe(`/?deleted=${key}`);
    const list = await browser.get(deleted.headers.location);
    expect(list.text).toContain(`data-deleted-key="${key}"`);
    expect(list.text).toContain(`/prompts/${key}/rollback?version=2`);
    expect((await browser.get(`/prompts/${key}`)).headers.location).toBe(`/prompts/${key}/history`);
    expect((await browser.get(`/prompts/${key}/history`)).text).toContain('This prompt is deleted');

    expect((await browser.get(`/prompts/${key}/rollback?version=2`)).text).toContain(`Restore ${key} from v2?`);
    const restored = await browser.post(`/prompts/${key}/rollback`, { version: 2, message: 'Restore' });
    expect(restored.headers.location).toBe(`/prompts/${key}?moved=production`);
    expect((await browser.get('/')).text).not.toContain(`data-deleted-key="${key}"`);
  });

  it('shows the conflict page when someone saved since the editor loaded, and overwrites only on purpose', async () => {
    const key = uniqueKey('RACE');
    await seed(key, 'Be kind.');
    await browser.get(`/prompts/${key}`);
    await api().put(`/api/prompts/${key}`).send({ text: 'Be kind and brief.', message: 'theirs' }).expect(200);

    const conflict = await browser.post(`/prompts/${key}`, { text: 'Be kind and warm.', message: 'mine', version: 1 });
    expect(conflict.status).toBe(409);
    expect(conflict.text).toContain('Someone saved');
    expect(conflict.text).toContain('v2 was saved');
    expect(conflict.text).toContain('<mark>brief</mark>');
    expect(conflict.text).toContain('<mark>warm</mark>');
    expect(conflict.text).toContain('Be kind and warm.</textarea>');
    expect((await api().get(`/api/prompts/${key}`)).body.text).toBe('Be kind and brief.');

    const overwrite = await browser.post(`/prompts/${key}`, { text: 'Be kind and warm.', message: 'mine', version: 2, label: 'production' });
    expect(overwrite.headers.location).toBe(`/prompts/${key}?saved=3`);
    expect((await api().get(`/api/prompts/${key}`)).body.text).toBe('Be kind and warm.');
  });

  it('re-shows the form with the message, keeping what was typed, on a fixable mistake', async () => {
    const key = uniqueKey('FIX');
    await seed(key, 'short');
    await browser.get('/prompts/new');
    const taken = await browser.post('/prompts', { key, text: 'my draft' });
    expect(taken.status).toBe(409);
    expect(taken.text).toContain('already exists');
    expect(taken.text).toContain('my draft</textarea>');

    await browser.get(`/prompts/${key}`);
    const tooBig = await browser.post(`/prompts/${key}`, { text: 'é'.repeat(1500), version: 1 });
    expect(tooBig.status).toBe(413);
    expect(tooBig.text).toContain('the limit is 2048 bytes');
    expect(tooBig.text).toContain(`${'é'.repeat(1500)}</textarea>`);
  });

  it('keeps JSON errors for the API and HTML error pages for browsers elsewhere', async () => {
    const apiMiss = await api().get('/api/prompts/NOPE').set('Accept', 'text/html');
    expect(apiMiss.status).toBe(404);
    expect(apiMiss.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    const pageMiss = await browser.get('/prompts/NOPE');
    expect(pageMiss.status).toBe(404);
    expect(pageMiss.text).toContain('prompt &quot;NOPE&quot; not found');
    const unknown = await browser.get('/no/such/page');
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/text\/html/);
    expect((await api().get('/no/such/page')).body).toMatchObject({ statusCode: 404 });
  });

  it('does not accept urlencoded bodies on the JSON API, so cross-site forms cannot write', async () => {
    const before = await revision();
    const res = await api()
      .post('/api/prompts')
      .type('form')
      .send({ key: uniqueKey('XSITE'), text: 'x' });
    expect(res.status).toBe(400);
    expect(await revision()).toBe(before);
  });

  it("lists connected agents from the stream registry, but not the admin pages' own streams, which prove themselves with the page's ticket", async () => {
    const ticket = /data-ui-ticket="([^"]+)"/.exec((await browser.get('/')).text)?.[1];
    expect(ticket).toBeDefined();
    const agent = await openStream(`${t.url}/api/prompts/stream?agent=friday-7`);
    const adminPage = await openStream(`${t.url}/api/prompts/stream?ui=${encodeURIComponent(ticket ?? '')}`);
    // A name is not proof: an agent calling itself what the admin UI once called itself is still listed.
    const impostor = await openStream(`${t.url}/api/prompts/stream?agent=promptcast-admin-ui&ui=forged`);
    try {
      // Each stream opens with a snapshot, written once it is registered.
      await Promise.all([agent.changesUntil(1), adminPage.changesUntil(1), impostor.changesUntil(1)]);
      const list = await browser.get('/');
      expect(list.text).toContain('friday-7');
      expect(list.text).toContain('promptcast-admin-ui');
      expect(list.text).toContain('<strong data-agent-count>2</strong> agents<');
    } finally {
      await Promise.all([agent.close(), adminPage.close(), impostor.close()]);
    }
  });

  it('judges each connected stream against its own view: a change to production leaves a staging stream up to date', async () => {
    const key = uniqueKey('VIEWS');
    await seed(key, 'v1');
    const staging = await openStream(`${t.url}/api/prompts/stream?label=staging&agent=friday-staging-view`);
    const production = await openStream(`${t.url}/api/prompts/stream?agent=friday-production-view`);
    try {
      await Promise.all([staging.changesUntil(1), production.changesUntil(1)]);
      await api().put(`/api/prompts/${key}`).send({ text: 'v2' }).expect(200);
      // The hub hands one batch to every stream in one pass: once production has it, staging has been passed over.
      await production.changesUntil(2);
      const list = await browser.get('/');
      const row = (agent: string) => {
        const at = list.text.indexOf(`<bdi>${agent}</bdi>`);
        return list.text.slice(at, list.text.indexOf('</tr>', at));
      };
      expect(row('friday-staging-view')).toMatch(/<td>staging<\/td>[\s\S]*up to date/);
      expect(row('friday-production-view')).toMatch(/<td>production<\/td>[\s\S]*up to date/);
    } finally {
      await Promise.all([staging.close(), production.close()]);
    }
  });

  it("shows each agent process's fleet report: applied revision, live sessions, and whether it is behind", async () => {
    await seed(uniqueKey('FLEET'), 'text');
    const current = await revision();
    await api().post('/api/agents/report').send({ agentId: 'friday-fleet-up', revision: current, sessions: 3, mode: 'streaming' }).expect(204);
    await api()
      .post('/api/agents/report')
      .send({ agentId: 'friday-fleet-old', revision: current - 1, sessions: 1, mode: 'polling' })
      .expect(204);
    const list = await browser.get('/');
    const row = (id: string) => list.text.slice(list.text.indexOf(`<td>${id}</td>`), list.text.indexOf('</tr>', list.text.indexOf(`<td>${id}</td>`)));
    expect(row('friday-fleet-up')).toMatch(
      new RegExp(`<td class="num">${current}</td>\\s*<td class="num">3</td>\\s*<td>streaming</td>[\\s\\S]*up to date`),
    );
    expect(row('friday-fleet-old')).toMatch(
      new RegExp(`<td class="num">${current - 1}</td>\\s*<td class="num">1</td>\\s*<td>polling</td>[\\s\\S]*behind`),
    );
  });

  it('pages the agent processes panel: with 12,000 agents reported the page stays under 64 KB and links to the next page', async () => {
    const many = await startApp({ env: { AGENT_MAX_PER_TOKEN: '20000' } });
    try {
      const fleet = many.app.get(FleetService);
      const actor: RequestActor = { author: 'anonymous', address: '127.0.0.1', scopes: [], via: 'open' };
      const id = (i: number) => `agent-${String(i).padStart(5, '0')}-${'x'.repeat(110)}`;
      // Every fourth agent runs on built-in defaults, so it is behind.
      for (let i = 0; i < 12_000; i++) await fleet.report({ agentId: id(i), revision: i % 4 ? 0 : null, sessions: 1, mode: 'streaming' }, actor);
      const visitor = new AdminBrowser(many.url);
      const rows = (html: string) => [...html.matchAll(/<td>(agent-\d+)-x+<\/td>/g)].map((m) => m[1]);

      const first = await visitor.get('/');
      expect(Buffer.byteLength(first.text)).toBeLessThan(64 * 1024);
      expect(first.text).toMatch(/Showing 50 of 12,000 agent processes · 3,000 behind/);
      expect(rows(first.text)).toEqual(Array.from({ length: 50 }, (_, i) => `agent-${String(i).padStart(5, '0')}`));
      const next = /<a class="button" href="(\/\?fleetCursor=[^"]+)#fleet">Next 50 agent processes<\/a>/.exec(first.text)?.[1];
      expect(next).toBe(`/?fleetCursor=${id(49)}`);

      const second = await visitor.get(next!);
      expect(Buffer.byteLength(second.text)).toBeLessThan(64 * 1024);
      expect(rows(second.text)).toEqual(Array.from({ length: 50 }, (_, i) => `agent-${String(50 + i).padStart(5, '0')}`));
      expect(second.text).toContain('href="/#fleet">First page</a>');

      expect((await visitor.get('/?fleetCursor=not%20an%20id')).status).toBe(400);
    } finally {
      await many.close();
    }
  });

  it('serves the static assets locally', async () => {
    await api().get('/assets/app.css').expect(200).expect('content-type', /css/);
    await api()
      .get('/assets/js/main.js')
      .expect(200)
      .expect('content-type', /javascript/);
  });
});
