import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import type { Rollout } from '../src/protocol/rollouts.js';
import { startApp, type TestApp } from './support/app.js';
import { launchChromium } from './support/chromium.js';
import { aSession, aSessionReport } from './support/sessions.js';

/**
 * The rollout pages in a real browser (Debian's chromium, headless): start a
 * rollout from the history, sessions of both variants reported as an agent
 * would, the figures, raise, abort. Every wait is on a selector or a URL; the
 * rollout page's screenshot goes to docs/img/rollout.png (docs/admin.md).
 */
const SLOW = 90_000;
const DOCS_IMG = join(process.cwd(), 'docs', 'img');
const KEY = 'AGENT_INSTRUCTION';

describe('Rollout pages in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    [t, browser] = await Promise.all([startApp(), launchChromium()]);
    const api = request(t.url);
    await api.post('/api/prompts').send({ key: KEY, text: 'You are Friday, a helpful voice assistant.' }).expect(201);
    await api
      .put(`/api/prompts/${KEY}`)
      .send({ text: 'You are Friday, a helpful voice assistant. Keep answers under two sentences.', labels: [], message: 'Shorter answers' })
      .expect(200);
  }, SLOW);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** 40 calls per variant: the candidate is shorter and resolves more, with a few more errors. */
  async function report(rolloutId: string): Promise<void> {
    const calls = Array.from({ length: 80 }, (_, i) => {
      const candidate = i % 2 === 1;
      return aSession({
        sessionId: `room-${i}`,
        prompts: { [KEY]: candidate ? 2 : 1 },
        rollouts: { [KEY]: { rolloutId, variant: candidate ? 'candidate' : 'baseline' } },
        endedAt: new Date().toISOString(),
        metrics: {
          turns: (candidate ? 5 : 7) + (i % 5),
          userInterruptions: i % (candidate ? 4 : 3) === 0 ? 1 : 0,
          agentErrors: i % (candidate ? 9 : 13) === 0 ? 1 : 0,
          durationMs: (candidate ? 70_000 : 95_000) + (i % 7) * 4_000,
          endReason: 'participant_disconnected',
          custom: { resolved: i % (candidate ? 5 : 3) === 0 ? 0 : 1 },
        },
      });
    });
    // A report carries a bounded batch: two of them.
    for (const batch of [calls.slice(0, 40), calls.slice(40)])
      await request(t.url).post('/api/sessions/report').send(aSessionReport(batch, 'friday-host-1')).expect(204);
  }

  it(
    'starts a rollout from the history, shows both variants with intervals, raises it and aborts it with a reason',
    async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page: Page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      page.on('pageerror', (e) => consoleErrors.push(e.message));

      await page.goto(`${t.url}/prompts/${KEY}/history`);
      await page.locator('tr[data-version="2"] [data-start-rollout]').click();
      await page.waitForURL(/\/rollouts\/new\?version=2$/);
      await page.getByLabel('Percent of its sessions on v2').fill('50');
      await page.getByLabel('Metric').selectOption('errors');
      await page.getByLabel('Sessions on each side before it judges').fill('30');
      await page.getByRole('button', { name: 'Start rollout' }).click();
      await page.waitForURL(/\/rollouts\/[A-Za-z0-9_-]+\?started=1$/);
      const id = /\/rollouts\/([A-Za-z0-9_-]+)\?/.exec(page.url())![1];

      await report(id);
      await page.reload();
      expect(await page.locator('[data-figures] tbody tr').count()).toBeGreaterThanOrEqual(5);
      expect(await page.locator('tr[data-metric="custom:resolved"]').textContent()).toMatch(/n=40[\s\S]*n=40/);
      expect(await page.locator('[data-verdict]').textContent()).toMatch(/ready/);
      await page.screenshot({ path: join(DOCS_IMG, 'rollout.png'), fullPage: true });

      await page.getByLabel('Percent on the candidate').fill('75');
      await page.getByRole('button', { name: 'Set percent' }).click();
      await page.locator('[data-percent]', { hasText: '75%' }).waitFor();

      await page.getByLabel('Why stop it').fill('Resolved rate fell on the candidate');
      await page.getByRole('button', { name: /Abort/ }).click();
      await page.locator('[data-status="aborted"]').first().waitFor();
      expect(await page.locator('tr[data-step="abort"] .message').textContent()).toBe('Resolved rate fell on the candidate');
      const rollout = (await request(t.url).get(`/api/prompts/${KEY}/rollouts/${id}`).expect(200)).body as Rollout;
      expect(rollout.history.map((s) => s.action)).toEqual(['start', 'percent', 'abort']);
      expect(consoleErrors).toEqual([]);
      await context.close();
    },
    SLOW,
  );
});
