import { DEFAULT_LABEL, isLabel, LABEL_RULE } from '../protocol/labels.js';
import { BACKOFF_DEFAULTS } from './backoff.js';
import { systemClock } from './clock.js';
import type { ClientTransport, PromptClientOptions } from './types.js';

/** Options with every default filled in. */
export type ResolvedOptions = Required<Omit<PromptClientOptions, 'token' | 'keys' | 'agentId' | 'cacheFile'>> &
  Pick<PromptClientOptions, 'token' | 'keys' | 'agentId' | 'cacheFile'>;

export const CLIENT_DEFAULTS = {
  readyTimeoutMs: 5_000,
  heartbeatMs: 15_000,
  pollIntervalMs: 5_000,
  /** The stream counts as stalled after this many heartbeat intervals of silence. */
  stallFactor: 2.5,
} as const;

export function resolveOptions(options: PromptClientOptions): ResolvedOptions {
  if (!options.url) throw new TypeError('PromptClient: the url option is required (e.g. http://127.0.0.1:3000)');
  return {
    ...options,
    defaults: options.defaults ?? {},
    label: labelOf(options.label),
    readyTimeoutMs: positive(options.readyTimeoutMs, CLIENT_DEFAULTS.readyTimeoutMs, 'readyTimeoutMs'),
    heartbeatMs: positive(options.heartbeatMs, CLIENT_DEFAULTS.heartbeatMs, 'heartbeatMs'),
    pollIntervalMs: positive(options.pollIntervalMs, CLIENT_DEFAULTS.pollIntervalMs, 'pollIntervalMs'),
    transport: transportOf(options.transport),
    backoff: { ...BACKOFF_DEFAULTS, ...options.backoff },
    debug: options.debug ?? (() => {}),
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
  };
}

function labelOf(value: string | undefined): string {
  if (value === undefined) return DEFAULT_LABEL;
  if (!isLabel(value)) throw new TypeError(`PromptClient: label must be ${LABEL_RULE}, got ${JSON.stringify(value)}`);
  return value;
}

function transportOf(value: PromptClientOptions['transport']): ClientTransport {
  if (value === undefined) return 'auto';
  if (value !== 'auto' && value !== 'poll') throw new TypeError(`PromptClient: transport must be 'auto' or 'poll', got ${String(value)}`);
  return value;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`PromptClient: ${name} must be a positive number of ms, got ${value}`);
  return value;
}

/**
 * Options from the environment, for programs that configure the client the
 * way the original agent did. The only place the client reads `process.env`;
 * spread the result under your own options:
 * `new PromptClient({ ...promptClientOptionsFromEnv(), keys })`. Throws a
 * TypeError naming every malformed variable.
 *
 * - `PROMPTCAST_URL` → `url` (defaults to `http://127.0.0.1:3000`)
 * - `PROMPTCAST_TOKEN` → `token`
 * - `PROMPT_CHECK_INTERVAL` (seconds, as in the seed agent) → `pollIntervalMs`
 * - `PROMPTCAST_LABEL` → `label`
 * - `PROMPTCAST_AGENT_ID` → `agentId`
 * - `PROMPTCAST_CACHE_FILE` → `cacheFile`
 */
export function promptClientOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): PromptClientOptions {
  const options: PromptClientOptions = { url: env.PROMPTCAST_URL || 'http://127.0.0.1:3000' };
  const problems: string[] = [];
  if (env.PROMPTCAST_TOKEN) options.token = env.PROMPTCAST_TOKEN;
  if (env.PROMPTCAST_LABEL) {
    if (isLabel(env.PROMPTCAST_LABEL)) options.label = env.PROMPTCAST_LABEL;
    else problems.push(`PROMPTCAST_LABEL=${JSON.stringify(env.PROMPTCAST_LABEL)} must be ${LABEL_RULE}`);
  }
  if (env.PROMPTCAST_AGENT_ID) options.agentId = env.PROMPTCAST_AGENT_ID;
  if (env.PROMPTCAST_CACHE_FILE) options.cacheFile = env.PROMPTCAST_CACHE_FILE;
  const interval = env.PROMPT_CHECK_INTERVAL;
  if (interval !== undefined && interval.trim() !== '') {
    const seconds = Number(interval);
    if (Number.isFinite(seconds) && seconds > 0) options.pollIntervalMs = Math.round(seconds * 1000);
    else problems.push(`PROMPT_CHECK_INTERVAL must be a positive number of seconds, got "${interval}"`);
  }
  // Every bad variable in one message, so a program that reads its env at start (the Friday worker) names them all.
  if (problems.length > 0) throw new TypeError(problems.join('; '));
  return options;
}
