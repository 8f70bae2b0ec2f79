import request from 'supertest';
import { AdminBrowser, type PageResponse } from './support/admin-browser.js';
import { startApp, type TestApp } from './support/app.js';
import { ADMIN, AGENT, bearer, EDITOR, rolesEnv, VIEWER } from './support/auth.js';

type Caller = 'admin' | 'editor' | 'viewer' | 'agent' | 'none';
const CALLERS: Caller[] = ['admin', 'editor', 'viewer', 'agent', 'none'];
/** What a caller gets: a page (200), a redirect after a form (303), a refusal page (403), a not-found page (404), or the login page (401 → 303 /login). */
type Outcome = 200 | 303 | 403 | 404 | 'login';

/** One admin UI route and what each caller gets. `{}` in a path or field is replaced by a prompt key made for the row. */
interface Row {
  name: string;
  method: 'get' | 'post';
  path: string;
  form?: Record<string, string | number>;
  expect: Record<Caller, Outcome>;
  /** What a 403 page says, when it is not the missing scope or the protected label. */
  refusal?: string;
}

const page = (name: string, path: string): Row => ({
  name,
  method: 'get',
  path,
  expect: { admin: 200, editor: 200, viewer: 200, agent: 200, none: 'login' },
});
/** A form anyone who may write can post. */
const edit = (name: string, path: string, form: Row['form']): Row => ({
  name,
  method: 'post',
  path,
  form,
  expect: { admin: 303, editor: 303, viewer: 403, agent: 403, none: 'login' },
});
/** A form that moves production: only for those who may publish. */
const publish = (name: string, path: string, form: Row['form']): Row => ({
  ...edit(name, path, form),
  expect: { ...edit(name, path, form).expect, editor: 403 },
});

/** A form that only reads (the checks): every visitor who signs in; an agent's bearer token has no form token. */
const check = (name: string, path: string, form: Row['form']): Row => ({
  name,
  method: 'post',
  path,
  form,
  expect: { admin: 200, editor: 200, viewer: 200, agent: 403, none: 'login' },
  refusal: 'CSRF check failed',
});

/**
 * The role matrix of the admin UI: admin / editor / viewer / agent / none ×
 * every page and form, as test/roles.e2e-spec.ts does for the API. Each row
 * runs on a prompt made for it: production and staging at v1, staging at v2
 * (a release candidate), a draft v3.
 */
const ROWS: Row[] = [
  page('the list', '/'),
  { ...page('the create form', '/prompts/new'), expect: { admin: 200, editor: 200, viewer: 403, agent: 403, none: 'login' } },
  page('the editor', '/prompts/{}'),
  page('history', '/prompts/{}/history'),
  page('a diff', '/prompts/{}/diff?from=1'),
  page('promote', '/prompts/{}/promote'),
  page('roll back', '/prompts/{}/rollback?version=2'),
  page('delete', '/prompts/{}/delete'),
  page('the calls', '/calls?key={}'),
  page('the rollouts', '/prompts/{}/rollouts'),
  page('start a rollout', '/prompts/{}/rollouts/new?version=2'),
  { ...page('a call nobody reported', '/calls/nobody-{}'), expect: { admin: 404, editor: 404, viewer: 404, agent: 404, none: 'login' } },
  edit('create a draft', '/prompts', { key: 'NEW_{}', text: 'x' }),
  edit('create in staging', '/prompts', { key: 'NEW_{}', text: 'x', label: 'staging' }),
  publish('create live (production)', '/prompts', { key: 'NEW_{}', text: 'x', label: 'production' }),
  edit('save a draft', '/prompts/{}', { text: 'x', version: 3 }),
  edit('save to staging', '/prompts/{}', { text: 'x', version: 3, label: 'staging' }),
  publish('save and publish', '/prompts/{}', { text: 'x', version: 3, label: 'production' }),
  edit('move staging', '/prompts/{}/labels', { label: 'staging', version: 3 }),
  publish('move production', '/prompts/{}/labels', { label: 'production', version: 3 }),
  edit('remove staging', '/prompts/{}/labels/remove', { label: 'staging', current: 2 }),
  publish('promote staging', '/prompts/{}/promote', { version: 2, current: 1, from: 'staging' }),
  publish('roll back', '/prompts/{}/rollback', { version: 2 }),
  publish('delete', '/prompts/{}/delete', { version: 3 }),
  edit('start a rollout of staging', '/prompts/{}/rollouts', { version: 3, percent: '10', label: 'staging' }),
  publish('start a rollout of production', '/prompts/{}/rollouts', { version: 2, percent: '10', label: 'production' }),
  // Checking writes nothing: whoever may read the page may check a text (the rate limit bounds it). An agent's bearer
  // token carries no form token: it checks through POST /api/prompts/:key/check.
  check('check without saving', '/prompts/{}/check', { text: 'Hi {{x}}', varName: 'x', varDefault: '', varDescription: '' }),
  check('check a new prompt', '/prompts/new/check', { key: 'NEW_{}', text: 'Hi' }),
  publish('publish over failing checks with force', '/prompts/{}', {
    text: 'Hi {{x}}',
    version: 3,
    label: 'production',
    force: '1',
    reason: 'known',
  }),
  publish('promote over failing checks with force', '/prompts/{}/promote', { version: 2, current: 1, from: 'staging', force: '1', reason: 'known' }),
];

describe('the admin UI role matrix (sessions for admin, editor and viewer; an agent bearer token; nobody)', () => {
  let t: TestApp;
  let n = 0;
  const browsers = {} as Record<Caller, AdminBrowser>;

  beforeAll(async () => {
    t = await startApp({ env: rolesEnv({ RATE_LIMIT_WRITES_PER_MIN: '100000' }) });
    browsers.admin = await signedIn(t.url, ADMIN.secret);
    browsers.editor = await signedIn(t.url, EDITOR.secret);
    browsers.viewer = await signedIn(t.url, VIEWER.secret);
    browsers.agent = new AdminBrowser(t.url, bearer(AGENT.secret));
    browsers.none = new AdminBrowser(t.url);
  });
  afterAll(() => t.close());

  async function aReleasedPrompt(): Promise<string> {
    const key = `UI${(n += 1)}`;
    const admin = request(t.url);
    await admin
      .post('/api/prompts')
      .set(bearer(ADMIN.secret))
      .send({ key, text: 'v1', labels: ['production', 'staging'] })
      .expect(201);
    await admin
      .put(`/api/prompts/${key}`)
      .set(bearer(ADMIN.secret))
      .send({ text: 'v2 candidate', labels: ['staging'] })
      .expect(200);
    await admin.put(`/api/prompts/${key}`).set(bearer(ADMIN.secret)).send({ text: 'v3 draft', labels: [] }).expect(200);
    return key;
  }

  const cases = ROWS.flatMap((row) => CALLERS.map((caller) => [row.name, caller, row.expect[caller], row] as const));

  it.each(cases)('%s as %s: %s', async (_name, caller, outcome, row) => {
    const key = await aReleasedPrompt();
    const fill = (text: string) => text.replaceAll('{}', key);
    const browser = browsers[caller];
    let res: PageResponse;
    if (row.method === 'get') res = await browser.get(fill(row.path));
    else {
      // A form comes from a page, which carries the CSRF token (the login page, for someone not signed in).
      await browser.get(caller === 'none' ? '/login' : '/');
      res = await browser.post(fill(row.path), JSON.parse(fill(JSON.stringify(row.form))) as Record<string, string>);
    }
    if (outcome === 'login') {
      expect([res.status, res.headers.location]).toEqual([303, expect.stringMatching(/^\/login(\?next=|$)/)]);
      return;
    }
    expect(res.status).toBe(outcome);
    if (outcome === 303) expect(res.headers.location).not.toMatch(/^\/login/);
    // Refused, the page says why: an editor is stopped by the protected label, a viewer or an agent by the missing scope.
    if (outcome === 403)
      expect(res.text).toContain(
        row.refusal ?? (caller === 'editor' ? 'label &quot;production&quot; is protected' : 'does not have the &quot;write&quot; scope'),
      );
  });

  it('shows viewers and agents every page without edit controls', async () => {
    const key = await aReleasedPrompt();
    for (const caller of ['viewer', 'agent'] as const) {
      for (const row of ROWS.filter((r) => r.method === 'get' && r.expect[caller] === 200)) {
        const { text } = await browsers[caller].get(row.path.replaceAll('{}', key));
        expect([caller, row.name, postForms(text)]).toEqual([caller, row.name, []]);
        expect(text).not.toContain('<textarea');
        expect(text).not.toContain('href="/prompts/new"');
        expect(text).not.toMatch(/(Restore|Roll back|Publish|Promote staging)[^<]*…<\/a>/);
      }
    }
    expect((await browsers.viewer.get(`/prompts/${key}`)).text).toContain('<pre class="code-view"><bdi>v3 draft</bdi></pre>');
  });

  it('shows editors the controls that move production disabled, with the reason, and the rest enabled', async () => {
    const key = await aReleasedPrompt();
    const editor = (await browsers.editor.get(`/prompts/${key}`)).text;
    expect(editor).toContain(
      '<button type="submit" name="label" value="production" class="publish" data-save="production" disabled aria-describedby="publish-reason">',
    );
    expect(editor).toMatch(/id="publish-reason" data-reason="production">Publishing production needs an admin/);
    expect(editor).toContain('<button type="submit" name="label" value="staging" data-save="staging">');
    expect(editor).toMatch(/<button type="button" disabled aria-describedby="promote-reason">Promote staging → production…<\/button>/);
    expect(editor).toMatch(
      /<tr data-label="production">[\s\S]*?<button type="submit" class="small" disabled>Move to v3<\/button>[\s\S]*?Publishing production needs an admin/,
    );
    for (const path of [`/prompts/${key}/promote`, `/prompts/${key}/rollback?version=2`, `/prompts/${key}/delete`]) {
      const { text } = await browsers.editor.get(path);
      expect([path, /<button type="submit" class="(primary|danger)" disabled aria-describedby="[a-z]+-reason">/.test(text)]).toEqual([path, true]);
      expect(text).toContain('Publishing production needs an admin');
    }
    // An admin gets the same controls enabled.
    const admin = (await browsers.admin.get(`/prompts/${key}`)).text;
    expect(admin).toContain('<button type="submit" name="label" value="production" class="publish" data-save="production">');
    expect(admin).not.toContain('needs an admin');
  });

  it('shows a production rollout to editors with its controls disabled and the reason, to viewers without forms, to admins enabled', async () => {
    const key = await aReleasedPrompt();
    const started = await request(t.url).post(`/api/prompts/${key}/rollouts`).set(bearer(ADMIN.secret)).send({ version: 2, percent: 10 }).expect(201);
    const path = `/prompts/${key}/rollouts/${started.body.id as string}`;
    const editor = (await browsers.editor.get(path)).text;
    expect(editor.match(/<button type="submit"[^>]* disabled aria-describedby="step-reason">/g)).toHaveLength(3);
    expect(editor).toMatch(/id="step-reason">Publishing production needs an admin/);
    expect(postForms((await browsers.viewer.get(path)).text)).toEqual([]);
    const admin = (await browsers.admin.get(path)).text;
    expect(admin).toContain('id="abort-form"');
    expect(admin).not.toContain('disabled aria-describedby="step-reason"');
  });
});

async function signedIn(url: string, secret: string): Promise<AdminBrowser> {
  const browser = new AdminBrowser(url);
  await browser.get('/login');
  const res = await browser.post('/login', { token: secret });
  if (res.status !== 303) throw new Error(`login answered ${res.status}`);
  return browser;
}

/** The actions of a page's POST forms, but the logout form every signed-in page has. */
function postForms(html: string): string[] {
  return [...html.matchAll(/<form method="post" action="([^"]+)"/g)].map((m) => m[1]).filter((action) => action !== '/logout');
}

describe('the admin UI with another protected label (PROTECTED_LABELS=production,eu)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ env: rolesEnv({ PROTECTED_LABELS: 'production,eu' }) });
  });
  afterAll(() => t.close());

  it('shows an editor the controls of that label disabled with the reason, and refuses a forced move', async () => {
    const admin = request(t.url);
    await admin
      .post('/api/prompts')
      .set(bearer(ADMIN.secret))
      .send({ key: 'EU', text: 'v1', labels: ['production', 'eu'] })
      .expect(201);
    await admin.put('/api/prompts/EU').set(bearer(ADMIN.secret)).send({ text: 'v2', labels: [] }).expect(200);
    const editor = await signedIn(t.url, EDITOR.secret);
    const page = (await editor.get('/prompts/EU')).text;
    const row = page.slice(page.indexOf('<tr data-label="eu">'), page.indexOf('</tr>', page.indexOf('<tr data-label="eu">')));
    expect(row).toContain('<button type="submit" class="small" disabled>Move to v2</button>');
    expect(row).toContain('<button type="submit" class="small danger-outline" disabled>Remove</button>');
    expect(row).toContain('&quot;eu&quot; is protected (PROTECTED_LABELS): moving it needs an admin.');
    // The label field does not suggest it.
    expect(page).not.toContain('<option value="eu">');
    const forced = await editor.post('/prompts/EU/labels', { label: 'eu', version: 2 });
    expect(forced.status).toBe(403);
    expect(forced.text).toContain('label &quot;eu&quot; is protected');
    expect((await editor.post('/prompts/EU/labels/remove', { label: 'eu', current: 1 })).status).toBe(403);
  });
});
