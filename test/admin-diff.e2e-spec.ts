import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { AdminBrowser } from './support/admin-browser.js';
import { startApp, type TestApp } from './support/app.js';

/**
 * The diff page on texts that used to hold the event loop for seconds (every
 * one under the default 32 KB PROMPT_MAX_BYTES): the server stays responsive
 * and the page still shows both sides. The app runs in this process, so the
 * event-loop delay histogram sees the server's own loop.
 */
// The diff work is bounded at ~25 ms of wall time; the rest is rendering. Generous for
// shared two-core machines, and far below what these inputs cost unbounded (1–90 s).
const MAX_LOOP_DELAY_MS = 250;

/** Space-separated words, deterministic: two seeds give two unrelated paragraphs of the same size. */
function prose(seed: number, bytes: number): string {
  const words = ['calm', 'brief', 'agent', 'voice', 'answer', 'the', 'caller', 'never', 'always', 'polite'];
  let text = '';
  for (let i = 0; text.length < bytes; i++) text += `${words[(i * seed + (i >> 3)) % words.length]} `;
  return text.slice(0, bytes);
}

const CASES = [
  { name: "'a\\n' × 16000 → 'b\\n' × 16000", key: 'DIFF_LINES', from: 'a\n'.repeat(16000), to: 'b\n'.repeat(16000), limit: 'lines' },
  { name: 'an 8 KB paragraph rewritten', key: 'DIFF_PARAGRAPH', from: prose(3, 8 * 1024), to: prose(7, 8 * 1024), limit: 'words' },
  { name: 'a 32 KB line rewritten', key: 'DIFF_LINE', from: prose(3, 32_000), to: prose(7, 32_000), limit: 'words' },
];

describe('Admin diff page on hostile inputs', () => {
  let t: TestApp;
  let browser: AdminBrowser;

  beforeAll(async () => {
    t = await startApp();
    browser = new AdminBrowser(t.url);
    for (const c of [...CASES, { key: 'WARM', from: 'Be calm.', to: 'Be brief.' }]) {
      await request(t.url).post('/api/prompts').send({ key: c.key, text: c.from }).expect(201);
      await request(t.url).put(`/api/prompts/${c.key}`).send({ text: c.to }).expect(200);
    }
    // The first render compiles the templates; that one-off cost is not what this suite measures.
    await browser.get('/prompts/WARM/diff?from=1');
  });
  afterAll(async () => {
    await t.close();
  });

  /** The largest event-loop delay while the page is requested and answered. */
  async function loopDelayDuring(path: string): Promise<{ maxMs: number; status: number; text: string }> {
    const histogram = monitorEventLoopDelay({ resolution: 1 });
    histogram.enable();
    // The histogram records from its second tick on: a block before that would go unseen.
    await sleep(20);
    const { status, text } = await browser.get(path);
    histogram.disable();
    return { maxMs: histogram.max / 1e6, status, text };
  }

  it.each(CASES)(
    '$name: the event loop stays responsive and the page shows both texts',
    async ({ key, from, to, limit }) => {
      const { maxMs, status, text } = await loopDelayDuring(`/prompts/${key}/diff?from=1`);
      expect(status).toBe(200);
      expect(maxMs).toBeLessThan(MAX_LOOP_DELAY_MS);
      expect(text).toContain(`data-diff-limit="${limit}"`);
      // Both sides, whole: the first and last words of each text are on the page.
      for (const side of [from, to]) {
        expect(text).toContain(side.slice(0, 40));
        expect(text).toContain(side.trimEnd().slice(-40));
      }
    },
    // Before the bound, one of these took 40 s and more: fail on the assertion, not the timeout.
    180_000,
  );

  it('keeps word highlights for an ordinary edit of a large prompt', async () => {
    const base = prose(3, 16_000);
    const edited = base.replace('voice', 'VOICE');
    await request(t.url).post('/api/prompts').send({ key: 'DIFF_SMALL', text: base }).expect(201);
    await request(t.url).put('/api/prompts/DIFF_SMALL').send({ text: edited }).expect(200);
    const { maxMs, text } = await loopDelayDuring('/prompts/DIFF_SMALL/diff?from=1');
    expect(maxMs).toBeLessThan(MAX_LOOP_DELAY_MS);
    expect(text).toContain('<mark>VOICE</mark>');
    expect(text).not.toContain('data-diff-limit');
  });
});
