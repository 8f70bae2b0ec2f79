import { PromptClient, type LogLevel, type PromptClientOptions, type ReadyState } from '../client/index.js';
import type { ApplyPolicy } from './agent-env.js';
import { silentLogger, type AgentLogger } from './agent-logger.js';
import { FRIDAY_DEFAULTS, FRIDAY_KEYS } from './friday-prompts.js';
import { FridayRuntime } from './friday-runtime.js';

export interface FridayOptions {
  /**
   * How the PromptClient reaches the server. Friday's keys and built-in
   * defaults are added here, and its log lines go to `log`; `agentId` names
   * the stream and the fleet reports.
   */
  client: Omit<PromptClientOptions, 'keys' | 'defaults' | 'debug'> & { agentId: string };
  /** Defaults to `live`. */
  policy?: ApplyPolicy;
  /** Defaults to no logging. */
  log?: AgentLogger;
  /** Time between fleet reports to the client's server; omitted → no reports. */
  reportIntervalMs?: number;
}

/** A running Friday: one PromptClient on the Friday keys and the runtime around it. */
export interface Friday {
  client: PromptClient;
  runtime: FridayRuntime;
  /** Where the prompts it started on came from. */
  ready: ReadyState;
  /** Stops applying and reporting, then closes the client; sessions are their owners' to close. */
  close(): Promise<void>;
}

/**
 * The one way Friday is assembled: the worker's job processes, the test
 * harness and the edit-to-apply benchmark all call this, so what the tests
 * and the benchmark measure is what a call runs. Resolves once the client
 * holds a state — from the server, else the cache, else the built-in defaults.
 */
export async function createFriday(options: FridayOptions): Promise<Friday> {
  const { policy = 'live', log = silentLogger, reportIntervalMs } = options;
  const client = new PromptClient({
    ...options.client,
    keys: FRIDAY_KEYS,
    defaults: FRIDAY_DEFAULTS,
    debug: (message, level) => logAt(log, level, message),
  });
  const ready = await client.ready();
  log.info({ source: ready.source, revision: ready.revision, policy }, 'prompts loaded');
  const { url, token, agentId } = options.client;
  const reporting = reportIntervalMs === undefined ? undefined : { url, token, agentId, intervalMs: reportIntervalMs };
  const runtime = new FridayRuntime({ client, policy, log, reporting });
  return {
    client,
    runtime,
    ready,
    close: async () => {
      // ordering: the applier must stop before the client does, so no change is applied through a closed client.
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
