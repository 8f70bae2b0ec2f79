import { initializeLogger } from '@livekit/agents';
import request from 'supertest';
import { MissingVariableError } from '../src/client/index.js';
import { AGENT_INSTRUCTION, SESSION_INSTRUCTION } from '../src/worker/friday-prompts.js';
import type { SettledChange } from '../src/worker/prompt-applier.js';
import { startApp, type TestApp } from './support/app.js';
import { nextEvent } from './support/client/waits.js';
import { startFriday, type Friday } from './support/worker/friday-harness.js';
import { aTestSession, RecordingLLM, turn } from './support/worker/recording-llm.js';

initializeLogger({ pretty: false, level: 'silent' });

const TEMPLATE = 'You are Friday. The caller is {{caller_name}}; speak {{tone}}.';
const VARIABLES = { caller_name: { description: 'From the dispatch metadata' }, tone: { default: 'warmly' } };

/**
 * A prompt with variables on a real `voice.AgentSession` (fake LLM recording
 * its instructions): each call renders it with its own dispatch metadata and
 * participant attributes, and a call that lacks a required variable never
 * starts, so no caller hears a placeholder.
 */
describe('Friday rendering prompt variables per call (real server, real AgentSession, fake LLM)', () => {
  let server: TestApp;
  let friday: Friday;
  let api: ReturnType<typeof request>;

  beforeEach(async () => {
    server = await startApp();
    api = request(server.url);
    await api.post('/api/prompts').send({ key: AGENT_INSTRUCTION, text: TEMPLATE, variables: VARIABLES }).expect(201);
    await api
      .post('/api/prompts')
      .send({ key: SESSION_INSTRUCTION, text: 'Greet {{caller_name}} by name.', variables: { caller_name: {} } })
      .expect(201);
    friday = await startFriday(server.url);
  });
  afterEach(async () => {
    await friday.close();
    await server.close();
  });

  it('renders the instructions and the greeting from the dispatch metadata, defaults filling the rest', async () => {
    const model = new RecordingLLM();
    const session = aTestSession(model);
    await friday.start(session, 'call-1', { metadata: JSON.stringify({ caller_name: 'Ada', ignored: { nested: true } }) });
    expect(model.calls[0].instructions).toBe('You are Friday. The caller is Ada; speak warmly.\nGreet Ada by name.');
    expect(await turn(session, model, 'turn 1')).toBe('You are Friday. The caller is Ada; speak warmly.');
  });

  it('takes participant attributes too, the dispatch metadata winning where both name a variable', async () => {
    const model = new RecordingLLM();
    const session = aTestSession(model);
    await friday.start(session, 'call-1', {
      metadata: '{"tone":"briskly"}',
      attributes: { caller_name: 'Grace', tone: 'slowly', 'sip.phoneNumber': '+1555' },
    });
    expect(await turn(session, model, 'turn 1')).toBe('You are Friday. The caller is Grace; speak briskly.');
  });

  it('fails the start of a call whose metadata lacks a required variable, with a log line naming it', async () => {
    const model = new RecordingLLM();
    const session = aTestSession(model);
    await expect(friday.start(session, 'call-2', { metadata: '{}' })).rejects.toThrow(MissingVariableError);
    await expect(friday.start(aTestSession(model), 'call-3', { metadata: 'not json' })).rejects.toThrow(/\{\{caller_name\}\}/);
    expect(model.calls).toEqual([]);
    expect(friday.runtime.registry.size).toBe(0);
    const line = friday.log.lines.find((l) => l.level === 'warn' && l.message.startsWith('session not started'));
    expect(line).toMatchObject({ fields: { session: 'call-2', key: AGENT_INSTRUCTION, missing: ['caller_name'] } });
    expect(line?.message).toMatch(/needs \{\{caller_name\}\}.*dispatch metadata/);
  });

  it('applies a saved version rendered with each call’s own values, and keeps the old text when the new one needs a value the call lacks', async () => {
    const ada = new RecordingLLM();
    const bob = new RecordingLLM();
    const first = aTestSession(ada);
    const second = aTestSession(bob);
    await friday.start(first, 'call-ada', { metadata: '{"caller_name":"Ada"}' });
    await friday.start(second, 'call-bob', { metadata: '{"caller_name":"Bob"}' });

    let settled = nextEvent<SettledChange>(friday.runtime.applier, 'settled', (c) => c.key === AGENT_INSTRUCTION, 5000);
    await api
      .put(`/api/prompts/${AGENT_INSTRUCTION}`)
      .send({ text: 'v2 for {{caller_name}}.', variables: { caller_name: {} } })
      .expect(200);
    expect(await settled).toMatchObject({ applied: 2 });
    expect(await turn(first, ada, 'turn 1')).toBe('v2 for Ada.');
    expect(await turn(second, bob, 'turn 1')).toBe('v2 for Bob.');

    settled = nextEvent<SettledChange>(friday.runtime.applier, 'settled', (c) => c.key === AGENT_INSTRUCTION, 5000);
    const v3 = { text: 'v3 for {{caller_name}}, account {{account}}.', variables: { caller_name: {}, account: {} } };
    await api.put(`/api/prompts/${AGENT_INSTRUCTION}`).send(v3).expect(200);
    expect(await settled).toMatchObject({ applied: 0 });
    expect(await turn(first, ada, 'turn 2')).toBe('v2 for Ada.');
    expect(friday.log.lines.filter((l) => l.message === 'could not apply prompt change')).toHaveLength(2);
  });
});
