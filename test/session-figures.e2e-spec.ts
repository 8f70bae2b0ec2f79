import request from 'supertest';
import type { SessionRecord } from '../src/protocol/sessions.js';
import { guardVerdict, metricFigure } from '../src/sessions/rollout-figures.js';
import { SessionStore } from '../src/sessions/session-store.js';
import { startApp, type TestApp } from './support/app.js';
import { AGENT, authEnv, bearer } from './support/auth.js';
import { aSession, aSessionReport } from './support/sessions.js';
import { storeTargets } from './support/store-targets.js';

/** One seeded call of rollout r-1: its variant and what happened in it. */
interface Seed {
  variant: 'candidate' | 'baseline';
  errors: number;
  interruptions: number;
  durationMs: number;
  endReason: string | null;
  resolved?: number;
}

/** 20 candidate calls (8 with errors: 40%) and 40 baseline calls (2 with errors: 5%), with varied other metrics. */
const SEEDS: Seed[] = [
  ...Array.from({ length: 20 }, (_, i): Seed => ({
    variant: 'candidate',
    errors: i < 8 ? 1 + (i % 2) : 0,
    interruptions: i % 3,
    durationMs: 10_000 + i * 1_000,
    endReason: i % 4 === 0 ? 'participant_disconnected' : 'user_hangup',
    ...(i % 2 === 0 ? { resolved: i % 4 === 0 ? 1 : 0 } : {}),
  })),
  ...Array.from({ length: 40 }, (_, i): Seed => ({
    variant: 'baseline',
    errors: i < 2 ? 1 : 0,
    interruptions: i % 5 === 0 ? 1 : 0,
    durationMs: 40_000 + i * 500,
    endReason: i % 10 === 0 ? 'user_hangup' : 'job_shutdown',
    resolved: i % 2,
  })),
];

const asSession = (s: Seed, i: number): SessionRecord =>
  aSession({
    sessionId: `room-${i}`,
    rollouts: { AGENT_INSTRUCTION: { rolloutId: 'r-1', variant: s.variant } },
    metrics: {
      turns: i % 7,
      userInterruptions: s.interruptions,
      agentErrors: s.errors,
      durationMs: s.durationMs,
      endReason: s.endReason,
      custom: s.resolved === undefined ? {} : { resolved: s.resolved },
    },
  });

/** The expected figure of one metric, summed here in plain code, independently of the stores' SQL. */
function expected(variant: Seed['variant'], value: (s: Seed, i: number) => number | undefined) {
  const values = SEEDS.flatMap((s, i) => (s.variant === variant ? [value(s, i)] : [])).filter((v): v is number => v !== undefined);
  return metricFigure({ n: values.length, sum: values.reduce((a, v) => a + v, 0), sumSquares: values.reduce((a, v) => a + v * v, 0) });
}

describe.each(storeTargets)('rollout figures on $name (SessionStore.rolloutFigures)', (target) => {
  let t: TestApp;
  let store: SessionStore;

  beforeAll(async () => {
    t = await startApp({ target, env: authEnv() });
    const api = request(t.url);
    const sessions = SEEDS.map(asSession);
    for (let i = 0; i < sessions.length; i += 50) {
      await api
        .post('/api/sessions/report')
        .set(bearer(AGENT.secret))
        .send(aSessionReport(sessions.slice(i, i + 50)))
        .expect(204);
    }
    // Calls of another rollout and calls in none stay out of r-1's figures.
    await api
      .post('/api/sessions/report')
      .set(bearer(AGENT.secret))
      .send(
        aSessionReport([
          aSession({ sessionId: 'other-1', rollouts: { K: { rolloutId: 'r-2', variant: 'candidate' } }, metrics: { agentErrors: 9 } as never }),
          aSession({ sessionId: 'plain-1', metrics: { agentErrors: 9 } as never }),
        ]),
      )
      .expect(204);
    store = t.app.get(SessionStore);
  });
  afterAll(() => t.close());

  it('sums every built-in and custom metric per variant in the database, matching sums done by hand', async () => {
    const f = await store.rolloutFigures('r-1', null);
    expect([f.candidate.sessions, f.baseline.sessions]).toEqual([20, 40]);
    expect([f.candidate.bad, f.baseline.bad]).toEqual([0, 0]);
    const metrics: [string, (s: Seed, i: number) => number | undefined][] = [
      ['turns', (_s, i) => i % 7],
      ['userInterruptions', (s) => s.interruptions],
      ['agentErrors', (s) => s.errors],
      ['durationMs', (s) => s.durationMs],
      ['custom:resolved', (s) => s.resolved],
    ];
    for (const [name, value] of metrics) {
      for (const variant of ['candidate', 'baseline'] as const) {
        const want = expected(variant, value);
        const got = f[variant].metrics[name];
        expect({ name, variant, n: got.n }).toEqual({ name, variant, n: want.n });
        for (const field of ['mean', 'low', 'high'] as const) expect(got[field]).toBeCloseTo(want[field], 6);
      }
      expect(f.difference[name].diff).toBeCloseTo(expected('candidate', value).mean - expected('baseline', value).mean, 6);
    }
    // Only half the candidate calls recorded `resolved`: its mean is over those.
    expect(f.candidate.metrics['custom:resolved'].n).toBe(10);
  });

  it.each([
    ['errors', 8, 2],
    ['interrupted', 13, 8],
    // user_hangup or participant_disconnected within 30 s: candidate calls 0-19 last 10-29 s; baseline calls last 40 s and more.
    ['early_hangup', 20, 0],
    ['custom:resolved', 5, 20],
    ['custom:nothing', 0, 0],
  ])('counts bad sessions for the guard metric %s', async (metric, candidateBad, baselineBad) => {
    const f = await store.rolloutFigures('r-1', metric);
    expect([f.candidate.bad, f.baseline.bad]).toEqual([candidateBad, baselineBad]);
  });

  it('gives the guard what it needs to abort 40% errors against 5% once minSessions is reached', async () => {
    const f = await store.rolloutFigures('r-1', 'errors');
    const guard = { metric: 'errors', maxIncrease: 0.05, minSessions: 20 };
    expect(guardVerdict(guard, f)).toMatchObject({ ready: true, abort: true, candidateRate: 0.4, baselineRate: 0.05 });
    expect(guardVerdict({ ...guard, minSessions: 21 }, f)).toMatchObject({ ready: false, abort: false });
  });

  it('answers a rollout without sessions with empty sides', async () => {
    const f = await store.rolloutFigures('r-none', 'errors');
    expect(f.candidate).toMatchObject({ sessions: 0, bad: 0 });
    expect(f.baseline.metrics.turns).toEqual({ n: 0, mean: 0, low: 0, high: 0 });
    expect(f.difference).toEqual({});
  });
});
