import { initializeLogger } from '@livekit/agents';
import { AGENT_INSTRUCTION } from '../src/worker/friday-prompts.js';
import { FleetReporter } from '../src/worker/fleet-reporter.js';
import type { SettledChange } from '../src/worker/prompt-applier.js';
import { nextEvent } from './support/client/waits.js';
import { recordingLogger, startFriday, type Friday } from './support/worker/friday-harness.js';
import { aTestSession, RecordingLLM, turn } from './support/worker/recording-llm.js';
import { startApp, type TestApp } from './support/app.js';
import { freePort } from './support/free-port.js';
import { PromptsApi } from './support/prompts-api.js';
import { waitFor } from './support/wait-for.js';

initializeLogger({ pretty: false, level: 'silent' });

describe('Friday fleet: many sessions and reports', () => {
  let server: TestApp;
  let prompts: PromptsApi;
  let friday: Friday | undefined;

  beforeEach(async () => {
    server = await startApp();
    prompts = new PromptsApi(server.url);
    await prompts.create(AGENT_INSTRUCTION, 'v1');
  });
  afterEach(async () => {
    await friday?.close();
    friday = undefined;
    await server.close();
  });

  it('applies a change to 50 concurrent sessions and unregisters the ones that ended', async () => {
    friday = await startFriday(server.url);
    // One model per session, as each call builds its own.
    const models = Array.from({ length: 50 }, () => new RecordingLLM());
    const sessions = models.map((m) => aTestSession(m));
    await Promise.all(sessions.map((s, i) => friday!.start(s, `call-${i}`)));
    expect(friday.runtime.registry.size).toBe(50);

    const v2 = nextEvent<SettledChange>(friday.runtime.applier, 'settled', (c) => c.key === AGENT_INSTRUCTION, 5000);
    await prompts.update(AGENT_INSTRUCTION, 'v2');
    expect((await v2).applied).toBe(50);
    expect(await Promise.all(sessions.map((s, i) => turn(s, models[i], 'next turn')))).toEqual(Array(50).fill('v2'));

    await Promise.all(sessions.slice(0, 25).map((s) => s.close()));
    expect(friday.runtime.registry.list().map((l) => l.id)).toEqual(sessions.slice(25).map((_, i) => `call-${i + 25}`));
    const v3 = nextEvent<SettledChange>(friday.runtime.applier, 'settled', (c) => c.key === AGENT_INSTRUCTION, 5000);
    await prompts.update(AGENT_INSTRUCTION, 'v3');
    expect((await v3).applied).toBe(25);

    await Promise.all(sessions.slice(25).map((s) => s.close()));
    expect(friday.runtime.registry.size).toBe(0);
  });

  it('reports its revision, sessions and mode to the server, visible in GET /api/agents', async () => {
    friday = await startFriday(server.url, { reportIntervalMs: 60_000, client: { agentId: 'friday-7' } });
    const listing = async () => (await (await fetch(`${server.url}/api/agents`)).json()) as { agents: Array<Record<string, unknown>> };
    await waitFor(async () => (await listing()).agents.length === 1, 'the first report');
    expect((await listing()).agents[0]).toMatchObject({ agentId: 'friday-7', revision: 1, sessions: 0, mode: 'streaming', behind: false });

    await friday.start(aTestSession(new RecordingLLM()));
    await waitFor(async () => (await listing()).agents[0].sessions === 1, 'the report after a session started');

    const { revision } = await prompts.update(AGENT_INSTRUCTION, 'v2');
    await waitFor(async () => (await listing()).agents[0].revision === revision, 'the report after the apply');
    expect((await listing()).agents[0]).toMatchObject({ agentId: 'friday-7', revision, sessions: 1, behind: false });
  });

  it('reports the keys it follows, so a save to another key does not show it behind', async () => {
    friday = await startFriday(server.url, { reportIntervalMs: 60_000, client: { agentId: 'friday-8' } });
    const listing = async () => (await (await fetch(`${server.url}/api/agents`)).json()) as { agents: Array<Record<string, unknown>> };
    await waitFor(async () => (await listing()).agents.length === 1, 'the first report');
    await prompts.create('UNRELATED', 'not a Friday key');
    expect((await listing()).agents[0]).toMatchObject({ agentId: 'friday-8', revision: 1, behind: false });

    const settled = nextEvent<SettledChange>(friday.runtime.applier, 'settled', (c) => c.key === AGENT_INSTRUCTION, 5000);
    const { revision } = await prompts.update(AGENT_INSTRUCTION, 'v2');
    await settled;
    await waitFor(async () => (await listing()).agents[0].revision === revision, 'the report after the apply');
    expect((await listing()).agents[0]).toMatchObject({ agentId: 'friday-8', revision, behind: false });
  });

  it('reports each call when it ends: GET /api/sessions/:id shows its receipts, turns and metrics', async () => {
    friday = await startFriday(server.url, { reportIntervalMs: 60_000, client: { agentId: 'friday-9' } });
    const model = new RecordingLLM();
    const session = aTestSession(model);
    await friday.start(session, 'room-9');
    await turn(session, model, 'turn 1');
    const settled = nextEvent<SettledChange>(friday.runtime.applier, 'settled', (c) => c.key === AGENT_INSTRUCTION, 5000);
    const { revision, version } = await prompts.update(AGENT_INSTRUCTION, 'v2');
    await settled;
    await turn(session, model, 'turn 2');
    await session.close();
    await waitFor(async () => (await fetch(`${server.url}/api/sessions/room-9`)).status === 200, 'the call report');
    expect(await (await fetch(`${server.url}/api/sessions/room-9`)).json()).toMatchObject({
      agentId: 'friday-9',
      sessionId: 'room-9',
      endedAt: expect.any(String),
      prompts: { [AGENT_INSTRUCTION]: version },
      receipts: [{ revision, key: AGENT_INSTRUCTION, version, outcome: 'applied' }],
      // The greeting is a reply too: three turns, two on v1, one on v2.
      turns: [
        { versions: { [AGENT_INSTRUCTION]: 1 } },
        { versions: { [AGENT_INSTRUCTION]: 1 } },
        { revision, versions: { [AGENT_INSTRUCTION]: version } },
      ],
      metrics: { turns: 3, endReason: 'user_initiated' },
    });
  });

  it('never fails the agent when the server cannot take a report', async () => {
    const log = recordingLogger();
    const reporter = new FleetReporter({
      url: `http://127.0.0.1:${await freePort()}`,
      intervalMs: 60_000,
      log,
      snapshot: () => ({ agentId: 'friday-1', revision: 1, sessions: 0, mode: 'offline' }),
    });
    await expect(reporter.report()).resolves.toBeUndefined();
    await reporter.stop();
    expect(log.lines).toEqual([expect.objectContaining({ level: 'debug', message: 'fleet report not delivered' })]);
  });
});
