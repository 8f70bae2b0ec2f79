import request from 'supertest';
import { inCandidate, type Rollout } from '../src/protocol/rollouts.js';
import type { SessionRecord } from '../src/protocol/sessions.js';
import { startApp, type TestApp } from './support/app.js';
import { openStream, type SseStream } from './support/sse.js';
import { aSession, aSessionReport } from './support/sessions.js';
import { storeTargets } from './support/store-targets.js';
import { waitFor } from './support/wait-for.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

const SECRET = 'guard-webhook-secret-0123';
const GUARD = { metric: 'errors', maxIncrease: 0.05, minSessions: 50 };

/**
 * The guarded canary (docs/rollouts.md, "The guard"): agents report their
 * calls; once each side has minSessions, a candidate worse than the baseline
 * by more than maxIncrease with 95% confidence is aborted by the server itself.
 */
describe.each(storeTargets)('the rollout guard on $name', (target) => {
  let t: TestApp;
  let api: ReturnType<typeof request>;
  let receiver: WebhookReceiver;
  let stream: SseStream | undefined;

  beforeEach(async () => {
    receiver = await WebhookReceiver.start(SECRET);
    t = await startApp({ target, env: { WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: SECRET } });
    api = request(t.url);
    await api.post('/api/prompts').send({ key: 'A', text: 'baseline' }).expect(201);
    await api.put('/api/prompts/A').send({ text: 'candidate', labels: [] }).expect(200);
  });
  afterEach(async () => {
    await stream?.close();
    await t.close();
    await receiver.stop();
  });

  /** `count` calls of each variant, assigned by the specified hash at 50%; `rate` of each side's calls had an agent error. */
  const calls = (rolloutId: string, count: number, rates: { candidate: number; baseline: number }): SessionRecord[] => {
    const picked = { candidate: [] as string[], baseline: [] as string[] };
    for (let i = 0; picked.candidate.length < count || picked.baseline.length < count; i++) {
      const id = `room-${target.name}-${i}`;
      const side = inCandidate(rolloutId, id, 50) ? picked.candidate : picked.baseline;
      if (side.length < count) side.push(id);
    }
    return (['candidate', 'baseline'] as const).flatMap((variant) =>
      picked[variant].map((sessionId, i) =>
        aSession({
          sessionId,
          endedAt: new Date().toISOString(),
          prompts: { A: variant === 'candidate' ? 2 : 1 },
          rollouts: { A: { rolloutId, variant } },
          metrics: { agentErrors: i < Math.round(count * rates[variant]) ? 1 : 0, turns: 4, durationMs: 60_000 } as never,
        }),
      ),
    );
  };
  const report = async (sessions: SessionRecord[]) => {
    for (let i = 0; i < sessions.length; i += 50)
      await api
        .post('/api/sessions/report')
        .send(aSessionReport(sessions.slice(i, i + 50)))
        .expect((res) => {
          if (res.status !== 204) throw new Error(`the report answered ${res.status}: ${JSON.stringify(res.body)}`);
        });
  };
  const evaluations = async (outcome: string): Promise<number> => {
    const text = (await api.get('/metrics').expect(200)).text;
    const line = text.split('\n').find((l) => l.startsWith(`promptcast_rollout_guard_evaluations_total{outcome="${outcome}"}`));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };

  it('aborts a candidate with errors in 40% of calls against 5% on its own, as author guard, with the figures, a webhook and an event', async () => {
    stream = await openStream(`${t.url}/api/prompts/stream`);
    await stream.changesUntil(1);
    const r = (await api.post('/api/prompts/A/rollouts').send({ version: 2, percent: 50, guard: GUARD }).expect(201)).body as Rollout;
    // Below minSessions on each side the guard waits, whatever the rates.
    await report(calls(r.id, 20, { candidate: 0.4, baseline: 0.05 }));
    await waitFor(async () => (await evaluations('wait')) >= 1, 'the guard waiting for minSessions');
    expect((await api.get(`/api/prompts/A/rollouts/${r.id}`).expect(200)).body).toMatchObject({ status: 'active' });
    await report(calls(r.id, 100, { candidate: 0.4, baseline: 0.05 }));
    await waitFor(async () => ((await api.get(`/api/prompts/A/rollouts/${r.id}`)).body as Rollout).status === 'aborted', 'the guard to abort');
    const aborted = (await api.get(`/api/prompts/A/rollouts/${r.id}`).expect(200)).body as Rollout & { verdict: { abort: boolean } };
    expect(aborted).toMatchObject({ status: 'aborted', updatedBy: 'guard', percent: 0, verdict: { abort: true } });
    // It aborts as soon as the evidence suffices: maybe before every batch of the report is in, so the counts may be partial.
    expect(aborted.reason).toMatch(
      /^guard: the candidate is worse with 95% confidence: candidate 40\.0% \(\d+\/\d+\) vs baseline \d+\.\d% \(\d+\/\d+\) sessions failing errors, allowed increase 5\.0%/,
    );
    expect(aborted.reason).toMatch(/z = \d+\.\d\d > 1\.645/);
    expect((await api.get('/api/prompts/A').expect(200)).body).toMatchObject({ version: 1, rollout: null });
    const events = await stream.changesUntil(3);
    expect(events[2].data).toMatchObject({ kind: 'rollout', step: 'abort', author: 'guard', version: 1, rollout: null, apply: 'live' });
    await waitFor(() => receiver.received.some((w) => w.body.step === 'abort'), 'the abort webhook');
    expect(receiver.received.find((w) => w.body.step === 'abort')?.body).toMatchObject({ author: 'guard', kind: 'rollout' });
    const { entries } = (await api.get('/api/audit?author=guard').expect(200)).body as { entries: { rollout: unknown }[] };
    expect(entries).toEqual([expect.objectContaining({ rollout: { id: r.id, step: 'abort' } })]);
  });

  it('keeps a rollout whose candidate fails as often as the baseline', async () => {
    const r = (await api.post('/api/prompts/A/rollouts').send({ version: 2, percent: 50, guard: GUARD }).expect(201)).body as Rollout;
    await report(calls(r.id, 100, { candidate: 0.05, baseline: 0.05 }));
    await waitFor(async () => (await evaluations('keep')) >= 1, 'the guard to evaluate a ready rollout');
    const kept = (await api.get(`/api/prompts/A/rollouts/${r.id}`).expect(200)).body as Rollout & { verdict: { ready: boolean; abort: boolean } };
    expect(kept).toMatchObject({ status: 'active', verdict: { ready: true, abort: false } });
    expect(await evaluations('abort')).toBe(0);
    expect((await api.get('/api/prompts/A').expect(200)).body).toMatchObject({ rollout: { id: r.id, percent: 50 } });
  });
});
