import type { voice } from '@livekit/agents';
import type { AgentLogger } from '../../../src/worker/agent-logger.js';
import { createFriday, type Friday as RunningFriday, type FridayOptions } from '../../../src/worker/friday.js';
import type { SessionStart } from '../../../src/worker/friday-runtime.js';

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

export interface Friday extends RunningFriday {
  log: ReturnType<typeof recordingLogger>;
  /** Closes every session it started, then Friday itself. */
  close(): Promise<void>;
  /** Starts a session through the runtime and remembers it for `close()`; `call` carries its metadata and attributes. */
  start(session: voice.AgentSession, id?: string, call?: Omit<SessionStart, 'id' | 'room'>): Promise<void>;
}

export interface HarnessOptions extends Omit<FridayOptions, 'client' | 'log'> {
  /** Overrides of the test client settings (fast retries, a short ready timeout). */
  client?: Partial<FridayOptions['client']>;
}

/**
 * Friday as a job process builds it (`createFriday`, the production factory),
 * pointed at a test server, with fast retries and a recording logger.
 */
export async function startFriday(url: string, options: HarnessOptions = {}): Promise<Friday> {
  const log = recordingLogger();
  const friday = await createFriday({
    ...options,
    log,
    client: {
      url,
      agentId: 'friday-test',
      backoff: { initialMs: 50, maxMs: 200 },
      pollIntervalMs: 200,
      readyTimeoutMs: 2000,
      ...options.client,
    },
  });
  const sessions: voice.AgentSession[] = [];
  return {
    ...friday,
    log,
    start: async (session, id, call = {}) => {
      sessions.push(session);
      await friday.runtime.startSession(session, { ...call, id });
    },
    close: async () => {
      await Promise.all(sessions.map((s) => s.close()));
      await friday.close();
    },
  };
}
