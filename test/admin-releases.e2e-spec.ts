import request from 'supertest';
import type { LabelList } from '../src/protocol/labels.js';
import { AdminBrowser } from './support/admin-browser.js';
import { startApp, type TestApp } from './support/app.js';

/**
 * The release flow in the admin UI: drafts, labels, promote (docs/admin.md,
 * "Releases"). The server runs open, so the visitor may do everything; the
 * role matrix is test/roles-ui.e2e-spec.ts.
 */
describe('Admin UI: drafts, labels and promote', () => {
  let t: TestApp;
  let browser: AdminBrowser;

  beforeAll(async () => {
    t = await startApp();
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
  const production = async (key: string) => (await api().get(`/api/prompts/${key}`).expect(200)).body as { text: string; version: number };

  it('edits the newest version after someone saved a draft, instead of answering a conflict', async () => {
    const key = uniqueKey('AFTER_DRAFT');
    await api().post('/api/prompts').send({ key, text: 'live' }).expect(201);
    await api().put(`/api/prompts/${key}`).send({ text: 'their draft', labels: [] }).expect(200);

    const editor = await browser.get(`/prompts/${key}`);
    // The form posts the version it was loaded at, as a browser would.
    const saved = await browser.post(`/prompts/${key}`, { text: 'my draft on theirs', version: loadedVersion(editor.text) });
    expect([saved.status, saved.headers.location]).toEqual([303, `/prompts/${key}?saved=3`]);
    expect(editor.text).toContain('their draft</textarea>');
    expect(await production(key)).toMatchObject({ text: 'live', version: 1 });
  });

  it('deletes a prompt whose newest version is a draft', async () => {
    const key = uniqueKey('DELETE_DRAFT');
    await api().post('/api/prompts').send({ key, text: 'live' }).expect(201);
    await api().put(`/api/prompts/${key}`).send({ text: 'draft', labels: [] }).expect(200);

    const confirm = await browser.get(`/prompts/${key}/delete`);
    const deleted = await browser.post(`/prompts/${key}/delete`, { version: loadedVersion(confirm.text) });
    expect([deleted.status, deleted.headers.location]).toEqual([303, `/?deleted=${key}`]);
  });

  it('lists and opens a prompt that only has a draft (no production yet)', async () => {
    const key = uniqueKey('DRAFT_ONLY');
    await api().post('/api/prompts').send({ key, text: 'not yet', labels: [] }).expect(201);

    const list = await browser.get('/');
    expect(list.text).toMatch(new RegExp(`<tr data-key="${key}"[\\s\\S]*?v1 draft, not in production`));
    const editor = await browser.get(`/prompts/${key}`);
    expect(editor.status).toBe(200);
    expect(editor.text).toContain('not yet</textarea>');
  });

  it('lists production, the other labels as badges and a draft newer than production', async () => {
    const key = uniqueKey('LISTED');
    await api()
      .post('/api/prompts')
      .send({ key, text: 'v1 live', labels: ['production', 'canary'] })
      .expect(201);
    await api()
      .put(`/api/prompts/${key}`)
      .send({ text: 'v2 staged', labels: ['staging'] })
      .expect(200);
    await api().put(`/api/prompts/${key}`).send({ text: 'v3 draft', labels: [] }).expect(200);

    const row = rowOf((await browser.get('/')).text, key);
    expect(row).toContain(`data-version="1" data-head="3"`);
    expect(row).toContain('<td class="num" data-col="version">v1</td>');
    expect(row).toContain('<bdi>v1 live</bdi>');
    expect(row).toContain('<span class="badge" data-badge="canary">canary v1</span>');
    expect(row).toContain('<span class="badge" data-badge="staging">staging v2</span>');
    expect(row).toContain('<div class="ahead" data-col="ahead">v3 draft, production at v1</div>');
    expect(row).toContain(`href="/prompts/${key}/promote"`);
  });

  it('saves a draft, to staging, or to production by the button pressed, and says which', async () => {
    const key = uniqueKey('BUTTONS');
    await api().post('/api/prompts').send({ key, text: 'v1' }).expect(201);
    const editor = await browser.get(`/prompts/${key}`);
    expect(editor.text).toMatch(/<button type="submit" class="primary" data-save="draft">Save draft<\/button>/);
    expect(editor.text).toMatch(/<button type="submit" name="label" value="staging" data-save="staging">Save to staging<\/button>/);
    expect(editor.text).toMatch(
      /<button type="submit" name="label" value="production" class="publish" data-save="production">Save and publish to production<\/button>/,
    );

    const draft = await browser.post(`/prompts/${key}`, { text: 'v2', version: 1 });
    expect((await browser.get(draft.headers.location)).text).toContain('Saved version 2 as a draft: no agent is served it');
    expect(await production(key)).toMatchObject({ version: 1 });
    const staged = await browser.post(`/prompts/${key}`, { text: 'v3', version: 2, label: 'staging' });
    expect((await browser.get(staged.headers.location)).text).toContain('Saved version 3 to staging.');
    expect((await api().get(`/api/prompts/${key}?label=staging`).expect(200)).body.version).toBe(3);
    const published = await browser.post(`/prompts/${key}`, { text: 'v4', version: 3, label: 'production' });
    expect((await browser.get(published.headers.location)).text).toContain('Saved version 4 and published it to production');
    expect(await production(key)).toMatchObject({ text: 'v4', version: 4 });
  });

  it('shows where production is on the editor of a newer draft, and the labels of each version in history', async () => {
    const key = uniqueKey('WHERE');
    await api()
      .post('/api/prompts')
      .send({ key, text: 'v1', labels: ['production', 'staging'] })
      .expect(201);
    await api().put(`/api/prompts/${key}`).send({ text: 'v2', labels: [] }).expect(200);
    await api().put(`/api/prompts/${key}`).send({ text: 'v3', labels: [] }).expect(200);

    const editor = await browser.get(`/prompts/${key}`);
    expect(editor.text).toMatch(/<span class="pill">v3<\/span> <span class="badge draft" data-badge="draft">draft<\/span>/);
    expect(editor.text).toContain('is at <strong>v1</strong>, 2 versions behind this one: agents are not served v3 yet.');
    expect(editor.text).toContain(`href="/prompts/${key}/diff?from=1&amp;to=3"`);

    const history = await browser.get(`/prompts/${key}/history`);
    const badges = (v: number) => [...rowOfVersion(history.text, v).matchAll(/data-badge="([a-z-]+)"/g)].map((m) => m[1]);
    expect([badges(3), badges(2), badges(1)]).toEqual([['draft'], ['draft'], ['production', 'staging']]);
    expect(rowOfVersion(history.text, 3)).toContain(`/prompts/${key}/promote?version=3`);
    // Once production is past it, a version without a label is no draft any more: it has no badge.
    await api().put(`/api/prompts/${key}/labels/production`).send({ version: 3 }).expect(200);
    const after = await browser.get(`/prompts/${key}/history`);
    const badgesAfter = (v: number) => [...rowOfVersion(after.text, v).matchAll(/data-badge="([a-z-]+)"/g)].map((m) => m[1]);
    expect([badgesAfter(3), badgesAfter(2), badgesAfter(1)]).toEqual([['production'], [], ['staging']]);
  });

  it('moves a label from the menu, in the editor and per version in history, and removes one', async () => {
    const key = uniqueKey('MENU');
    await api().post('/api/prompts').send({ key, text: 'v1' }).expect(201);
    await api().put(`/api/prompts/${key}`).send({ text: 'v2', labels: [] }).expect(200);

    await browser.get(`/prompts/${key}`);
    const moved = await browser.post(`/prompts/${key}/labels`, { label: 'canary', version: 2 });
    expect(moved.headers.location).toBe(`/prompts/${key}?moved=canary`);
    expect((await browser.get(moved.headers.location)).text).toContain('canary now points at v2.');
    const fromHistory = await browser.post(`/prompts/${key}/labels`, { label: 'staging', version: 1, back: 'history' });
    expect(fromHistory.headers.location).toBe(`/prompts/${key}/history?moved=staging`);
    const labels = async (): Promise<string[]> => {
      const { body } = await api().get(`/api/prompts/${key}/labels`).expect(200);
      return (body as LabelList).labels.map((l) => `${l.label}:${l.version}`);
    };
    expect(await labels()).toEqual(['canary:2', 'production:1', 'staging:1']);

    const editor = await browser.get(`/prompts/${key}`);
    // Every form on the editor and the history carries the CSRF token, those inside the label rows too.
    for (const page of [editor, await browser.get(`/prompts/${key}/history`)]) {
      const fields = [...page.text.matchAll(/name="_csrf" value="([^"]*)"/g)].map((m) => m[1]);
      expect(fields.length).toBeGreaterThanOrEqual(2);
      expect(new Set(fields)).toEqual(new Set([browser.csrfToken]));
    }
    expect(editor.text).toMatch(/<tr data-label="staging">[\s\S]*?Move to v2[\s\S]*?labels\/remove[\s\S]*?name="current" value="1"/);
    // Production of a live prompt has no Remove: deleting the prompt removes it.
    expect(rowOfLabel(editor.text, 'production')).not.toContain('labels/remove');
    const removed = await browser.post(`/prompts/${key}/labels/remove`, { label: 'staging', current: 1 });
    expect(removed.headers.location).toBe(`/prompts/${key}?removed=staging`);
    expect(await labels()).toEqual(['canary:2', 'production:1']);
    // A remove that names where the label pointed before someone moved it is refused, and says so.
    const stale = await browser.post(`/prompts/${key}/labels/remove`, { label: 'canary', current: 1 });
    expect(stale.status).toBe(412);
    expect(stale.text).toContain('points at version 2');
    expect((await browser.post(`/prompts/${key}/labels`, { label: 'Not A Label', version: 1 })).status).toBe(400);
  });

  it('promotes staging to production after showing the diff, and shows the page again when production moved meanwhile', async () => {
    const key = uniqueKey('PROMOTE');
    await api().post('/api/prompts').send({ key, text: 'Be kind.' }).expect(201);
    await api()
      .put(`/api/prompts/${key}`)
      .send({ text: 'Be kind and brief.', labels: ['staging'] })
      .expect(200);

    const page = await browser.get(`/prompts/${key}/promote`);
    expect(page.text).toContain('Promote staging → production');
    expect(page.text).toContain('What agents are served: production v1 → v2');
    expect(page.text).toContain('Be kind<mark> and brief</mark>.');
    expect(page.text).toMatch(/name="version" value="2"[\s\S]*name="current" value="1"[\s\S]*name="from" value="staging"/);
    expect(await production(key)).toMatchObject({ version: 1 });

    // Someone rolls production elsewhere between the page and the click: nothing is moved, the page comes back.
    await api().put(`/api/prompts/${key}`).send({ text: 'Hot fix.' }).expect(200);
    const stale = await browser.post(`/prompts/${key}/promote`, {
      version: 2,
      current: 1,
      from: 'staging',
      message: 'Promote staging (v2) to production',
    });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('Production moved since you loaded this page (it was at v1, it is at v3 now)');
    expect(await production(key)).toMatchObject({ version: 3 });

    const done = await browser.post(`/prompts/${key}/promote`, { version: 2, current: 3, from: 'staging', message: 'ship it' });
    expect(done.headers.location).toBe(`/prompts/${key}?moved=production`);
    expect(await production(key)).toMatchObject({ text: 'Be kind and brief.', version: 2 });
    const audit = (await api().get(`/api/audit?key=${key}&limit=1`).expect(200)).body.entries[0];
    expect(audit).toMatchObject({ kind: 'label', version: 2, message: 'ship it', moves: [{ label: 'production', from: 3, to: 2 }] });
    expect((await browser.get(`/prompts/${key}/promote`)).text).toContain(
      'Production already points at v2, where staging points: there is nothing to promote.',
    );
  });

  it('rolls production back without writing a version, and says so', async () => {
    const key = uniqueKey('ROLLBACK');
    await api().post('/api/prompts').send({ key, text: 'one' }).expect(201);
    await api().put(`/api/prompts/${key}`).send({ text: 'two' }).expect(200);
    const page = await browser.get(`/prompts/${key}/rollback?version=1`);
    expect(page.text).toContain('Production will point at v1');
    expect(page.text).toContain('No new version is written.');
    expect(page.text).toContain('What agents are served: v2 → v1');
    await browser.post(`/prompts/${key}/rollback`, { version: 1, message: 'back' });
    expect((await api().get(`/api/prompts/${key}/versions`).expect(200)).body.total).toBe(2);
    expect(await production(key)).toMatchObject({ version: 1 });
  });

  it('refuses the release forms without a valid CSRF token, and moves nothing', async () => {
    const key = uniqueKey('CSRF_RELEASE');
    await api()
      .post('/api/prompts')
      .send({ key, text: 'v1', labels: ['production', 'staging'] })
      .expect(201);
    await api()
      .put(`/api/prompts/${key}`)
      .send({ text: 'v2', labels: ['staging'] })
      .expect(200);
    await browser.get(`/prompts/${key}`);
    const forms: [string, Record<string, string | number>][] = [
      [`/prompts/${key}/labels`, { label: 'production', version: 2 }],
      [`/prompts/${key}/labels/remove`, { label: 'staging', current: 2 }],
      [`/prompts/${key}/promote`, { version: 2, current: 1 }],
      [`/prompts/${key}/rollback`, { version: 2 }],
    ];
    for (const [path, fields] of forms) {
      for (const _csrf of [undefined, 'forged']) {
        const res = await browser.post(path, { ...fields, _csrf });
        expect([path, res.status, res.text.includes('CSRF check failed')]).toEqual([path, 403, true]);
      }
    }
    const { body } = await api().get(`/api/prompts/${key}/labels`).expect(200);
    expect((body as LabelList).labels.map((l) => `${l.label}:${l.version}`)).toEqual(['production:1', 'staging:2']);
  });
});

/** The version a page's form carries (hidden `version`), as a browser would post it. */
function loadedVersion(html: string): string | undefined {
  return /name="version" value="(\d+)"/.exec(html)?.[1];
}

/** The list row of `key`. */
function rowOf(html: string, key: string): string {
  const start = html.indexOf(`<tr data-key="${key}"`);
  return html.slice(start, html.indexOf('</tr>', start));
}

function rowOfVersion(html: string, version: number): string {
  const start = html.indexOf(`<tr data-version="${version}"`);
  return html.slice(start, html.indexOf('</tr>', start));
}

function rowOfLabel(html: string, label: string): string {
  const start = html.indexOf(`<tr data-label="${label}"`);
  return html.slice(start, html.indexOf('</tr>', start));
}
