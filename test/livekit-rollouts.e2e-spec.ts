import { initializeLogger, voice } from '@livekit/agents';
import * as openai from '@livekit/agents-plugin-openai';
import { PromptClient } from '../src/client/index.js';
import { instructionSupport, livePrompts, type LivePrompts } from '../src/livekit/index.js';
import { rolloutBucket, type RolloutOffer } from '../src/protocol/rollouts.js';
import type { ApplyReceipt } from '../src/protocol/sessions.js';
import { FakePromptServer } from './support/client/fake-prompt-server.js';
import { nextEvent } from './support/client/waits.js';
import { waitFor } from './support/wait-for.js';
import { aTestSession, RecordingLLM, turn } from './support/worker/recording-llm.js';

initializeLogger({ pretty: false, level: 'silent' });

const KEY = 'SUPPORT_AGENT';
const ROLLOUT = 'rollout-7f3a';
const offer = (percent: number): RolloutOffer => ({
  id: ROLLOUT,
  percent,
  apply: 'live',
  candidate: { version: 2, text: 'candidate', variables: {} },
});

/** Session ids by their bucket under ROLLOUT, computed with the specified hash rather than assumed. */
function idInBuckets(low: number, high: number): string {
  for (let i = 0; ; i++) {
    const bucket = rolloutBucket(ROLLOUT, `call-${i}`);
    if (bucket >= low && bucket < high) return `call-${i}`;
  }
}

/**
 * Rollout variants on real `voice.AgentSession`s, the offers pushed step by
 * step from the fake prompt server (the wire shapes of src/protocol/:
 * prompt.updated with `rollout`, `step` and `apply`), so each step and each
 * apply scope can be sent exactly when a case needs it. The same loop on the
 * real server's rollouts API: test/livekit-server.e2e-spec.ts.
 */
describe('promptcast/livekit rollout variants (fake prompt server, real AgentSession, fake LLM)', () => {
  let fake: FakePromptServer;
  let client: PromptClient;
  const sessions: voice.AgentSession[] = [];

  beforeEach(async () => {
    fake = await FakePromptServer.start();
    fake.put(KEY, 'baseline');
    client = new PromptClient({ url: fake.url, keys: [KEY], backoff: { initialMs: 50, maxMs: 200 }, readyTimeoutMs: 2000 });
    await client.ready();
  });
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close()));
    await client.close();
    await fake.close();
  });

  async function startCall(sessionId: string): Promise<{ session: voice.AgentSession; model: RecordingLLM; prompts: LivePrompts }> {
    const model = new RecordingLLM();
    const session = aTestSession(model);
    sessions.push(session);
    const prompts = livePrompts(client, { session, key: KEY, sessionId });
    await session.start({ agent: new voice.Agent({ instructions: prompts.instructions! }) });
    return { session, model, prompts };
  }

  it('gives a canary call the candidate and the others the baseline, keeps both through a raise, and returns the canary to the baseline at its next turn on abort', async () => {
    fake.rollout(KEY, offer(30), { step: 'start', apply: 'live' });
    await waitFor(() => client.rollout(KEY) !== null, 'the offer to reach the client');
    const canary = await startCall(idInBuckets(0, 3000));
    // In the baseline at 30 %, and under 60 %: a raise to 60 must not move it, since a call keeps its variant.
    const control = await startCall(idInBuckets(3000, 6000));
    expect(client.get(KEY, { sessionId: canary.prompts.sessionId })).toBe('candidate');
    expect(client.get(KEY)).toBe('baseline');
    expect(await turn(canary.session, canary.model, 'turn 1')).toBe('candidate');
    expect(await turn(control.session, control.model, 'turn 1')).toBe('baseline');

    const raised = nextEvent<ApplyReceipt>(control.prompts, 'receipt');
    fake.rollout(KEY, offer(60), { step: 'percent', apply: 'live' });
    expect(await raised).toMatchObject({ version: 1, outcome: 'applied' });
    expect(await turn(canary.session, canary.model, 'turn 2')).toBe('candidate');
    expect(await turn(control.session, control.model, 'turn 2')).toBe('baseline');
    expect(control.prompts.variant).toEqual({ rolloutId: ROLLOUT, variant: 'baseline' });

    const aborted = nextEvent<ApplyReceipt>(canary.prompts, 'receipt');
    const revision = fake.rollout(KEY, null, { step: 'abort', apply: 'live' });
    expect(await aborted).toMatchObject({ revision, version: 1, outcome: 'applied' });
    expect(await turn(canary.session, canary.model, 'turn 3')).toBe('baseline');
    expect(canary.prompts.variant).toBeNull();
    // The record still counts the call on the side it ran, so the rollout's figures keep it.
    const record = canary.prompts.toRecord();
    expect(record.rollouts).toEqual({ [KEY]: { rolloutId: ROLLOUT, variant: 'candidate' } });
    expect(record.turns?.map((t) => t.versions[KEY])).toEqual([2, 2, 1]);
  });

  it('a call that started before a rollout is assigned by its bucket when the start step is live, and stays put when it is next-session', async () => {
    const inSlice = await startCall(idInBuckets(0, 1000));
    const deferred = nextEvent<ApplyReceipt>(inSlice.prompts, 'receipt');
    fake.rollout(KEY, offer(10), { step: 'start', apply: 'next-session' });
    expect(await deferred).toMatchObject({ version: 2, outcome: 'deferred' });
    expect(await turn(inSlice.session, inSlice.model, 'turn 1')).toBe('baseline');

    const live = nextEvent<ApplyReceipt>(inSlice.prompts, 'receipt');
    fake.rollout(KEY, offer(20), { step: 'percent', apply: 'live' });
    expect(await live).toMatchObject({ version: 2, outcome: 'applied' });
    expect(await turn(inSlice.session, inSlice.model, 'turn 2')).toBe('candidate');
  });

  it('keeps the offers in the cache file: a restart without the server resolves the same variants', async () => {
    const { tempDir } = await import('./support/temp-dir.js');
    const dir = tempDir();
    const cacheFile = `${dir.path}/cache.json`;
    const warm = new PromptClient({ url: fake.url, keys: [KEY], cacheFile, readyTimeoutMs: 2000 });
    await warm.ready();
    fake.rollout(KEY, offer(30), { step: 'start', apply: 'live' });
    await waitFor(() => warm.rollout(KEY) !== null, 'the offer');
    await warm.close();
    await fake.close();

    const cold = new PromptClient({ url: fake.url, keys: [KEY], cacheFile, readyTimeoutMs: 200 });
    expect(await cold.ready()).toMatchObject({ source: 'cache' });
    expect(cold.get(KEY, { sessionId: idInBuckets(0, 3000) })).toBe('candidate');
    expect(cold.get(KEY, { sessionId: idInBuckets(3000, 10000) })).toBe('baseline');
    await cold.close();
    dir.remove();
  });

  it("receipts 'unsupported' on a realtime model that cannot take new instructions mid-session (OpenAI GPT-Live), and calls it live for OpenAI Realtime and text LLMs", async () => {
    // Real plugin models; constructing them opens no connection.
    const gptLive = new openai.realtime.GPTLiveModel({ apiKey: 'sk-test-not-used' });
    const realtime = new openai.realtime.RealtimeModel({ apiKey: 'sk-test-not-used' });
    expect(instructionSupport(undefined, new voice.AgentSession({ llm: realtime, vad: null }))).toMatchObject({ live: true });
    expect(instructionSupport(undefined, new voice.AgentSession({ llm: new RecordingLLM(), vad: null }))).toMatchObject({ live: true });

    const session = new voice.AgentSession({ llm: gptLive, vad: null });
    expect(instructionSupport(undefined, session)).toMatchObject({ live: false });
    const agent = new voice.Agent({ instructions: 'baseline' });
    // Not started: updateAgent only sets the session's current agent, which is all the binding reads here.
    session.updateAgent(agent);
    const prompts = livePrompts(client, { session, key: KEY, sessionId: 'call-rt' });
    const receipt = nextEvent<ApplyReceipt>(prompts, 'receipt');
    fake.put(KEY, 'v2');
    expect(await receipt).toMatchObject({ version: 2, outcome: 'unsupported', detail: expect.stringMatching(/cannot take new instructions/) });
    expect(agent.instructions).toBe('baseline');
    await prompts.close();
  });
});
