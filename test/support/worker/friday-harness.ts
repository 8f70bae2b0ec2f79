import type { voice } from '@livekit/agents';
import { PromptClient, type PromptClientOptions } from '../../../src/client/index.js';
import type { AgentLogger } from '../../../src/worker/agent-logger.js';
import { FRIDAY_DEFAULTS, FRIDAY_KEYS } from '../../../src/worker/friday-prompts.js';
import { FridayRuntime, type FridayRuntimeOptions } from '../../../src/worker/friday-runtime.js';

export interface LogLine {
  level: 'debug' | 'info' | 'warn';
  message: string;
  fields: Record<string, unknown>;
}

/** An AgentLogger that keeps every line for assertions. */
export function recordingLogger(): AgentLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (fields: object, message: string) => lines.push({ level, message, fields: { ...fields } });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn') };
}

export interface Friday {
  client: PromptClient;
  runtime: FridayRuntime;
  log: ReturnType<typeof recordingLogger>;
  /** Closes every session it started, the runtime and the client. */
  close(): Promise<void>;
  /** Starts a session through the runtime and remembers it for `close()`. */
  start(session: voice.AgentSession, id?: string): Promise<void>;
}

/**
 * What a Friday job process holds after prewarm — a PromptClient on the
 * Friday keys and the runtime — pointed at a test server, with fast retries.
 */
export async function startFriday(
  url: string,
  options: Omit<FridayRuntimeOptions, 'client' | 'log'> & { client?: Partial<PromptClientOptions> } = {},
): Promise<Friday> {
  const client = new PromptClient({
    url, keys: FRIDAY_KEYS, defaults: FRIDAY_DEFAULTS, agentId: 'friday-test',
    backoff: { initialMs: 50, maxMs: 200 }, pollIntervalMs: 200, readyTimeoutMs: 2000,
    ...options.client,
  });
  await client.ready();
  const log = recordingLogger();
  const runtime = new FridayRuntime({ ...options, client, log });
  const sessions: voice.AgentSession[] = [];
  return {
    client, runtime, log,
    start: async (session, id) => {
      sessions.push(session);
      await runtime.startSession(session, { id });
    },
    close: async () => {
      await Promise.all(sessions.map((s) => s.close()));
      await runtime.close();
      await client.close();
    },
  };
}
