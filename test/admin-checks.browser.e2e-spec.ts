import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { startApp, type TestApp } from './support/app.js';
import { launchChromium, screenshot } from './support/chromium.js';

/**
 * The editor's live checks in a real browser (docs/admin.md, "Variables and
 * checks"): as the operator types, the list beside the text follows the
 * server's checks and a row appears per placeholder; filling it clears the
 * error. Every wait is on the panel's state or a selector. The screenshot of
 * the editor goes to docs/img/ (it illustrates docs/admin.md).
 */
const SLOW = 90_000;
const DOCS_IMG = join(process.cwd(), 'docs', 'img');

describe('Admin UI: live checks in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let consoleErrors: string[] = [];

  beforeAll(async () => {
    [t, browser] = await Promise.all([startApp(), launchChromium()]);
    await request(t.url)
      .post('/api/prompts')
      .send({ key: 'AGENT_INSTRUCTION', text: 'You are Friday, a helpful voice assistant.\nSpeak naturally, in short sentences.' })
      .expect(201);
  }, SLOW);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    consoleErrors = [];
    context.on('page', (page) => {
      page.on('console', (m) => {
        // A 422 page is answered on purpose; chromium logs any 4xx document as an error.
        if (m.type() === 'error' && !/status of 422/.test(m.text())) consoleErrors.push(m.text());
      });
      page.on('pageerror', (e) => consoleErrors.push(e.message));
    });
  });
  afterEach(async () => {
    // CSP violations are console errors: the script and its fetches must run under the admin's CSP.
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  /**
   * Waits for the answer to the latest edit: the script marks the panel `pending` in the edit's own input event
   * (before fill() returns), and `done` only once the answer to the newest request is shown.
   */
  const settled = (page: Page) => page.locator('[data-checks][data-state="done"]').waitFor();
  const codes = async (page: Page) =>
    Promise.all((await page.locator('[data-check-list] [data-check]').all()).map((li) => li.getAttribute('data-check')));

  it(
    'updates the checks as the operator types, adds a row for a new placeholder, and clears the error once it is filled',
    async () => {
      const page = await context.newPage();
      await page.goto(`${t.url}/prompts/AGENT_INSTRUCTION`);
      await page.locator('[data-check-none]').waitFor();
      await page.locator('#text').fill('You are Friday, a voice assistant.\nGreet {{caller_name}}.\n## Steps\n- ask\n- answer **once**');
      await settled(page);
      expect(await codes(page)).toEqual(['variable-undeclared', 'markdown-heading', 'bullet-list', 'markdown-emphasis']);
      await page.locator('[data-check="variable-undeclared"]').getByText('{{caller_name}} is used but not declared').waitFor();
      await page.locator('[data-check="variable-undeclared"]').getByText('line 2, column 7').waitFor();
      expect(await page.locator('[data-error-count]').textContent()).toBe('1 error');
      expect(await page.locator('[data-tokens]').textContent()).toMatch(/^≈ \d+ tokens \(\+\d+ from production\)$/);
      // A row for the placeholder, empty: it declares nothing until the operator says how it is filled.
      const row = page.locator('tr[data-variable="caller_name"]');
      await row.waitFor();
      expect(await page.locator('[data-force-box]').isVisible()).toBe(true);
      await page.locator('#message').fill('Greet the caller by name');
      // The form as laid out at the top of the page: an element shot scrolls it under the sticky header.
      await page.evaluate('window.scrollTo(0, 0)');
      const form = await page.locator('#editor-form').boundingBox();
      if (!form) throw new Error('the editor form is not on the page');
      await page.screenshot({ path: join(DOCS_IMG, 'editor-checks.png'), fullPage: true, clip: form });
      await row.getByLabel('Default of caller_name').fill('there');
      await row.getByLabel('Description of caller_name').fill('The caller, from the dispatch metadata');
      await settled(page);
      await page.locator('[data-check="variable-undeclared"]').waitFor({ state: 'detached' });
      expect(await codes(page)).toEqual(['markdown-heading', 'bullet-list', 'markdown-emphasis']);
      expect(await page.locator('[data-error-count]').textContent()).toBe('0 errors');
      expect(await page.locator('[data-force-box]').isVisible()).toBe(false);

      // Removing the placeholder takes its row away; putting it back brings back what was typed.
      await page.locator('#text').fill('You are Friday, a helpful voice assistant.\nGreet the caller and speak in short sentences.');
      await settled(page);
      await row.waitFor({ state: 'detached' });
      await page.locator('[data-no-variables]').waitFor();
      await page.locator('#text').fill('You are Friday, a helpful voice assistant.\nGreet {{caller_name}} and speak in short sentences.');
      await settled(page);
      expect(await row.getByLabel('Default of caller_name').inputValue()).toBe('there');
      expect(await codes(page)).toEqual([]);

      await page.getByRole('button', { name: 'Save and publish to production' }).click();
      await page.waitForURL('**/prompts/AGENT_INSTRUCTION?saved=2');
      const served = await request(t.url).get('/api/prompts/AGENT_INSTRUCTION').expect(200);
      expect(served.body).toMatchObject({
        version: 2,
        text: 'You are Friday, a helpful voice assistant.\nGreet {{caller_name}} and speak in short sentences.',
        variables: { caller_name: { default: 'there', description: 'The caller, from the dispatch metadata' } },
      });
    },
    SLOW,
  );

  it(
    'checks a new prompt as it is typed; a required box declares a variable the agent passes',
    async () => {
      const page = await context.newPage();
      await page.goto(`${t.url}/prompts/new`);
      await page.locator('#key').fill('GREETING_LIVE');
      await page.locator('#text').fill('Hello {{caller_name}}, see https://example.com');
      await settled(page);
      expect(await codes(page)).toEqual(['variable-undeclared', 'bare-url']);
      await page.getByLabel('caller_name is required').check();
      await settled(page);
      expect(await codes(page)).toEqual(['bare-url']);
      await screenshot(page, 'new-prompt-checks');
      await page.getByRole('button', { name: 'Create and publish to production' }).click();
      await page.waitForURL('**/prompts/GREETING_LIVE?saved=1');
      const served = await request(t.url).get('/api/prompts/GREETING_LIVE').expect(200);
      expect(served.body.variables).toEqual({ caller_name: {} });
    },
    SLOW,
  );

  it(
    'shows a refused publish with its checks and publishes with force and a reason',
    async () => {
      const page = await context.newPage();
      await page.goto(`${t.url}/prompts/GREETING_LIVE`);
      await page.locator('#text').fill('Hello {{caller_name}}, I am {{agent_name}}.');
      await page.locator('tr[data-variable="agent_name"]').waitFor();
      await page.getByRole('button', { name: 'Save and publish to production' }).click();
      await page.locator('[role="alert"]').getByText('cannot be published to "production"').waitFor();
      await page.locator('[data-check="variable-undeclared"]').getByText('{{agent_name}}').waitFor();
      await page.getByLabel('Publish to production even though the checks found errors').check();
      await page.getByLabel(/^Reason/).fill('agent_name ships with the worker today');
      await screenshot(page, 'editor-force');
      await page.getByRole('button', { name: 'Save and publish to production' }).click();
      await page.waitForURL('**/prompts/GREETING_LIVE?saved=2');
      const audit = await request(t.url).get('/api/audit?key=GREETING_LIVE&limit=1').expect(200);
      expect(audit.body.entries[0].forced).toBe('agent_name ships with the worker today');
    },
    SLOW,
  );

  it(
    'without JavaScript, "Check without saving" shows the rows and the checks, and saves nothing',
    async () => {
      const noJs = await browser.newContext({ javaScriptEnabled: false });
      const page = await noJs.newPage();
      await page.goto(`${t.url}/prompts/AGENT_INSTRUCTION`);
      await page.locator('#text').fill('Hi {{caller_city}}!\n1. listen\n2. answer');
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Check without saving' }).click()]);
      // The rows posted were the old text's: caller_name is declared and no longer used. The page now has the new text's rows.
      expect(await codes(page)).toEqual(['variable-undeclared', 'variable-unused', 'size-change', 'numbered-list']);
      expect(await page.locator('tr[data-variable]:not([data-variable=""])').count()).toBe(1);
      await page.getByLabel('Default of caller_city').fill('your town');
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Check without saving' }).click()]);
      expect(await codes(page)).toEqual(['size-change', 'numbered-list']);
      const versions = await request(t.url).get('/api/prompts/AGENT_INSTRUCTION/versions').expect(200);
      expect(versions.body.total).toBe(2);
      await noJs.close();
    },
    SLOW,
  );
});
