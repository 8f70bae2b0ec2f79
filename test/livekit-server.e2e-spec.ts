import { initializeLogger, voice } from '@livekit/agents';
import request from 'supertest';
import { PromptClient } from '../src/client/index.js';
import { livePrompts, SessionReporter, type LivePrompts } from '../src/livekit/index.js';
import { rolloutBucket, type Rollout } from '../src/protocol/rollouts.js';
import type { ApplyReceipt, StoredSession } from '../src/protocol/sessions.js';
import { startApp, type TestApp } from './support/app.js';
import { nextEvent } from './support/client/waits.js';
import { waitFor } from './support/wait-for.js';
import { aTestSession, RecordingLLM, turn } from './support/worker/recording-llm.js';

initializeLogger({ pretty: false, level: 'silent' });

const KEY = 'SUPPORT_AGENT';

/**
 * The whole loop on the real server: a rollout started through the API
 * reaches live calls as an offer, a canary call runs the candidate, an abort
 * returns it to the baseline at its next turn, and the call's report —
 * receipts, turns, metrics, its variant — is readable from GET /api/sessions/:id.
 */
describe('promptcast/livekit against the real server: rollouts and session reports', () => {
  let server: TestApp;
  let api: ReturnType<typeof request>;
  let client: PromptClient;
  let reporter: SessionReporter;
  const sessions: voice.AgentSession[] = [];

  beforeEach(async () => {
    server = await startApp();
    api = request(server.url);
    await api.post('/api/prompts').send({ key: KEY, text: 'baseline' }).expect(201);
    await api.put(`/api/prompts/${KEY}`).send({ text: 'candidate', labels: [] }).expect(200);
    client = new PromptClient({ url: server.url, keys: [KEY], backoff: { initialMs: 50, maxMs: 200 }, readyTimeoutMs: 2000 });
    await client.ready();
    reporter = new SessionReporter({ url: server.url, agentId: 'support-1', intervalMs: 20 });
  });
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close()));
    await reporter.close();
    await client.close();
    await server.close();
  });

  async function startCall(sessionId: string): Promise<{ session: voice.AgentSession; model: RecordingLLM; prompts: LivePrompts }> {
    const model = new RecordingLLM();
    const session = aTestSession(model);
    sessions.push(session);
    const prompts = livePrompts(client, { session, key: KEY, sessionId, reporter });
    await session.start({ agent: new voice.Agent({ instructions: prompts.instructions! }) });
    return { session, model, prompts };
  }

  it('a canary call runs the candidate, an abort brings it back at its next turn, and its report reads back from GET /api/sessions/:id', async () => {
    const rollout = (await api.post(`/api/prompts/${KEY}/rollouts`).send({ version: 2, percent: 20 }).expect(201)).body as Rollout;
    await waitFor(() => client.rollout(KEY)?.id === rollout.id, 'the offer to reach the client');
    const id = (low: number, high: number) => {
      for (let i = 0; ; i++) if (rolloutBucket(rollout.id, `room-${i}`) >= low && rolloutBucket(rollout.id, `room-${i}`) < high) return `room-${i}`;
    };
    const canary = await startCall(id(0, 2000));
    const control = await startCall(id(2000, 10_000));
    expect(await turn(canary.session, canary.model, 'turn 1')).toBe('candidate');
    expect(await turn(control.session, control.model, 'turn 1')).toBe('baseline');

    const back = nextEvent<ApplyReceipt>(canary.prompts, 'receipt');
    await api.post(`/api/prompts/${KEY}/rollouts/${rollout.id}/abort`).send({ reason: 'callers confused' }).expect(200);
    const receipt = await back;
    expect(receipt).toMatchObject({ key: KEY, version: 1, outcome: 'applied' });
    expect(await turn(canary.session, canary.model, 'turn 2')).toBe('baseline');

    canary.prompts.record('resolved', 1);
    await canary.session.close();
    await waitFor(async () => (await api.get(`/api/sessions/${canary.prompts.sessionId}`)).status === 200, 'the call report to be stored');
    const stored = (await api.get(`/api/sessions/${canary.prompts.sessionId}`).expect(200)).body as StoredSession;
    expect(stored).toMatchObject({
      agentId: 'support-1',
      sessionId: canary.prompts.sessionId,
      label: 'production',
      endedAt: expect.any(String),
      prompts: { [KEY]: 1 },
      rollouts: { [KEY]: { rolloutId: rollout.id, variant: 'candidate' } },
      receipts: [{ revision: receipt.revision, key: KEY, version: 1, outcome: 'applied' }],
      metrics: { turns: 2, agentErrors: 0, userInterruptions: 0, endReason: 'user_initiated', custom: { resolved: 1 } },
    });
    expect(stored.turns?.map((t) => t.versions[KEY])).toEqual([2, 1]);
  });

  it('a rollout step with apply next-session leaves running calls alone (deferred) while new calls are assigned', async () => {
    const running = await startCall('room-running');
    const deferred = nextEvent<ApplyReceipt>(running.prompts, 'receipt');
    const rollout = (await api.post(`/api/prompts/${KEY}/rollouts`).send({ version: 2, percent: 100, apply: 'next-session' }).expect(201))
      .body as Rollout;
    expect(await deferred).toMatchObject({ version: 2, outcome: 'deferred' });
    expect(await turn(running.session, running.model, 'turn 1')).toBe('baseline');

    await waitFor(() => client.rollout(KEY)?.id === rollout.id, 'the offer');
    const fresh = await startCall('room-fresh');
    expect(await turn(fresh.session, fresh.model, 'turn 1')).toBe('candidate');
  });
});
