/**
 * Session reports (docs/rollouts.md): what an agent tells the server about
 * each call — which version of each prompt it ran, what happened to every
 * change it was sent (receipts), which revision governed each turn, and the
 * call's metrics. `POST /api/sessions/report` takes them; the Calls page and
 * the rollout guard read them. The TypeScript binding (`promptcast/livekit`)
 * and the Python one send exactly this shape.
 */

/** What became of one change in one session. */
export type ApplyOutcome = 'applied' | 'deferred' | 'failed' | 'unsupported';
export const APPLY_OUTCOMES: readonly ApplyOutcome[] = ['applied', 'deferred', 'failed', 'unsupported'];

/** A session id: 1–128 characters, letters, digits and `. _ : @ / -` (the agent-id rule; LiveKit room names and job ids fit). */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/;
export const SESSION_ID_RULE = '1-128 characters: letters, digits and . _ : @ / - (starting with a letter or digit)';

/** Bounds of one report; a report over any of them is a 400 naming it. */
export const SESSION_LIMITS = {
  /** Sessions in one report (an agent batches them). */
  sessionsPerReport: 50,
  /** Receipts kept per session: a call that lives through more changes keeps its first ones and says how many it dropped. */
  receiptsPerSession: 200,
  /** Turns kept per session, likewise. */
  turnsPerSession: 200,
  /** Prompt keys per session. */
  promptsPerSession: 32,
  /** Custom metrics per session, besides the built-in ones. */
  customMetrics: 32,
  /** Longest metric name, end reason or receipt detail, in characters. */
  nameLength: 64,
  detailLength: 200,
} as const;

/** The metric names a session always has; custom ones are any other `[a-zA-Z_][a-zA-Z0-9_]*` name. */
export const BUILT_IN_METRICS = ['turns', 'userInterruptions', 'agentErrors', 'durationMs'] as const;
export const METRIC_NAME_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/;

/** One change as one session received it. */
export interface ApplyReceipt {
  /** The global revision of the change. */
  revision: number;
  key: string;
  /** The version the change offered this session (its rollout variant's, when one applies). */
  version: number;
  at: string;
  outcome: ApplyOutcome;
  /** Why, for `failed` and `unsupported` (an error message, the model's name). */
  detail?: string;
}

/** One turn: when it ran and the prompt versions it ran on. */
export interface TurnRecord {
  at: string;
  /** The revision of the state the turn's instructions came from; null on built-in defaults. */
  revision: number | null;
  /** The version of each followed key the turn ran on. */
  versions: Record<string, number>;
}

/** Numbers a binding collects from the session's own events, plus the agent's own (`record(name, value)`). */
export interface SessionMetrics {
  turns: number;
  userInterruptions: number;
  agentErrors: number;
  durationMs: number;
  /** How the call ended (the session's close reason: `user_hangup`, `error`, …); null while it runs. */
  endReason: string | null;
  /** Custom metrics by name. */
  custom: Record<string, number>;
}

/** The rollout variant a session was put in, per key. */
export interface SessionVariant {
  rolloutId: string;
  variant: 'candidate' | 'baseline';
}

/** One call, as its agent reports it (again as it goes on: the newest report of a session id replaces the older). */
export interface SessionRecord {
  sessionId: string;
  startedAt: string;
  /** Absent or null while the call runs. */
  endedAt?: string | null;
  /** The label whose view the agent follows. */
  label: string;
  /** The version of each key the call runs on now. */
  prompts: Record<string, number>;
  /** Its rollout variant per key, for the keys in a rollout when it started. */
  rollouts?: Record<string, SessionVariant>;
  receipts: ApplyReceipt[];
  turns?: TurnRecord[];
  metrics: SessionMetrics;
}

/** `POST /api/sessions/report`. */
export interface SessionReport {
  agentId: string;
  sessions: SessionRecord[];
}

/** One session as `GET /api/sessions[/:id]` answers it: the record, who reported it and when. */
export interface StoredSession extends SessionRecord {
  agentId: string;
  reportedAt: string;
}

/** `GET /api/sessions?key=&version=&label=&limit=&before=`: newest first. */
export interface SessionList {
  sessions: StoredSession[];
  /** Pass as `before` for the next page; null on the last. */
  next: string | null;
}
