import { initializeLogger, JobProcess } from '@livekit/agents';
import friday from '../src/worker/main.js';
import type { FridayProcess } from '../src/worker/friday-process.js';
import { AGENT_INSTRUCTION } from '../src/worker/friday-prompts.js';
import { startApp, type TestApp } from './support/app.js';
import { PromptsApi } from './support/prompts-api.js';
import { tempDir } from './support/temp-dir.js';

initializeLogger({ pretty: false, level: 'silent' });

describe('Friday worker entry (src/agent/main.ts)', () => {
  let server: TestApp;
  let dir: ReturnType<typeof tempDir>;
  const saved = { ...process.env };

  beforeEach(async () => {
    server = await startApp();
    await new PromptsApi(server.url).create(AGENT_INSTRUCTION, 'from the server');
    dir = tempDir();
    // prewarm reads the environment, as it does in a forked job process.
    Object.assign(process.env, {
      LIVEKIT_URL: 'ws://127.0.0.1:7880', LIVEKIT_API_KEY: 'key', LIVEKIT_API_SECRET: 'secret', OPENAI_API_KEY: 'sk-test',
      PROMPTCAST_URL: server.url, PROMPTCAST_AGENT_ID: 'friday-worker-test', PROMPTCAST_CACHE_FILE: `${dir.path}/cache.json`,
    });
  });
  afterEach(async () => {
    process.env = { ...saved };
    await server.close();
    dir.remove();
  });

  it('exports an agent definition without starting the CLI when imported (as job processes do)', () => {
    expect(typeof friday.prewarm).toBe('function');
    expect(typeof friday.entry).toBe('function');
  });

  it('prewarm leaves one ready PromptClient and runtime in proc.userData, reporting as <agentId>-<pid>', async () => {
    const proc = new JobProcess<{ friday?: FridayProcess }>();
    await friday.prewarm!(proc);
    const state = proc.userData.friday!;
    try {
      expect(state.client.status()).toMatchObject({ source: 'server', revision: 1 });
      expect(state.client.get(AGENT_INSTRUCTION)).toBe('from the server');
      expect(state.runtime.report()).toEqual({ agentId: `friday-worker-test-${process.pid}`, revision: 1, sessions: 0, mode: 'streaming' });
    } finally {
      await state.close();
    }
    expect(state.client.status().mode).toBe('offline');
  });
});
