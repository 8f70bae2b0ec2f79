import type { Browser, BrowserContext, Dialog, Page } from 'playwright-core';
import request from 'supertest';
import { startApp, type TestApp } from './support/app.js';
import { ADMIN, bearer, EDITOR, rolesEnv } from './support/auth.js';
import { launchChromium, screenshot } from './support/chromium.js';
import { openStream } from './support/sse.js';

/**
 * The admin UI in a real browser (Debian's chromium, headless). Every wait is
 * on a selector, a URL or an event; screenshots land in test/artifacts/.
 */
// Generous: the machines are shared two-core boxes, and chromium is slow to start under load.
const SLOW = 90_000;

interface Box {
  left: number;
  right: number;
}
/**
 * An expression for the page (a string: the test compiles without DOM types, and a string is evaluated, not called):
 * where the first occurrence of each needle in the element's text is drawn, as left and right edges.
 */
function drawnAt(selector: string, needles: string[]): string {
  return `${JSON.stringify(needles)}.map((needle) => {
    const walker = document.createTreeWalker(document.querySelector(${JSON.stringify(selector)}), NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent.indexOf(needle);
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + needle.length);
      const { left, right } = range.getBoundingClientRect();
      return { left, right };
    }
    throw new Error('not on the page: ' + needle);
  })`;
}

describe('Admin UI in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  const dialogs: string[] = [];
  /** Console errors, CSP violations among them: the pages must run under the CSP without any. */
  let consoleErrors: string[] = [];

  beforeAll(async () => {
    [t, browser] = await Promise.all([startApp(), launchChromium()]);
    await api()
      .post('/api/prompts')
      .send({ key: 'AGENT_INSTRUCTION', text: 'You are Friday, a helpful voice assistant.\nSpeak naturally.', message: 'Seed' })
      .expect(201);
    await api().post('/api/prompts').send({ key: 'SESSION_INSTRUCTION', text: 'Greet the user and offer your help.' }).expect(201);
  }, SLOW);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    consoleErrors = [];
    context.on('page', (page) => {
      page.on('dialog', (d: Dialog) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      page.on('pageerror', (e) => consoleErrors.push(e.message));
    });
  });
  afterEach(async () => {
    // The conflict page is answered with 409 on purpose; chromium logs any 4xx resource as an error.
    expect(consoleErrors.filter((m) => !/status of 409/.test(m))).toEqual([]);
    await context.close();
  });

  const api = () => request(t.url);
  /** Opens a page and waits until its EventSource is connected. */
  async function open(path: string, on: BrowserContext = context): Promise<Page> {
    const page = await on.newPage();
    await page.goto(`${t.url}${path}`);
    await page.locator('[data-live][data-state="open"]').waitFor();
    return page;
  }

  it(
    'lets an operator create, edit, review history, diff and roll back',
    async () => {
      const page = await open('/');
      await screenshot(page, 'list');
      await page.getByRole('link', { name: 'New prompt' }).click();
      await page.locator('#key').fill('GREETING');
      await page.locator('#text').fill('Hello! I am Friday.\nHow can I help you today?');
      await page.locator('#message').fill('First greeting');
      await screenshot(page, 'create');
      await page.getByRole('button', { name: 'Create and publish to production' }).click();
      await page.waitForURL('**/prompts/GREETING?saved=1');

      await page.locator('#text').fill('Hello! I am Friday, your assistant.\nHow can I help you today?');
      await page.locator('#message').fill('Say who I am');
      await page.getByRole('button', { name: 'Save and publish to production' }).click();
      await page.waitForURL('**/prompts/GREETING?saved=2');
      await page.getByText('Saved version 2 and published it to production').waitFor();
      await screenshot(page, 'editor');

      // Ctrl/Cmd+S saves a draft: the safe default.
      await page.locator('#text').fill('Hello! I am Friday, your assistant.\nWhat can I do for you?');
      await page.keyboard.press('Control+s');
      await page.waitForURL('**/prompts/GREETING?saved=3');
      await page.getByText('Saved version 3 as a draft').waitFor();

      await page.getByRole('link', { name: 'History' }).click();
      await page.locator('tr[data-version="2"] [data-badge="production"]').waitFor();
      await page.locator('tr[data-version="3"] [data-badge="draft"]').waitFor();
      expect(await page.locator('tr[data-version="2"]').textContent()).toContain('Say who I am');
      await screenshot(page, 'history');

      await page.locator('tr[data-version="1"]').getByRole('link', { name: 'Diff vs newest' }).click();
      await page.locator('table.diff tr.add mark', { hasText: ', your assistant' }).waitFor();
      await screenshot(page, 'diff');

      await page.getByRole('link', { name: 'Roll back to v1…' }).click();
      await page.getByRole('heading', { name: 'Roll back GREETING to v1?' }).waitFor();
      await page.getByText('What agents are served: v2 → v1').waitFor();
      await screenshot(page, 'rollback-confirm');
      await page.getByRole('button', { name: 'Roll back to v1' }).click();
      await page.waitForURL('**/prompts/GREETING?moved=production');
      await page.getByText('production now points at v1.').waitFor();
      // The editor still edits the newest version, the draft.
      expect(await page.locator('#text').inputValue()).toBe('Hello! I am Friday, your assistant.\nWhat can I do for you?');
      expect((await api().get('/api/prompts/GREETING').expect(200)).body).toMatchObject({ version: 1 });
    },
    SLOW,
  );

  it(
    'shows a banner in a second page when the prompt changes there, keeps the draft, then the conflict',
    async () => {
      const mine = await open('/prompts/AGENT_INSTRUCTION');
      const theirs = await open('/prompts/AGENT_INSTRUCTION');
      const list = await open('/');
      await mine.locator('#text').fill('You are Friday. My unsaved draft.');

      await theirs.locator('#text').fill('You are Friday, a calm and helpful voice assistant.\nSpeak naturally.');
      await theirs.getByRole('button', { name: 'Save and publish to production' }).click();
      await theirs.waitForURL('**/prompts/AGENT_INSTRUCTION?saved=*');

      const banner = mine.locator('#change-banner');
      await banner.waitFor({ state: 'visible' });
      expect(await banner.textContent()).toMatch(/Changed by anonymous at revision \d+ \(now v2, in production\)/);
      expect(await mine.locator('#text').inputValue()).toBe('You are Friday. My unsaved draft.');
      await list.locator('tr[data-key="AGENT_INSTRUCTION"] [data-col="version"]', { hasText: 'v2' }).waitFor();
      await screenshot(mine, 'editor-banner');

      const diff = await Promise.all([context.waitForEvent('page'), mine.locator('[data-banner-diff]').click()]).then(([p]) => p);
      await diff.locator('table.diff mark', { hasText: 'calm and' }).waitFor();

      await mine.getByRole('button', { name: 'Save draft' }).click();
      await mine.getByRole('heading', { name: /Someone saved AGENT_INSTRUCTION/ }).waitFor();
      expect(await mine.locator('#overwrite-form textarea').inputValue()).toBe('You are Friday. My unsaved draft.');
      await screenshot(mine, 'conflict');
    },
    SLOW,
  );

  it(
    'keeps a draft and a staging move from a production subscriber, and promoting staging reaches it',
    async () => {
      await api().post('/api/prompts').send({ key: 'RELEASE', text: 'You are Friday.\nAnswer briefly.', message: 'Live' }).expect(201);
      await api()
        .post('/api/prompts')
        .send({ key: 'RELEASE_CANARY', text: 'Canary.', labels: ['production', 'canary'] })
        .expect(201);
      // An agent: a real stream on production's view, as the PromptClient holds it.
      const agent = await openStream(`${t.url}/api/prompts/stream?agent=friday-release`);
      try {
        await agent.changesUntil(1);
        const etag = await productionEtag();

        const editor = await open('/prompts/RELEASE');
        await editor.locator('#text').fill('You are Friday.\nAnswer briefly and warmly.');
        await editor.locator('#message').fill('Warmer');
        await screenshot(editor, 'editor-save-buttons');
        await editor.getByRole('button', { name: 'Save draft' }).click();
        await editor.waitForURL('**/prompts/RELEASE?saved=2');
        await editor.locator('#label-name').fill('staging');
        await editor.getByRole('button', { name: 'Move label' }).click();
        await editor.waitForURL('**/prompts/RELEASE?moved=staging');
        expect(await productionEtag()).toBe(etag);
        // A production change to another key after both: events come in revision order, so it must be the next one.
        await api().put('/api/prompts/RELEASE_CANARY').send({ text: 'Canary, again.' }).expect(200);
        await agent.changesUntil(2);
        expect(agent.changes.slice(1).map((e) => [e.event, e.data.key])).toEqual([['prompt.updated', 'RELEASE_CANARY']]);

        const list = await open('/');
        const row = list.locator('tr[data-key="RELEASE"]');
        await row.locator('[data-badge="staging"]', { hasText: 'staging v2' }).waitFor();
        expect(await row.locator('[data-col="ahead"]').textContent()).toBe('v2 on staging, production at v1');
        await screenshot(list, 'list-releases');

        await editor.getByRole('link', { name: 'Promote staging → production…' }).click();
        await editor.locator('[data-promote-diff] table.diff tr.add mark', { hasText: 'and warmly' }).waitFor();
        await screenshot(editor, 'promote-diff');
        await editor.getByRole('button', { name: 'Publish v2 to production' }).click();
        await editor.waitForURL('**/prompts/RELEASE?moved=production');

        await agent.changesUntil(3);
        expect(agent.changes[2]).toMatchObject({
          event: 'prompt.updated',
          data: { key: 'RELEASE', version: 2, text: 'You are Friday.\nAnswer briefly and warmly.', labels: ['production'], kind: 'label' },
        });
        expect(await productionEtag()).not.toBe(etag);
        // The list follows production: the row shows v2, and the note about a newer version goes.
        await row.locator('[data-col="version"]', { hasText: 'v2' }).waitFor();
        await row.locator('[data-col="ahead"]').waitFor({ state: 'detached' });
      } finally {
        await agent.close();
      }
    },
    SLOW,
  );

  it(
    'warns in the editor when someone saves a draft elsewhere, which no stream carries',
    async () => {
      await api().post('/api/prompts').send({ key: 'POLLED', text: 'Live text.' }).expect(201);
      const editor = await open('/prompts/POLLED');
      await api().put('/api/prompts/POLLED').send({ text: 'Their draft.', labels: [] }).expect(200);
      // The page asks for the newest version on a timer and whenever it gets the focus back.
      await editor.evaluate("window.dispatchEvent(new Event('focus'))");
      const banner = editor.locator('#change-banner');
      await banner.waitFor({ state: 'visible' });
      expect(await banner.textContent()).toMatch(/Changed by anonymous at revision \d+ \(now v2, a draft\)/);
      expect(await editor.locator('[data-banner-diff]').getAttribute('href')).toBe('/prompts/POLLED/diff?from=1&to=2');
    },
    SLOW,
  );

  it(
    'updates the list in place as prompts are created and deleted elsewhere',
    async () => {
      const list = await open('/');
      await api().post('/api/prompts').send({ key: 'LIVE_NEW', text: 'Appears without a reload.' }).expect(201);
      await list.locator('tr[data-key="LIVE_NEW"]', { hasText: 'Appears without a reload.' }).waitFor();
      await api().delete('/api/prompts/LIVE_NEW').expect(204);
      await list.locator('#deleted-list li[data-deleted-key="LIVE_NEW"]').waitFor();
      expect(await list.locator('tr[data-key="LIVE_NEW"]').count()).toBe(0);
      await list
        .locator('[data-revision-label]')
        .filter({ hasText: String(await currentRevision()) })
        .waitFor();
    },
    SLOW,
  );

  it(
    'renders hostile prompt text as text, live or not, and no dialog ever opens',
    async () => {
      const hostile = '<img src=x onerror=alert(1)> <script>alert(2)</script>';
      await api().post('/api/prompts').send({ key: 'HOSTILE', text: hostile, message: hostile }).expect(201);
      const list = await open('/');
      await list.getByText(hostile).first().waitFor();
      await api()
        .put('/api/prompts/HOSTILE')
        .send({ text: `${hostile} <svg onload=alert(3)>`, message: hostile })
        .expect(200);
      await list.getByText(`${hostile} <svg onload=alert(3)>`).waitFor();

      for (const path of ['/prompts/HOSTILE', '/prompts/HOSTILE/history', '/prompts/HOSTILE/diff?from=1']) {
        const page = await open(path);
        await page.getByText(hostile).first().waitFor();
      }
      const editor = await open('/prompts/HOSTILE');
      expect(await editor.locator('#text').inputValue()).toBe(`${hostile} <svg onload=alert(3)>`);
      expect(await editor.locator('img, svg').count()).toBe(0);
      await screenshot(editor, 'hostile');
      expect(dialogs).toEqual([]);
    },
    SLOW,
  );

  it(
    'shows direction controls in messages and texts as visible markers, so they cannot reorder the page',
    async () => {
      const RLO = '\u202e';
      // Raw, the override runs to the end of its paragraph: "gnp.exe”" would read "”exe.png", quote first.
      await api()
        .post('/api/prompts')
        .send({ key: 'BIDI', text: `Read the order.\nThe total is ${RLO}0001 USD.`, message: 'first' })
        .expect(201);
      await api()
        .put('/api/prompts/BIDI')
        .send({ text: `Read the order aloud.\nThe total is ${RLO}0001 USD.`, message: `fix typo ${RLO}gnp.exe` })
        .expect(200);

      const diff = await open('/prompts/BIDI/diff?from=1');
      // Where the characters are drawn: the message, then its closing quote, left to right.
      const [message, quote] = await diff.evaluate<Box[]>(drawnAt('.compare-side.add', ['gnp.exe', '”']));
      expect(quote.left).toBeGreaterThanOrEqual(message.right - 1);
      // One in the unchanged line of the diff, one in the message above it.
      expect(await diff.locator('table.diff .bidi').count()).toBe(1);
      expect(await diff.locator('.compare-side.add .bidi').count()).toBe(1);
      await screenshot(diff, 'bidi-diff');

      const history = await open('/prompts/BIDI/history');
      const marker = history.locator('tr[data-version="2"] td.message .bidi');
      expect(await marker.isVisible()).toBe(true);
      expect(await marker.getAttribute('title')).toBe('U+202E RIGHT-TO-LEFT OVERRIDE');
      expect(await history.locator('tr[data-version="2"] td.message').innerText()).toBe('fix typo ⟨U+202E⟩gnp.exe');
      await screenshot(history, 'bidi-history');
    },
    SLOW,
  );

  it(
    'works as plain HTML forms with JavaScript turned off',
    async () => {
      const noJs = await browser.newContext({ javaScriptEnabled: false });
      try {
        const page = await noJs.newPage();
        await page.goto(`${t.url}/prompts/new`);
        await page.locator('#key').fill('NO_JS');
        await page.locator('#text').fill('Plain forms.');
        await page.getByRole('button', { name: 'Create and publish to production' }).click();
        await page.waitForURL('**/prompts/NO_JS?saved=1');
        await page.locator('#text').fill('Plain forms still save.');
        // Enter in a field submits with the form's first button: a draft.
        await page.locator('#message').press('Enter');
        await page.waitForURL('**/prompts/NO_JS?saved=2');
        await page.getByText('Saved version 2 as a draft').waitFor();
        await page.locator('#label-name').fill('staging');
        await page.getByRole('button', { name: 'Move label' }).click();
        await page.waitForURL('**/prompts/NO_JS?moved=staging');
        await page.goto(`${t.url}/prompts/NO_JS/promote`);
        await page.getByRole('button', { name: 'Publish v2 to production' }).click();
        await page.waitForURL('**/prompts/NO_JS?moved=production');
        expect((await api().get('/api/prompts/NO_JS').expect(200)).body).toMatchObject({ version: 2 });
        await page.goto(`${t.url}/prompts/NO_JS/delete`);
        await page.getByRole('button', { name: 'Delete NO_JS' }).click();
        await page.waitForURL('**/?deleted=NO_JS');
        await page.locator('li[data-deleted-key="NO_JS"]').waitFor();
      } finally {
        await noJs.close();
      }
    },
    SLOW,
  );

  it(
    'reads well on a phone',
    async () => {
      const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      try {
        const list = await open('/', phone);
        await screenshot(list, 'phone-list');
        const editor = await open('/prompts/AGENT_INSTRUCTION', phone);
        await screenshot(editor, 'phone-editor');
        const diff = await open('/prompts/AGENT_INSTRUCTION/diff?from=1', phone);
        await screenshot(diff, 'phone-diff');
        // Nothing wider than the screen: no sideways scrolling on a phone.
        expect(await list.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      } finally {
        await phone.close();
      }
    },
    SLOW,
  );

  async function currentRevision(): Promise<number> {
    return (await api().get('/api/prompts').expect(200)).body.revision as number;
  }

  /** What a polling agent holds: the ETag of production's view. */
  async function productionEtag(): Promise<string> {
    return (await api().get('/api/prompts').expect(200)).headers.etag;
  }
});

describe('Admin UI login in a real browser (tokens configured)', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startApp({ env: rolesEnv() }), launchChromium()]);
  }, SLOW);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it(
    'logs in with an admin token, runs the live stream on the session cookie, and logs out',
    async () => {
      const context = await browser.newContext();
      const errors: string[] = [];
      const page = await context.newPage();
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${t.url}/prompts/new`);
      await page.waitForURL(/\/login\?next=%2Fprompts%2Fnew$/);
      await page.getByLabel('Admin token').fill(ADMIN.secret);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(/\/prompts\/new$/);
      await page.locator('[data-live][data-state="open"]').waitFor();
      await page.locator('[data-signed-in-as]', { hasText: ADMIN.name }).waitFor();
      await screenshot(page, 'signed-in');
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.waitForURL(/\/login$/);
      await page.goto(`${t.url}/`);
      await page.waitForURL(/\/login$/);
      expect(errors).toEqual([]);
      await context.close();
    },
    SLOW,
  );
  it(
    'lets an editor save drafts but not publish production: the control is disabled with the reason, and a forced post is refused',
    async () => {
      await request(t.url).post('/api/prompts').set(bearer(ADMIN.secret)).send({ key: 'EDITED', text: 'Live text.' }).expect(201);
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const errors: string[] = [];
      const page = await context.newPage();
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${t.url}/login`);
      await page.getByLabel('Admin token').fill(EDITOR.secret);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(/\/$/);
      await page.goto(`${t.url}/prompts/EDITED`);
      await page.locator('[data-live][data-state="open"]').waitFor();

      const publish = page.getByRole('button', { name: 'Save and publish to production' });
      expect(await publish.isDisabled()).toBe(true);
      expect(await page.locator('#publish-reason').textContent()).toMatch(/^Publishing production needs an admin/);
      expect(await publish.getAttribute('aria-describedby')).toBe('publish-reason');
      expect(await page.getByRole('button', { name: 'Save draft' }).isEnabled()).toBe(true);
      await page.locator('#text').fill('An editor tries to publish.');
      await screenshot(page, 'editor-as-editor');

      // Forced: the button enabled in the page and pressed. The server decides, whatever the page showed.
      await page.evaluate('document.querySelector(\'[data-save="production"]\').disabled = false');
      // The save's own answer: the editor's debounced live check (POST …/check) may land in the same moment.
      const isSave = (r: { request(): { method(): string }; url(): string }) =>
        r.request().method() === 'POST' && new URL(r.url()).pathname === '/prompts/EDITED';
      const [refused] = await Promise.all([page.waitForResponse(isSave), publish.click()]);
      expect(refused.status()).toBe(403);
      await page.locator('.notice.error', { hasText: 'label "production" is protected' }).waitFor();
      expect(await page.locator('#text').inputValue()).toBe('An editor tries to publish.');
      expect((await request(t.url).get('/api/prompts/EDITED').set(bearer(ADMIN.secret)).expect(200)).body).toMatchObject({ version: 1 });

      await page.getByRole('button', { name: 'Save draft' }).click();
      await page.waitForURL('**/prompts/EDITED?saved=2');
      expect((await request(t.url).get('/api/prompts/EDITED/versions').set(bearer(ADMIN.secret)).expect(200)).body.total).toBe(2);
      expect(errors).toEqual([]);
      await context.close();
    },
    SLOW,
  );
});
