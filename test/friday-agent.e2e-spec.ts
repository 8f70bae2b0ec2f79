import { initializeLogger } from '@livekit/agents';
import { existsSync } from 'node:fs';
import { AGENT_INSTRUCTION, FRIDAY_DEFAULTS, SESSION_INSTRUCTION } from '../src/worker/friday-prompts.js';
import type { SettledChange } from '../src/worker/prompt-applier.js';
import { nextEvent } from './support/client/waits.js';
import { startFriday, type Friday } from './support/worker/friday-harness.js';
import { aTestSession, RecordingLLM, turn } from './support/worker/recording-llm.js';
import { startApp, type TestApp } from './support/app.js';
import { freePort } from './support/free-port.js';
import { PromptsApi } from './support/prompts-api.js';
import { tempDir } from './support/temp-dir.js';
import { waitFor } from './support/wait-for.js';

initializeLogger({ pretty: false, level: 'silent' });

describe('Friday agent applying prompt changes (real server, real AgentSession, fake LLM)', () => {
  let server: TestApp | undefined;
  let friday: Friday | undefined;

  afterEach(async () => {
    await friday?.close();
    await server?.close();
    friday = server = undefined;
  });

  async function serverWithPrompts(): Promise<{ app: TestApp; prompts: PromptsApi }> {
    const app = await startApp();
    const prompts = new PromptsApi(app.url);
    await prompts.create(AGENT_INSTRUCTION, 'You are Friday v1.');
    await prompts.create(SESSION_INSTRUCTION, 'Say hello.');
    return { app, prompts };
  }

  it('live: the next turn of a running session sees the saved text, with no restart', async () => {
    const { app, prompts } = await serverWithPrompts();
    server = app;
    friday = await startFriday(app.url, { policy: 'live' });
    const model = new RecordingLLM();
    const session = aTestSession(model);
    await friday.start(session, 'call-1');

    expect(await turn(session, model, 'turn 1')).toBe('You are Friday v1.');
    const applied = nextEvent<SettledChange>(friday.runtime.applier, 'settled', (c) => c.key === AGENT_INSTRUCTION, 5000);
    const { revision } = await prompts.update(AGENT_INSTRUCTION, 'You are Friday v2.');
    expect(await applied).toEqual({ key: AGENT_INSTRUCTION, revision, policy: 'live', applied: 1 });
    expect(await turn(session, model, 'turn 2')).toBe('You are Friday v2.');

    expect(friday.log.lines.filter((l) => l.message === 'applied prompt change')).toEqual([
      { level: 'info', message: 'applied prompt change', fields: { session: 'call-1', revision, policy: 'live' } },
    ]);
  });

  it('greets with SESSION_INSTRUCTION added to the system prompt for the opening reply only', async () => {
    const { app } = await serverWithPrompts();
    server = app;
    friday = await startFriday(app.url);
    const model = new RecordingLLM();
    const session = aTestSession(model);
    await friday.start(session);
    await turn(session, model, 'turn 1');

    expect(model.calls[0].instructions).toMatch(/^You are Friday v1\.\nSay hello\.$/);
    expect(model.instructionsFor('turn 1')).toBe('You are Friday v1.');
  });

  it('next-session: a running session keeps its text and a new session starts on the saved one', async () => {
    const { app, prompts } = await serverWithPrompts();
    server = app;
    friday = await startFriday(app.url, { policy: 'next-session' });
    const model = new RecordingLLM();
    const first = aTestSession(model);
    await friday.start(first, 'call-1');
    expect(await turn(first, model, 'turn 1')).toBe('You are Friday v1.');

    const held = nextEvent<SettledChange>(friday.runtime.applier, 'settled', (c) => c.key === AGENT_INSTRUCTION, 5000);
    const { revision } = await prompts.update(AGENT_INSTRUCTION, 'You are Friday v2.');
    expect(await held).toEqual({ key: AGENT_INSTRUCTION, revision, policy: 'next-session', applied: 0 });
    expect(await turn(first, model, 'turn 2')).toBe('You are Friday v1.');

    const secondModel = new RecordingLLM();
    const second = aTestSession(secondModel);
    await friday.start(second, 'call-2');
    expect(await turn(second, secondModel, 'turn 1')).toBe('You are Friday v2.');
    expect(friday.log.lines).toContainEqual(
      expect.objectContaining({
        message: 'prompt change held for new sessions',
        fields: { revision, policy: 'next-session', running: 1 },
      }),
    );
    expect(friday.runtime.report()).toMatchObject({ revision: revision - 1, sessions: 2 });
  });

  it('starts on built-in defaults when the server is down, then picks up its text without a restart', async () => {
    const port = await freePort();
    friday = await startFriday(`http://127.0.0.1:${port}`, { client: { readyTimeoutMs: 300 } });
    expect(friday.client.status()).toMatchObject({ source: 'defaults', revision: null });
    const model = new RecordingLLM();
    const session = aTestSession(model);
    await friday.start(session);
    expect(await turn(session, model, 'turn 1')).toBe(FRIDAY_DEFAULTS[AGENT_INSTRUCTION]);

    const pickedUp = nextEvent<SettledChange>(friday.runtime.applier, 'settled', (c) => c.key === AGENT_INSTRUCTION, 5000);
    server = await startApp({ port });
    await new PromptsApi(server.url).create(AGENT_INSTRUCTION, 'You are Friday from the server.');
    expect(await pickedUp).toMatchObject({ revision: 1, applied: 1 });
    expect(friday.client.status()).toMatchObject({ source: 'server' });
    expect(await turn(session, model, 'turn 2')).toBe('You are Friday from the server.');
  });

  it('starts on the last-known-good cache when the server is down', async () => {
    const { app } = await serverWithPrompts();
    const dir = tempDir();
    const cacheFile = `${dir.path}/prompt-cache.json`;
    const warm = await startFriday(app.url, { client: { cacheFile } });
    await waitFor(() => existsSync(cacheFile), 'the cache file');
    await warm.close();
    await app.close();

    friday = await startFriday(app.url, { client: { cacheFile, readyTimeoutMs: 300 } });
    expect(friday.client.status()).toMatchObject({ source: 'cache', revision: 2 });
    const model = new RecordingLLM();
    const session = aTestSession(model);
    await friday.start(session);
    expect(await turn(session, model, 'turn 1')).toBe('You are Friday v1.');
    dir.remove();
  });
});
