import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import type { SessionRecord } from '../src/protocol/sessions.js';
import { startApp, type TestApp } from './support/app.js';
import { launchChromium, screenshot } from './support/chromium.js';
import { aSession, aSessionReport } from './support/sessions.js';

/**
 * The Calls page and a call's timeline in a real browser (Debian's chromium,
 * headless), on calls reported through the API as an agent would. Every wait
 * is on a selector or a URL; screenshots land in test/artifacts/.
 */
const SLOW = 90_000;
// Two hours ago, on a whole minute: the pages show times relative to now.
const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 2 * 60 * 60_000;
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

/** The call the timeline shows: a canary that got version 3, then a live edit at its second turn, and an unsupported change. */
const CANARY: SessionRecord = aSession({
  sessionId: 'room-canary-7',
  startedAt: at(600),
  endedAt: at(742),
  prompts: { AGENT_INSTRUCTION: 4, SESSION_INSTRUCTION: 1 },
  rollouts: { AGENT_INSTRUCTION: { rolloutId: 'r-demo', variant: 'candidate' } },
  receipts: [
    { revision: 5, key: 'AGENT_INSTRUCTION', version: 4, at: at(640), outcome: 'applied' },
    {
      revision: 6,
      key: 'SESSION_INSTRUCTION',
      version: 2,
      at: at(700),
      outcome: 'unsupported',
      detail: 'OpenAI realtime model: instructions are fixed per session',
    },
  ],
  turns: [
    { at: at(605), revision: 4, versions: { AGENT_INSTRUCTION: 3, SESSION_INSTRUCTION: 1 } },
    { at: at(620), revision: 4, versions: { AGENT_INSTRUCTION: 3, SESSION_INSTRUCTION: 1 } },
    { at: at(650), revision: 5, versions: { AGENT_INSTRUCTION: 4, SESSION_INSTRUCTION: 1 } },
    { at: at(710), revision: 5, versions: { AGENT_INSTRUCTION: 4, SESSION_INSTRUCTION: 1 } },
  ],
  metrics: { turns: 4, userInterruptions: 1, agentErrors: 0, durationMs: 142_000, endReason: 'participant_disconnected', custom: { resolved: 1 } },
});

/** Older calls: baseline calls on version 2, one with an error, and one still running. */
const OTHERS: SessionRecord[] = Array.from({ length: 5 }, (_, i) =>
  aSession({
    sessionId: `room-${String.fromCharCode(97 + i)}`,
    startedAt: at(i * 100),
    endedAt: i === 4 ? null : at(i * 100 + 60 + i * 7),
    prompts: { AGENT_INSTRUCTION: i < 2 ? 2 : 3 },
    rollouts: i >= 2 ? { AGENT_INSTRUCTION: { rolloutId: 'r-demo', variant: 'baseline' } } : undefined,
    receipts: i === 3 ? [{ revision: 3, key: 'AGENT_INSTRUCTION', version: 3, at: at(i * 100 + 20), outcome: 'deferred' }] : [],
    metrics: {
      turns: 3 + i,
      userInterruptions: i % 2,
      agentErrors: i === 1 ? 2 : 0,
      durationMs: (60 + i * 7) * 1000,
      endReason: i === 4 ? null : 'participant_disconnected',
      custom: {},
    },
  }),
);

describe('Calls pages in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let consoleErrors: string[] = [];

  beforeAll(async () => {
    [t, browser] = await Promise.all([startApp(), launchChromium()]);
    await request(t.url)
      .post('/api/sessions/report')
      .send(aSessionReport([...OTHERS, CANARY], 'friday-host-1'))
      .expect(204);
  }, SLOW);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    consoleErrors = [];
    context.on('page', (page) => {
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      page.on('pageerror', (e) => consoleErrors.push(e.message));
    });
  });
  afterEach(async () => {
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  async function open(path: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${t.url}${path}`);
    await page.locator('[data-live][data-state="open"]').waitFor();
    return page;
  }
  const rows = async (page: Page) => Promise.all((await page.locator('[data-calls] tbody tr').all()).map((tr) => tr.getAttribute('data-session')));

  it(
    'lists calls newest first from the nav, filters them by key and version, and pages through them',
    async () => {
      const page = await open('/');
      await page.getByRole('link', { name: 'Calls', exact: true }).click();
      await page.waitForURL(/\/calls$/);
      expect(await rows(page)).toEqual(['room-canary-7', 'room-e', 'room-d', 'room-c', 'room-b', 'room-a']);
      await screenshot(page, 'calls');

      await page.getByLabel('Only calls that ran this prompt key').fill('AGENT_INSTRUCTION');
      await page.getByLabel('Only calls that ran this version of the key').fill('2');
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.waitForURL(/version=2/);
      expect(await rows(page)).toEqual(['room-b', 'room-a']);

      await page.goto(`${t.url}/calls?limit=4`);
      expect(await rows(page)).toEqual(['room-canary-7', 'room-e', 'room-d', 'room-c']);
      await page.locator('[data-next-calls]').click();
      await page.waitForURL(/before=/);
      expect(await rows(page)).toEqual(['room-b', 'room-a']);
      expect(await page.locator('[data-next-calls]').count()).toBe(0);
    },
    SLOW,
  );

  it(
    "shows a call's timeline: the versions each turn ran on, each change with its outcome, the metrics",
    async () => {
      const page = await open('/calls');
      await page.getByRole('link', { name: 'room-canary-7' }).click();
      await page.waitForURL(/\/calls\/room-canary-7$/);
      const timeline = (await page.locator('[data-timeline] > li').allTextContents()).map((text) => text.replace(/\s+/g, ' ').trim());
      expect(timeline).toEqual([
        expect.stringMatching(/^\+0:05 Turn 1 on rev 4: AGENT_INSTRUCTION v3 SESSION_INSTRUCTION v1$/),
        expect.stringMatching(/Turn 2 on rev 4: AGENT_INSTRUCTION v3 SESSION_INSTRUCTION v1$/),
        expect.stringMatching(/Change rev 5: AGENT_INSTRUCTION v4 applied$/),
        expect.stringMatching(/Turn 3 on rev 5: AGENT_INSTRUCTION v4 SESSION_INSTRUCTION v1 new version$/),
        expect.stringMatching(/^\+1:40 Change rev 6: SESSION_INSTRUCTION v2 unsupported OpenAI realtime model/),
        expect.stringMatching(/Turn 4 on rev 5: AGENT_INSTRUCTION v4 SESSION_INSTRUCTION v1$/),
      ]);
      expect(await page.locator('[data-metric="agentErrors"]').textContent()).toBe('0');
      expect(await page.locator('[data-metric="resolved"]').textContent()).toBe('1');
      expect(await page.locator('[data-variant="AGENT_INSTRUCTION"]').textContent()).toBe('rollout candidate');
      await screenshot(page, 'call-timeline');

      const missing = await page.goto(`${t.url}/calls/room-nowhere`);
      expect(missing?.status()).toBe(404);
      consoleErrors = consoleErrors.filter((m) => !/status of 404/.test(m));
    },
    SLOW,
  );
});
