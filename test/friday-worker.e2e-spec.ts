import { initializeLogger, JobProcess } from '@livekit/agents';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath, pathToFileURL } from 'node:url';
import friday from '../src/worker/main.js';
import type { FridayProcess } from '../src/worker/friday-process.js';
import { AGENT_INSTRUCTION } from '../src/worker/friday-prompts.js';
import { startApp, type TestApp } from './support/app.js';
import { PromptsApi } from './support/prompts-api.js';
import { tempDir } from './support/temp-dir.js';
import { waitFor } from './support/wait-for.js';

initializeLogger({ pretty: false, level: 'silent' });

// The built worker (jest's globalSetup builds dist/): what LiveKit's job processes import.
const BUILT_MAIN = fileURLToPath(new URL('../dist/worker/main.js', import.meta.url));

/** Runs node in an empty folder with no LiveKit or model variables; the CLI, if it ran, would exit 1 naming them. */
async function node(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

describe('Friday worker entry (src/worker/main.ts)', () => {
  let server: TestApp;
  let dir: ReturnType<typeof tempDir>;
  const saved = { ...process.env };

  beforeEach(async () => {
    server = await startApp();
    await new PromptsApi(server.url).create(AGENT_INSTRUCTION, 'from the server');
    dir = tempDir();
    // prewarm reads the environment, as it does in a forked job process.
    Object.assign(process.env, {
      LIVEKIT_URL: 'ws://127.0.0.1:7880',
      LIVEKIT_API_KEY: 'key',
      LIVEKIT_API_SECRET: 'secret',
      OPENAI_API_KEY: 'sk-test',
      PROMPTCAST_URL: server.url,
      PROMPTCAST_AGENT_ID: 'friday-worker-test',
      PROMPTCAST_CACHE_FILE: `${dir.path}/cache.json`,
    });
  });
  afterEach(async () => {
    process.env = { ...saved };
    await server.close();
    dir.remove();
  });

  it('exports an agent definition without starting the CLI when imported (as job processes do)', async () => {
    expect(typeof friday.prewarm).toBe('function');
    expect(typeof friday.entry).toBe('function');

    const script = `const { default: d } = await import(${JSON.stringify(pathToFileURL(BUILT_MAIN).href)});
      console.log(typeof d.prewarm, typeof d.entry);`;
    const imported = await node(['--input-type=module', '-e', script], dir.path);
    expect(imported).toEqual({ code: 0, stdout: 'function function\n', stderr: '' });
    // The same environment does start the CLI when the file is run, so the import above would have shown it.
    const run = await node([BUILT_MAIN, 'start'], dir.path);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Friday agent cannot start:\n {2}missing LIVEKIT_URL/);
  });

  it('prewarm leaves one ready PromptClient and runtime in proc.userData, reporting as <agentId>-<pid>', async () => {
    const proc = new JobProcess<{ friday?: FridayProcess }>();
    await friday.prewarm!(proc);
    const state = proc.userData.friday!;
    const agentId = `friday-worker-test-${process.pid}`;
    const health = async () => (await (await fetch(`${server.url}/health`)).json()) as { subscribers: number };
    const agents = async () => (await (await fetch(`${server.url}/api/agents`)).json()) as { agents: Array<Record<string, unknown>> };
    try {
      expect(state.client.status()).toMatchObject({ source: 'server', revision: 1, mode: 'streaming' });
      expect(state.client.get(AGENT_INSTRUCTION)).toBe('from the server');
      expect((await health()).subscribers).toBe(1);
      expect(state.runtime.report()).toEqual({
        agentId,
        revision: 1,
        sessions: 0,
        mode: 'streaming',
        label: 'production',
        keys: 'AGENT_INSTRUCTION,SESSION_INSTRUCTION',
      });
      await waitFor(async () => (await agents()).agents.length > 0, 'the first fleet report');
      expect((await agents()).agents).toEqual([expect.objectContaining({ agentId, revision: 1, sessions: 0, mode: 'streaming' })]);
    } finally {
      await state.close();
    }
    expect(state.client.status().mode).toBe('offline');
    await waitFor(async () => (await health()).subscribers === 0, 'the stream to close with the process state');
  });
});
