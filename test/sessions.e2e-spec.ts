import request from 'supertest';
import { SessionsService } from '../src/sessions/sessions.service.js';
import { SessionStore } from '../src/sessions/session-store.js';
import type { SessionRecord, StoredSession } from '../src/protocol/sessions.js';
import { startApp, type TestApp } from './support/app.js';
import { AGENT, authEnv, bearer, VIEWER } from './support/auth.js';
import { aSession, aSessionReport, minutesAgo } from './support/sessions.js';
import { storeTargets } from './support/store-targets.js';

/** A second agent token: another fleet, or a leaked token in an attacker's hands. */
const OTHER = { name: 'other-fleet', secret: 'other-agent-secret-0123456789' };
const env = () =>
  authEnv({ AGENT_TOKENS: `${AGENT.name}:${AGENT.secret},${OTHER.name}:${OTHER.secret}`, VIEWER_TOKENS: `${VIEWER.name}:${VIEWER.secret}` });

describe.each(storeTargets)('session reports on $name (POST /api/sessions/report, GET /api/sessions[/:id])', (target) => {
  let t: TestApp;
  let api: ReturnType<typeof request>;
  const report = (sessions: SessionRecord[], secret = AGENT.secret) =>
    api.post('/api/sessions/report').set(bearer(secret)).send(aSessionReport(sessions));
  const read = (path: string) => api.get(path).set(bearer(VIEWER.secret));
  const ids = (body: { sessions: StoredSession[] }) => body.sessions.map((s) => s.sessionId);

  beforeEach(async () => {
    t = await startApp({ target, env: env() });
    api = request(t.url);
  });
  afterEach(() => t.close());

  it("makes a call's receipts, turns and metrics readable from GET /api/sessions/:id", async () => {
    const call = aSession({
      sessionId: 'room-42',
      startedAt: '2026-03-01T10:00:00.000Z',
      endedAt: '2026-03-01T10:02:30.250Z',
      prompts: { AGENT_INSTRUCTION: 3, SESSION_INSTRUCTION: 1 },
      rollouts: { AGENT_INSTRUCTION: { rolloutId: 'r-1', variant: 'candidate' } },
      receipts: [
        { revision: 7, key: 'AGENT_INSTRUCTION', version: 3, at: '2026-03-01T10:01:00.000Z', outcome: 'applied' },
        { revision: 8, key: 'SESSION_INSTRUCTION', version: 2, at: '2026-03-01T10:01:30.000Z', outcome: 'unsupported', detail: 'realtime model' },
      ],
      turns: [
        { at: '2026-03-01T10:00:05.000Z', revision: 6, versions: { AGENT_INSTRUCTION: 2 } },
        { at: '2026-03-01T10:01:05.000Z', revision: 7, versions: { AGENT_INSTRUCTION: 3 } },
      ],
      metrics: {
        turns: 2,
        userInterruptions: 1,
        agentErrors: 0,
        durationMs: 150_250,
        endReason: 'participant_disconnected',
        custom: { resolved: 1 },
      },
    });
    await report([call]).expect(204);

    const res = await read('/api/sessions/room-42').expect(200);
    expect(res.body).toEqual({ ...call, agentId: 'friday-1', reportedAt: expect.any(String) });
    expect(Date.now() - Date.parse(res.body.reportedAt)).toBeLessThan(60_000);
    // A time with an offset is stored as UTC with milliseconds.
    await report([aSession({ sessionId: 'room-43', startedAt: '2026-03-01T12:00:00+02:00' })]).expect(204);
    expect((await read('/api/sessions/room-43').expect(200)).body.startedAt).toBe('2026-03-01T10:00:00.000Z');
  });

  it('answers an unknown session with a 404 and a bad id with a 400, as JSON', async () => {
    const missing = await read('/api/sessions/room-nowhere').expect(404);
    expect(missing.body).toEqual({ statusCode: 404, error: 'Not Found', message: expect.stringContaining('room-nowhere') });
    const bad = await read(`/api/sessions/${encodeURIComponent('-bad id')}`).expect(400);
    expect(bad.body.message).toMatch(/session id must be/);
  });

  it('keeps the newest report of a session: its metrics, receipts and prompt index replace the older ones', async () => {
    await report([aSession({ sessionId: 'room-1', prompts: { AGENT_INSTRUCTION: 1 }, metrics: { turns: 1 } as never })]).expect(204);
    await report([
      aSession({
        sessionId: 'room-1',
        prompts: { AGENT_INSTRUCTION: 2 },
        endedAt: minutesAgo(0),
        receipts: [{ revision: 2, key: 'AGENT_INSTRUCTION', version: 2, at: minutesAgo(0), outcome: 'applied' }],
        metrics: { turns: 5, endReason: 'user_hangup' } as never,
      }),
    ]).expect(204);

    const got = (await read('/api/sessions/room-1').expect(200)).body as StoredSession;
    expect(got.metrics).toMatchObject({ turns: 5, endReason: 'user_hangup' });
    expect(got.receipts).toHaveLength(1);
    expect(ids((await read('/api/sessions?key=AGENT_INSTRUCTION&version=2').expect(200)).body)).toEqual(['room-1']);
    // The older report's version is gone from the index, and the call is listed once.
    expect(ids((await read('/api/sessions?key=AGENT_INSTRUCTION&version=1').expect(200)).body)).toEqual([]);
    expect(ids((await read('/api/sessions').expect(200)).body)).toEqual(['room-1']);
  });

  it('refuses a session another token reported with a 409 naming it, and stores nothing of that report', async () => {
    await report([aSession({ sessionId: 'room-mine' })]).expect(204);
    const res = await report(
      [aSession({ sessionId: 'room-fresh' }), aSession({ sessionId: 'room-mine', metrics: { turns: 99 } as never })],
      OTHER.secret,
    ).expect(409);
    expect(res.body).toEqual({ statusCode: 409, error: 'Conflict', message: expect.stringContaining('"room-mine"') });
    expect((await read('/api/sessions/room-mine').expect(200)).body.metrics.turns).toBe(0);
    await read('/api/sessions/room-fresh').expect(404);
    // The owner may go on reporting it.
    await report([aSession({ sessionId: 'room-mine', metrics: { turns: 3 } as never })]).expect(204);
    expect((await read('/api/sessions/room-mine').expect(200)).body.metrics.turns).toBe(3);
  });

  it('pages newest first with an opaque cursor, filtered by key, version and label', async () => {
    const calls = Array.from({ length: 7 }, (_, i) =>
      aSession({
        sessionId: `room-${i}`,
        // Two calls share a start time: the session id breaks the tie, so no page repeats or skips one.
        startedAt: minutesAgo(i === 4 ? 30 : 60 - i * 5),
        label: i % 2 === 0 ? 'production' : 'staging',
        prompts: { AGENT_INSTRUCTION: i < 3 ? 1 : 2 },
      }),
    );
    await report(calls).expect(204);

    const pages: string[][] = [];
    let next: string | null = null;
    do {
      const query: string = next ? `?limit=3&before=${next}` : '?limit=3';
      const body = (await read(`/api/sessions${query}`).expect(200)).body as { sessions: StoredSession[]; next: string | null };
      pages.push(ids(body));
      next = body.next;
    } while (next);
    expect(pages).toEqual([['room-6', 'room-4', 'room-5'], ['room-3', 'room-2', 'room-1'], ['room-0']]);
    expect(ids((await read('/api/sessions?key=AGENT_INSTRUCTION&version=1').expect(200)).body)).toEqual(['room-2', 'room-1', 'room-0']);
    expect(ids((await read('/api/sessions?key=AGENT_INSTRUCTION&label=staging').expect(200)).body)).toEqual(['room-5', 'room-3', 'room-1']);
    expect(ids((await read('/api/sessions?label=production&limit=2').expect(200)).body)).toEqual(['room-6', 'room-4']);
    expect(ids((await read('/api/sessions?key=OTHER_KEY').expect(200)).body)).toEqual([]);
  });

  it('prunes calls older than SESSION_RETENTION_DAYS, in bounded batches', async () => {
    const day = 24 * 60;
    await report([
      aSession({ sessionId: 'room-old', startedAt: minutesAgo(31 * day) }),
      aSession({ sessionId: 'room-recent', startedAt: minutesAgo(29 * day) }),
    ]).expect(204);
    const sessions = t.app.get(SessionsService);
    // Retention also runs on a report, at most every ten minutes; called here so the test waits on nothing.
    await sessions.pruneExpired();
    await read('/api/sessions/room-old').expect(404);
    await read('/api/sessions/room-recent').expect(200);
    // Two days later the second one goes too.
    expect(await sessions.pruneExpired(Date.now() + 2 * day * 60_000)).toBe(1);
    expect(ids((await read('/api/sessions').expect(200)).body)).toEqual([]);
    // The store itself deletes at most `limit` per call, oldest first.
    await report(Array.from({ length: 5 }, (_, i) => aSession({ sessionId: `room-b${i}`, startedAt: minutesAgo(40 * day + i) }))).expect(204);
    expect(await t.app.get(SessionStore).prune(minutesAgo(35 * day), 2)).toBe(2);
    expect(ids((await read('/api/sessions').expect(200)).body)).toEqual(['room-b0', 'room-b1', 'room-b2']);
  });

  it('tells onReported listeners the rollouts a stored report names, once each and only after it is stored', async () => {
    const heard: string[][] = [];
    const stop = t.app.get(SessionsService).onReported((rolloutIds) => heard.push(rolloutIds));
    const inRollout = (sessionId: string, rolloutId: string) =>
      aSession({ sessionId, rollouts: { AGENT_INSTRUCTION: { rolloutId, variant: 'baseline' } } });
    await report([inRollout('room-a', 'r-1'), inRollout('room-b', 'r-1'), inRollout('room-c', 'r-2')]).expect(204);
    await report([aSession({ sessionId: 'room-d' })]).expect(204);
    await report([inRollout('room-a', 'r-3')], OTHER.secret).expect(409);
    stop();
    await report([inRollout('room-e', 'r-4')]).expect(204);
    expect(heard).toEqual([['r-1', 'r-2']]);
  });
});

describe('a session report flood (RATE_LIMIT_REPORTS_PER_MIN)', () => {
  let t: TestApp | undefined;
  afterEach(() => t?.close());

  it('answers 429 with Retry-After past the per-token budget it shares with fleet reports, and stores nothing of the refused report', async () => {
    t = await startApp({ env: { ...env(), RATE_LIMIT_REPORTS_PER_MIN: '3' } });
    const api = request(t.url);
    const report = (id: string, secret = AGENT.secret) =>
      api
        .post('/api/sessions/report')
        .set(bearer(secret))
        .send(aSessionReport([aSession({ sessionId: id })]));
    await api
      .post('/api/agents/report')
      .set(bearer(AGENT.secret))
      .send({ agentId: 'friday-1', revision: null, sessions: 0, mode: 'streaming' })
      .expect(204);
    await report('flood-1').expect(204);
    await report('flood-2').expect(204);
    const refused = await report('flood-3').expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body).toMatchObject({
      statusCode: 429,
      error: 'Too Many Requests',
      message: expect.stringContaining('RATE_LIMIT_REPORTS_PER_MIN'),
    });
    await api.get('/api/sessions/flood-3').set(bearer(VIEWER.secret)).expect(404);
    // Another token's budget is its own.
    await report('flood-4', OTHER.secret).expect(204);
  });
});
