import type { AgentMode } from '../protocol/fleet.js';
import type { ApplyScope, RolloutOffer, RolloutStepName } from '../protocol/rollouts.js';
import type { Variables } from '../protocol/template.js';
import type { BackoffOptions } from './backoff.js';
import type { Clock } from './clock.js';

/**
 * How the client is hearing from the server right now:
 * `streaming` (the SSE stream is open), `polling` (the stream is down but
 * `GET /api/prompts` answers) or `offline` (neither works, the client was
 * stopped by a 401/403, or it was closed).
 */
export type ClientMode = AgentMode;

/** Where the prompts the client holds came from. */
export type StateSource = 'server' | 'cache' | 'defaults';

/** A line for the `debug` hook. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * How the client hears from the server: `auto` streams and polls only while
 * the stream is down; `poll` never opens the stream and polls all the time.
 */
export type ClientTransport = 'auto' | 'poll';

/** The part of `fetch` the client uses; inject one to add proxies, tracing or fakes. */
export type FetchFn = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface PromptClientOptions {
  /** Base URL of the Promptcast server, e.g. `http://127.0.0.1:3000`. Required. */
  url: string;
  /** Sent as `Authorization: Bearer <token>`. Defaults to no token. */
  token?: string;
  /**
   * The prompt keys this client follows (`?keys=` on the stream). Defaults to
   * every key on the server.
   */
  keys?: readonly string[];
  /**
   * The label whose view this client follows: `?label=` on the stream and the
   * poll. A save that moves another label, or a draft, never reaches it.
   * Defaults to `production`.
   */
  label?: string;
  /** Identifies this agent to the server (`?agent=` and `X-Agent-Id`). Defaults to none. */
  agentId?: string;
  /**
   * Last-known-good file: written atomically after every state from the
   * server, read on a cold start when the server cannot be reached. Defaults
   * to no cache.
   */
  cacheFile?: string;
  /**
   * Built-in texts: used on a cold start with neither server nor cache, and
   * for a key the server deleted. Defaults to `{}`.
   */
  defaults?: Readonly<Record<string, string>>;
  /** `ready()` settles on cache or defaults after this long without a server. Defaults to `5000` ms. */
  readyTimeoutMs?: number;
  /**
   * The server's heartbeat interval; the stream counts as stalled after 2.5x
   * this without any event. A heartbeat that carries `intervalMs` overrides
   * it. Defaults to `15000` ms.
   */
  heartbeatMs?: number;
  /** Poll `GET /api/prompts` this often while the stream is down. Defaults to `5000` ms. */
  pollIntervalMs?: number;
  /**
   * `'poll'` never opens the SSE stream and polls every `pollIntervalMs`
   * instead: for networks that cut long-lived connections, and for measuring
   * what the stream buys (bench/staleness). Defaults to `'auto'` (stream,
   * polling only while it is down).
   */
  transport?: ClientTransport;
  /** Stream reconnection schedule. Defaults to 500 ms doubling to 30 s, reset after 60 s healthy. */
  backoff?: BackoffOptions;
  /** Receives every log line. Defaults to none: the client prints nothing. */
  debug?: (message: string, level: LogLevel) => void;
  /** Used for the stream and for polling. Defaults to `globalThis.fetch`. */
  fetch?: FetchFn;
  /** Time source for every timer. Defaults to the system clock. */
  clock?: Clock;
  /** Source of jitter in [0, 1). Defaults to `Math.random`. */
  random?: () => number;
}

/** One key whose text changed. */
export interface PromptChange {
  key: string;
  /**
   * The text `get(key)` now returns: the server's text, or the default when
   * the key was deleted (`undefined` when there is no default either).
   */
  text: string | undefined;
  /** The variables the version declares (`{}` for a default text): what `render(key, …)` fills from. */
  variables: Variables;
  /** The revision of the state that holds this change; `null` for defaults. */
  revision: number | null;
  /** The prompt's version on the server; `undefined` when the key has none (deleted). */
  version: number | undefined;
  /** True when the key no longer exists on the server. */
  deleted: boolean;
  source: StateSource;
  /**
   * The key's active rollout after this change (docs/rollouts.md), `null`
   * when none — also after an abort or a completion, and from a server
   * without rollouts. `get(key, {sessionId})` resolves a session's variant from it.
   */
  rollout: RolloutOffer | null;
  /** How running calls should take this change, when the server said (`live` or `next-session`); absent: your own default. */
  apply?: ApplyScope;
  /** When the change was a rollout step: which one (`start`, `percent`, `complete`, `abort`). */
  step?: RolloutStepName;
}

/** Options of `get` and `render` that pick a session's version. */
export interface SessionOptions {
  /**
   * The call's id. With it, a key in an active rollout answers the candidate
   * when the session's bucket falls under the percent (`rolloutBucket`);
   * without it, always the label's own version (the baseline).
   */
  sessionId?: string;
}

/** One key as one session should run it: `client.resolve(key, {sessionId})`. */
export interface ResolvedPrompt {
  key: string;
  text: string;
  /** The version on the server; `undefined` for a built-in default. */
  version: number | undefined;
  variables: Variables;
  /** The revision of the state it comes from; `null` for defaults. */
  revision: number | null;
  source: StateSource;
  /** The rollout the key is in and the session's side of it; `null` when the key has no active rollout. */
  rollout: { id: string; variant: 'candidate' | 'baseline' } | null;
}

export interface ModeChange {
  mode: ClientMode;
  previous: ClientMode;
}

export interface ClientStatus {
  mode: ClientMode;
  /** The label whose view the client follows. */
  label: string;
  /** The keys it follows as it sends them in `?keys=` (and a fleet report's `keys`); `null`: every key. */
  keys: string | null;
  /** The revision of the held state (its view's: the label's, of its keys); `null` when running on defaults. */
  revision: number | null;
  source: StateSource;
  /** Epoch ms of the last stream event or successful poll; `null` before the first. */
  lastEventAt: number | null;
  /** Milliseconds since `lastEventAt`; `null` before the first. */
  staleForMs: number | null;
  /** Set when the client stopped for good (401/403). */
  stoppedBy: Error | null;
}

/** What `ready()` resolves with: the first state the client holds. */
export interface ReadyState {
  source: StateSource;
  revision: number | null;
  /** The text of every known key, defaults included. */
  prompts: Record<string, string>;
}

/** `render(key, vars, {strict: false})` filled a required variable with "" because `vars` lacked it. */
export interface PromptWarning {
  code: 'MISSING_VARIABLE';
  key: string;
  /** The variables that were missing, in order of first use. */
  variables: string[];
  message: string;
}

/** What `render` fills placeholders from: numbers and booleans are written as `String(value)` does. */
export type TemplateValues = Readonly<Record<string, string | number | boolean>>;

export interface RenderOptions extends SessionOptions {
  /**
   * `true` (the default): a required variable missing from `vars` throws a
   * `MissingVariableError` and nothing is rendered. `false`: it becomes ""
   * and the client emits a `warning` event instead.
   */
  strict?: boolean;
}

export interface PromptClientEvents {
  change: [PromptChange];
  mode: [ModeChange];
  error: [Error];
  warning: [PromptWarning];
}
