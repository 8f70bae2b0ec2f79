import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { promptClientOptionsFromEnv, type PromptClientOptions } from '../client/index.js';

/** Which speech stack the agent runs; the models themselves are built in `models.ts`. */
export type ModelChoice = 'realtime' | 'pipeline';

/**
 * When a saved prompt reaches calls: `live` updates running sessions on their
 * next turn; `next-session` leaves running calls alone and only new sessions
 * start on the new text.
 */
export type ApplyPolicy = 'live' | 'next-session';

/** Everything the Friday worker reads from its environment, validated once at start. */
export interface AgentEnv {
  livekit: { url: string; apiKey: string; apiSecret: string };
  model: ModelChoice;
  apply: ApplyPolicy;
  /** The PromptClient's connection options, read by the client's own env reader. */
  promptcast: PromptClientOptions & { agentId: string; cacheFile: string };
  /** How often the fleet report is sent between applies. */
  reportIntervalMs: number;
}

/** A missing or malformed variable; the message names every one of them. */
export class AgentEnvError extends Error {
  override name = 'AgentEnvError';
  readonly code = 'AGENT_ENV_INVALID';
}

type Env = Record<string, string | undefined>;

const REQUIRED = ['LIVEKIT_URL', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET'] as const;
// Both model choices run on OpenAI; the plugin reads this variable itself.
const MODEL_CREDENTIALS: Record<ModelChoice, readonly string[]> = {
  realtime: ['OPENAI_API_KEY'],
  pipeline: ['OPENAI_API_KEY'],
};

/**
 * Loads `.env.local` into `process.env` when the file exists. Variables already
 * set in the environment win, so `FOO=x npm run agent` overrides the file.
 * (`node --env-file-if-exists` would do this but needs Node 22.)
 */
export function loadEnvLocal(path = '.env.local'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

/**
 * The only place the agent reads `process.env`. Throws an AgentEnvError that
 * names every missing or invalid variable; never returns a half-valid env.
 */
export function readAgentEnv(env: Env = process.env): AgentEnv {
  const problems: string[] = [];
  const model = oneOf(env, 'AGENT_MODEL', ['realtime', 'pipeline'] as const, 'realtime', problems);
  const apply = oneOf(env, 'PROMPT_APPLY', ['live', 'next-session'] as const, 'live', problems);
  const missing = [...REQUIRED, ...MODEL_CREDENTIALS[model]].filter((name) => !env[name]);
  if (missing.length > 0) problems.unshift(`missing ${missing.join(', ')} (set them in the environment or .env.local)`);
  const reportSeconds = Number(env.AGENT_REPORT_INTERVAL || 15);
  if (!Number.isFinite(reportSeconds) || reportSeconds <= 0) {
    problems.push(`AGENT_REPORT_INTERVAL="${env.AGENT_REPORT_INTERVAL}" must be a positive number of seconds`);
  }
  const client = clientOptions(env, problems);
  if (problems.length > 0) throw new AgentEnvError(`Friday agent cannot start:\n  ${problems.join('\n  ')}`);
  return {
    livekit: { url: env.LIVEKIT_URL!, apiKey: env.LIVEKIT_API_KEY!, apiSecret: env.LIVEKIT_API_SECRET! },
    model,
    apply,
    promptcast: {
      ...client,
      agentId: client.agentId ?? `friday-${hostname()}`,
      cacheFile: client.cacheFile ?? './data/prompt-cache.json',
    },
    reportIntervalMs: Math.round(reportSeconds * 1000),
  };
}

/** The PromptClient's variables (PROMPTCAST_*, PROMPT_CHECK_INTERVAL), read by the client's own reader. */
function clientOptions(env: Env, problems: string[]): PromptClientOptions {
  try {
    return promptClientOptionsFromEnv(env);
  } catch (err) {
    problems.push((err as Error).message);
    return { url: '' };
  }
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T, problems: string[]): T {
  const value = env[name];
  if (!value) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  problems.push(`${name}="${value}" must be one of ${allowed.join(', ')}`);
  return fallback;
}
