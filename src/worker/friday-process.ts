import { PromptClient, type LogLevel } from '../client/index.js';
import type { AgentEnv } from './agent-env.js';
import type { AgentLogger } from './agent-logger.js';
import { FRIDAY_DEFAULTS, FRIDAY_KEYS } from './friday-prompts.js';
import { FridayRuntime } from './friday-runtime.js';

/** What `prewarm` leaves in `proc.userData` for the job this process will run. */
export interface FridayProcess {
  env: AgentEnv;
  client: PromptClient;
  runtime: FridayRuntime;
  close(): Promise<void>;
}

/**
 * Builds the per-process state: one PromptClient (one SSE stream) and the
 * runtime around it. Runs in the job process (LiveKit forks one per job and
 * calls prewarm there before the job arrives), so the stream is already open
 * and the prompts loaded when a call starts. Resolves once the client holds a
 * state — from the server, else the cache, else the built-in defaults.
 */
export async function startFridayProcess(env: AgentEnv, log: AgentLogger): Promise<FridayProcess> {
  // Each job process is its own reporter: its revision and sessions are its own.
  const agentId = `${env.promptcast.agentId}-${process.pid}`;
  const client = new PromptClient({
    ...env.promptcast,
    keys: FRIDAY_KEYS,
    agentId,
    defaults: FRIDAY_DEFAULTS,
    debug: (message, level) => logAt(log, level, message),
  });
  const ready = await client.ready();
  log.info({ source: ready.source, revision: ready.revision, policy: env.apply }, 'prompts loaded');
  const runtime = new FridayRuntime({
    client, policy: env.apply, log,
    reporting: { url: env.promptcast.url, token: env.promptcast.token, agentId, intervalMs: env.reportIntervalMs },
  });
  return {
    env, client, runtime,
    close: async () => {
      await runtime.close();
      await client.close();
    },
  };
}

function logAt(log: AgentLogger, level: LogLevel, message: string): void {
  if (level === 'debug') log.debug({}, message);
  else if (level === 'info') log.info({}, message);
  else log.warn({}, message);
}
