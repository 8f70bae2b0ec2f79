import { initializeLogger, voice } from '@livekit/agents';
import { PromptClient } from '../src/client/index.js';
import { livePrompts, type LivePrompts } from '../src/livekit/index.js';
import type { ApplyReceipt, SessionRecord } from '../src/protocol/sessions.js';
import { startApp, type TestApp } from './support/app.js';
import { nextEvent } from './support/client/waits.js';
import { PromptsApi } from './support/prompts-api.js';
import { aTestSession, RecordingLLM, turn } from './support/worker/recording-llm.js';

initializeLogger({ pretty: false, level: 'silent' });

const KEY = 'SUPPORT_AGENT';

/**
 * `livePrompts` on a real `voice.AgentSession` (no room, a recording fake
 * LLM) against a real Promptcast server: what the model is told at each turn,
 * and the receipts, turns and metrics the call reports.
 */
describe('promptcast/livekit livePrompts (real server, real AgentSession, fake LLM)', () => {
  let server: TestApp;
  let api: PromptsApi;
  let client: PromptClient;
  const sessions: voice.AgentSession[] = [];

  beforeEach(async () => {
    server = await startApp();
    api = new PromptsApi(server.url);
    await api.create(KEY, 'v1');
    client = new PromptClient({ url: server.url, keys: [KEY], backoff: { initialMs: 50, maxMs: 200 }, readyTimeoutMs: 2000 });
    await client.ready();
  });
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close()));
    await client.close();
    await server.close();
  });

  function aSession(model: RecordingLLM): voice.AgentSession {
    const session = aTestSession(model);
    sessions.push(session);
    return session;
  }

  it('takes a saved version at the next turn, with an applied receipt, turn records and the metrics of the call', async () => {
    const model = new RecordingLLM();
    const session = aSession(model);
    const prompts = livePrompts(client, { session, key: KEY, sessionId: 'call-1' });
    await session.start({ agent: new voice.Agent({ instructions: prompts.instructions! }) });
    expect(await turn(session, model, 'turn 1')).toBe('v1');

    const receipt = nextEvent<ApplyReceipt>(prompts, 'receipt');
    const saved = await api.update(KEY, 'v2');
    expect(await receipt).toEqual({ revision: saved.revision, key: KEY, version: saved.version, at: expect.any(String), outcome: 'applied' });
    expect(await turn(session, model, 'turn 2')).toBe('v2');

    prompts.record('resolved', 1);
    expect(() => prompts.record('turns', 3)).toThrow(/built-in/);
    expect(() => prompts.record('bad name', 1)).toThrow(/must match/);
    const closed = nextEvent<SessionRecord>(prompts, 'closed');
    await session.close();
    const record = await closed;
    expect(record).toMatchObject({
      sessionId: 'call-1',
      label: 'production',
      endedAt: expect.any(String),
      prompts: { [KEY]: saved.version },
      receipts: [{ revision: saved.revision, version: saved.version, outcome: 'applied' }],
      metrics: { turns: 2, userInterruptions: 0, agentErrors: 0, endReason: 'user_initiated', custom: { resolved: 1 } },
    });
    expect(record.rollouts).toBeUndefined();
    expect(record.turns?.map((t) => [t.revision, t.versions[KEY]])).toEqual([
      [saved.revision - 1, 1],
      [saved.revision, saved.version],
    ]);
    expect(record.metrics.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('next-session: a running call keeps its version and says so with a deferred receipt; a new call starts on the saved one', async () => {
    const model = new RecordingLLM();
    const session = aSession(model);
    const prompts = livePrompts(client, { session, key: KEY, sessionId: 'call-1', apply: 'next-session' });
    await session.start({ agent: new voice.Agent({ instructions: prompts.instructions! }) });

    const receipt = nextEvent<ApplyReceipt>(prompts, 'receipt');
    const saved = await api.update(KEY, 'v2');
    expect(await receipt).toMatchObject({ revision: saved.revision, version: saved.version, outcome: 'deferred' });
    expect(await turn(session, model, 'turn 2')).toBe('v1');
    expect(prompts.toRecord().prompts).toEqual({ [KEY]: 1 });
    expect(prompts.revision).toBe(saved.revision - 1);

    const nextModel = new RecordingLLM();
    const next = aSession(nextModel);
    const nextPrompts = livePrompts(client, { session: next, key: KEY, sessionId: 'call-2', apply: 'next-session' });
    await next.start({ agent: new voice.Agent({ instructions: nextPrompts.instructions! }) });
    expect(await turn(next, nextModel, 'turn 1')).toBe('v2');
  });

  it('follows a hand-off: the new current agent runs the key, and takes the next change', async () => {
    const model = new RecordingLLM();
    const session = aSession(model);
    const prompts = livePrompts(client, { session, key: KEY, sessionId: 'call-1' });
    const triage = new voice.Agent({ instructions: prompts.instructions! });
    const billing = new voice.Agent({ instructions: 'billing, built with its own text' });
    await session.start({ agent: triage });
    expect(await turn(session, model, 'turn 1')).toBe('v1');

    await handOff(session, prompts, billing);
    expect(await turn(session, model, 'turn 2')).toBe('v1');

    const receipt = nextEvent<ApplyReceipt>(prompts, 'receipt');
    await api.update(KEY, 'v2');
    expect(await receipt).toMatchObject({ outcome: 'applied' });
    expect(await turn(session, model, 'turn 3')).toBe('v2');
  });

  it('follows only the agents it is told to: another agent keeps its text, the change waits (deferred) and lands on the hand-off back', async () => {
    const model = new RecordingLLM();
    const session = aSession(model);
    const triage = new voice.Agent({ instructions: 'placeholder' });
    const billing = new voice.Agent({ instructions: 'billing agent' });
    const prompts = livePrompts(client, { session, key: KEY, sessionId: 'call-1', follows: (agent) => agent === triage });
    await session.start({ agent: triage });
    expect(await turn(session, model, 'turn 1')).toBe('v1');

    await handOff(session, prompts, billing);
    const receipt = nextEvent<ApplyReceipt>(prompts, 'receipt');
    const saved = await api.update(KEY, 'v2');
    expect(await receipt).toMatchObject({ revision: saved.revision, outcome: 'deferred', detail: `the active agent does not follow ${KEY}` });
    expect(await turn(session, model, 'turn 2')).toBe('billing agent');

    await handOff(session, prompts, triage);
    expect(await turn(session, model, 'turn 3')).toBe('v2');
  });

  it('fails a change the call cannot render (a variable it lacks) and keeps its text', async () => {
    const model = new RecordingLLM();
    const session = aSession(model);
    const prompts = livePrompts(client, { session, key: KEY, sessionId: 'call-1', variables: { name: 'Ada' } });
    await session.start({ agent: new voice.Agent({ instructions: prompts.instructions! }) });
    const receipt = nextEvent<ApplyReceipt>(prompts, 'receipt');
    await fetch(`${server.url}/api/prompts/${KEY}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'v2 for {{name}} on {{account}}', variables: { name: {}, account: {} } }),
    });
    expect(await receipt).toMatchObject({ outcome: 'failed', detail: expect.stringMatching(/account/) });
    expect(await turn(session, model, 'turn 1')).toBe('v1');
  });

  it('refuses a session id the session report would refuse', () => {
    expect(() => livePrompts(client, { session: aSession(new RecordingLLM()), key: KEY, sessionId: ' spaced id' })).toThrow(/sessionId/);
  });
});

/** Hands the session to `agent` and waits until the binding saw it become current. */
async function handOff(session: voice.AgentSession, prompts: LivePrompts, agent: voice.Agent): Promise<void> {
  const seen = nextEvent<{ agent: voice.Agent }>(prompts, 'handoff', (h) => h.agent === agent);
  session.updateAgent(agent);
  await seen;
}
