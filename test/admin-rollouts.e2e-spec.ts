import request from 'supertest';
import type { Rollout } from '../src/protocol/rollouts.js';
import { AdminBrowser } from './support/admin-browser.js';
import { startApp, type TestApp } from './support/app.js';
import { aSession, aSessionReport } from './support/sessions.js';

/**
 * The rollout pages of the admin UI without JavaScript (docs/admin.md,
 * "Rollouts"): start from the history, raise, abort with a reason, complete,
 * each posted through RolloutsService and read back through the API. The
 * server runs open; the role matrix is test/roles-ui.e2e-spec.ts.
 */
describe('Admin UI: rollout pages', () => {
  let t: TestApp;
  let browser: AdminBrowser;
  let n = 0;

  beforeAll(async () => {
    t = await startApp({ env: { RATE_LIMIT_WRITES_PER_MIN: '100000' } });
  });
  afterAll(() => t.close());
  beforeEach(() => {
    browser = new AdminBrowser(t.url);
  });

  const api = () => request(t.url);
  const rolloutOf = async (key: string, id: string) => (await api().get(`/api/prompts/${key}/rollouts/${id}`).expect(200)).body as Rollout;

  /** Production at v1, a candidate v2. */
  async function aPrompt(): Promise<string> {
    const key = `ROLL_UI_${(n += 1)}`;
    await api().post('/api/prompts').send({ key, text: 'baseline text' }).expect(201);
    await api().put(`/api/prompts/${key}`).send({ text: 'candidate text', labels: [] }).expect(200);
    return key;
  }

  /** Starts a rollout of v2 through the form the history links to; answers its id. */
  async function started(key: string, fields: Record<string, string> = {}): Promise<string> {
    const history = await browser.get(`/prompts/${key}/history`);
    expect(history.text).toContain(`href="/prompts/${key}/rollouts/new?version=2" data-start-rollout`);
    const form = await browser.get(`/prompts/${key}/rollouts/new?version=2`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('value="production"');
    const res = await browser.post(`/prompts/${key}/rollouts`, { version: '2', label: 'production', percent: '10', apply: 'live', ...fields });
    expect(res.status).toBe(303);
    const id = new RegExp(`^/prompts/${key}/rollouts/([A-Za-z0-9_-]+)\\?started=1$`).exec(res.headers.location)?.[1];
    expect(id).toBeDefined();
    return id!;
  }

  it('starts, raises and aborts a rollout with a reason; the history shows each step', async () => {
    const key = await aPrompt();
    const id = await started(key, { message: 'try v2', guardMetric: 'errors', guardMaxIncrease: '0.05', guardMinSessions: '50' });
    expect(await rolloutOf(key, id)).toMatchObject({ status: 'active', baseline: 1, candidate: 2, percent: 10, guard: { metric: 'errors' } });

    // The list, the editor and the key's rollouts show it as active.
    expect((await browser.get('/')).text).toContain(`data-rollout-badge href="/prompts/${key}/rollouts/${id}"`);
    expect((await browser.get(`/prompts/${key}`)).text).toContain('production: v2 at 10%');
    expect((await browser.get(`/prompts/${key}/rollouts`)).text).toMatch(new RegExp(`<tr data-rollout="${id}">[\\s\\S]*?data-status="active"`));

    const raised = await browser.post(`/prompts/${key}/rollouts/${id}/percent`, { percent: '30' });
    expect([raised.status, raised.headers.location]).toEqual([303, `/prompts/${key}/rollouts/${id}`]);
    expect((await rolloutOf(key, id)).percent).toBe(30);

    const page = await browser.get(`/prompts/${key}/rollouts/${id}`);
    expect(page.text).toContain('<strong data-percent>30%</strong>');
    expect(page.text.replaceAll('&#x3D;', '=')).toContain(`href="/calls?key=${key}&amp;version=2" data-calls-link`);
    expect(page.text).toContain('data-verdict');

    // A blank reason is refused by the service: the page again, saying why; nothing changed.
    const blank = await browser.post(`/prompts/${key}/rollouts/${id}/abort`, { reason: '  ', apply: 'live' });
    expect(blank.status).toBe(422);
    expect(blank.text).toContain('reason must not be blank');
    expect((await rolloutOf(key, id)).status).toBe('active');

    const aborted = await browser.post(`/prompts/${key}/rollouts/${id}/abort`, { reason: 'callers <hang> up', apply: 'live' });
    expect(aborted.status).toBe(303);
    expect(await rolloutOf(key, id)).toMatchObject({ status: 'aborted', reason: 'callers <hang> up' });
    const after = (await browser.get(`/prompts/${key}/rollouts/${id}`)).text;
    expect(after).toContain('data-status="aborted"');
    expect(after).toContain('callers &lt;hang&gt; up');
    expect(after).not.toContain('id="abort-form"');
    const steps = [...after.matchAll(/<tr data-step="([a-z]+)">\s*<td>[a-z]+<\/td>\s*<td class="num">([0-9.]+)%/g)].map((m) => [m[1], m[2]]);
    expect(steps).toEqual([
      ['abort', '0'],
      ['percent', '30'],
      ['start', '10'],
    ]);
    expect((await browser.get(`/prompts/${key}`)).text).not.toContain('data-rollout-badge');
  });

  it('completes a rollout: production moves to the candidate', async () => {
    const key = await aPrompt();
    const id = await started(key);
    const done = await browser.post(`/prompts/${key}/rollouts/${id}/complete`, { apply: 'live' });
    expect(done.status).toBe(303);
    expect((await rolloutOf(key, id)).status).toBe('completed');
    expect((await api().get(`/api/prompts/${key}`).expect(200)).body).toMatchObject({ version: 2 });
    expect((await browser.get(`/prompts/${key}/rollouts`)).text).toContain('data-no-active');
  });

  it('shows the figures per variant with their intervals and the difference', async () => {
    const key = await aPrompt();
    const id = await started(key, { percent: '50' });
    const calls = Array.from({ length: 6 }, (_, i) =>
      aSession({
        sessionId: `fig-${key}-${i}`,
        prompts: { [key]: i % 2 ? 2 : 1 },
        rollouts: { [key]: { rolloutId: id, variant: i % 2 ? 'candidate' : 'baseline' } },
        metrics: { turns: 2 + i, userInterruptions: 0, agentErrors: i % 2, durationMs: 30_000, endReason: 'user_hangup', custom: {} },
      }),
    );
    await api().post('/api/sessions/report').send(aSessionReport(calls)).expect(204);
    const page = (await browser.get(`/prompts/${key}/rollouts/${id}`)).text;
    expect(page).toContain('baseline v1 3 sessions, candidate v2 3 sessions');
    // turns: baseline 2, 4, 6 (mean 4); candidate 3, 5, 7 (mean 5); difference +1.
    expect(page).toMatch(/<tr data-metric="turns">[\s\S]*?>4 <span[^>]*>\[[^\]]+\] n=3[\s\S]*?>5 <span[^>]*>\[[^\]]+\] n=3[\s\S]*?>\+1<\/span>/);
  });

  it('refuses a bad percent or guard on the start form with the rule, and starts nothing', async () => {
    const key = await aPrompt();
    await browser.get(`/prompts/${key}/rollouts/new?version=2`);
    for (const fields of [{ percent: '0' }, { percent: 'lots' }, { percent: '10', guardMetric: 'errors', guardMinSessions: '1' }]) {
      const res = await browser.post(`/prompts/${key}/rollouts`, { version: '2', label: 'production', ...fields });
      expect([JSON.stringify(fields), res.status]).toEqual([JSON.stringify(fields), 422]);
      expect(res.text).toContain('data-refused');
    }
    expect((await api().get(`/api/prompts/${key}/rollouts`).expect(200)).body.rollouts).toEqual([]);
  });

  it('answers abuse of the rollout routes with an error page and writes nothing', async () => {
    const key = await aPrompt();
    const id = await started(key);
    const cases: [string, () => Promise<{ status: number }>, number][] = [
      ['a rollout id with bad characters', () => browser.get(`/prompts/${key}/rollouts/a%20b`), 400],
      ['an id too long', () => browser.get(`/prompts/${key}/rollouts/${'x'.repeat(65)}`), 400],
      ['a rollout nobody started', () => browser.get(`/prompts/${key}/rollouts/nobody`), 404],
      ['a rollout of another key', () => browser.get(`/prompts/NO_SUCH_KEY/rollouts/${id}`), 404],
      ['a start page without a version', () => browser.get(`/prompts/${key}/rollouts/new`), 400],
      ['an apply scope that does not exist', () => browser.post(`/prompts/${key}/rollouts/${id}/percent`, { percent: '20', apply: 'soon' }), 400],
      ['a percent of 13 characters', () => browser.post(`/prompts/${key}/rollouts/${id}/percent`, { percent: '1'.repeat(13) }), 400],
      ['an abort without a reason field', () => browser.post(`/prompts/${key}/rollouts/${id}/abort`, {}), 400],
      ['a form without its CSRF token', () => browser.post(`/prompts/${key}/rollouts/${id}/abort`, { reason: 'x', _csrf: undefined }), 403],
    ];
    for (const [name, run, status] of cases) expect([name, (await run()).status]).toEqual([name, status]);
    expect(await rolloutOf(key, id)).toMatchObject({ status: 'active', percent: 10 });
    expect((await rolloutOf(key, id)).history).toHaveLength(1);
  });
});
