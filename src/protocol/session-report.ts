import { AGENT_ID_PATTERN, AGENT_ID_RULE } from './fleet.js';
import { LABEL_PATTERN, LABEL_RULE } from './labels.js';
import { PROMPT_KEY_PATTERN, PROMPT_KEY_RULE } from './prompts.js';
import { ROLLOUT_ID_PATTERN, ROLLOUT_ID_RULE } from './rollout-rules.js';
import { REVISION_MAX } from './revision.js';
import {
  APPLY_OUTCOMES,
  METRIC_NAME_PATTERN,
  SESSION_ID_PATTERN,
  SESSION_ID_RULE,
  SESSION_LIMITS,
  type ApplyReceipt,
  type SessionMetrics,
  type SessionRecord,
  type SessionReport,
  type SessionVariant,
  type TurnRecord,
} from './sessions.js';

/**
 * The one check of a session report (`POST /api/sessions/report`): shapes,
 * names, counts and number ranges, with a message naming the first field that
 * is wrong. Times come back normalised to ISO-8601 UTC with milliseconds, so
 * the stores can order them as text.
 */

/** Largest version a report may name (the stores keep versions as 32-bit integers). */
export const SESSION_VERSION_MAX = 2_147_483_647;
/** Largest count metric (turns, interruptions, errors). */
export const SESSION_COUNT_MAX = 1_000_000_000;
/** Largest magnitude of durationMs and of a custom metric: finite, and its square still exact enough to sum. */
export const SESSION_NUMBER_MAX = 1e12;
/** How far ahead of the server's clock a call may say it started: clock skew, not a way to pin calls atop the list. */
export const SESSION_CLOCK_SKEW_MS = 24 * 60 * 60 * 1000;
/** A rollout id as reports carry it. */
/** An end reason: a short word such as `user_hangup` or LiveKit's `participant_disconnected`. */
const END_REASON_PATTERN = new RegExp(`^[A-Za-z0-9_.:-]{1,${SESSION_LIMITS.nameLength}}$`);

export type CheckedReport = { ok: true; report: SessionReport } | { ok: false; error: string };

class Invalid extends Error {}

const fail = (path: string, rule: string): never => {
  throw new Invalid(`${path} ${rule}`);
};

function object(value: unknown, path: string, fields: readonly string[] | null): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(path, 'must be an object');
  const record = value as Record<string, unknown>;
  const extra = fields && Object.keys(record).find((k) => !fields.includes(k));
  if (extra) fail(`${path}.${extra}`, `is not a field of ${path}; expected ${fields.join(', ')}`);
  return record;
}

function array(value: unknown, path: string, max: number, min = 0): unknown[] {
  if (!Array.isArray(value)) return fail(path, 'must be an array');
  if (value.length > max) fail(path, `has ${value.length} entries; at most ${max} are allowed (SESSION_LIMITS)`);
  if (value.length < min) fail(path, `must have at least ${min} entry`);
  return value;
}

function matching(value: unknown, path: string, pattern: RegExp, rule: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) fail(path, `must be ${rule}`);
  return value as string;
}

function integer(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) fail(path, `must be an integer from ${min} to ${max}`);
  return value as number;
}

function finite(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) fail(path, `must be a finite number from ${min} to ${max}`);
  return value as number;
}

function time(value: unknown, path: string, latestMs: number): string {
  const ms = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) return fail(path, 'must be an ISO-8601 time such as 2026-01-02T03:04:05.000Z');
  if (ms < 0 || ms > latestMs) fail(path, 'is outside the accepted range (after 1970, at most a day ahead of the server clock)');
  return new Date(ms).toISOString();
}

/** A `{KEY: value}` map with at most `max` prompt keys. */
function byKey<T>(value: unknown, path: string, max: number, each: (v: unknown, p: string) => T): Record<string, T> {
  const entries = Object.entries(object(value, path, null));
  if (entries.length > max) fail(path, `has ${entries.length} keys; at most ${max} are allowed (SESSION_LIMITS)`);
  return Object.fromEntries(
    entries.map(([k, v]) => [matching(k, `${path} key "${k.slice(0, 140)}"`, PROMPT_KEY_PATTERN, PROMPT_KEY_RULE), each(v, `${path}.${k}`)]),
  );
}

const version = (v: unknown, p: string) => integer(v, p, 1, SESSION_VERSION_MAX);

function receipt(value: unknown, path: string, latest: number): ApplyReceipt {
  const r = object(value, path, ['revision', 'key', 'version', 'at', 'outcome', 'detail']);
  const out: ApplyReceipt = {
    revision: integer(r.revision, `${path}.revision`, 0, REVISION_MAX),
    key: matching(r.key, `${path}.key`, PROMPT_KEY_PATTERN, PROMPT_KEY_RULE),
    version: version(r.version, `${path}.version`),
    at: time(r.at, `${path}.at`, latest),
    outcome: (APPLY_OUTCOMES as readonly unknown[]).includes(r.outcome)
      ? (r.outcome as ApplyReceipt['outcome'])
      : fail(`${path}.outcome`, `must be one of ${APPLY_OUTCOMES.join(', ')}`),
  };
  if (r.detail !== undefined && r.detail !== null) {
    if (typeof r.detail !== 'string' || r.detail.length > SESSION_LIMITS.detailLength)
      fail(`${path}.detail`, `must be a string of at most ${SESSION_LIMITS.detailLength} characters`);
    out.detail = r.detail as string;
  }
  return out;
}

function turn(value: unknown, path: string, latest: number): TurnRecord {
  const t = object(value, path, ['at', 'revision', 'versions']);
  return {
    at: time(t.at, `${path}.at`, latest),
    revision: t.revision === null ? null : integer(t.revision, `${path}.revision`, 0, REVISION_MAX),
    versions: byKey(t.versions, `${path}.versions`, SESSION_LIMITS.promptsPerSession, version),
  };
}

function variant(value: unknown, path: string): SessionVariant {
  const v = object(value, path, ['rolloutId', 'variant']);
  return {
    rolloutId: matching(v.rolloutId, `${path}.rolloutId`, ROLLOUT_ID_PATTERN, `a rollout id (${ROLLOUT_ID_RULE})`),
    variant: v.variant === 'candidate' || v.variant === 'baseline' ? v.variant : fail(`${path}.variant`, 'must be candidate or baseline'),
  };
}

function metrics(value: unknown, path: string): SessionMetrics {
  const m = object(value, path, ['turns', 'userInterruptions', 'agentErrors', 'durationMs', 'endReason', 'custom']);
  const count = (name: 'turns' | 'userInterruptions' | 'agentErrors') => integer(m[name], `${path}.${name}`, 0, SESSION_COUNT_MAX);
  const custom = Object.entries(m.custom === undefined ? {} : object(m.custom, `${path}.custom`, null));
  if (custom.length > SESSION_LIMITS.customMetrics)
    fail(`${path}.custom`, `has ${custom.length} metrics; at most ${SESSION_LIMITS.customMetrics} are allowed (SESSION_LIMITS)`);
  return {
    turns: count('turns'),
    userInterruptions: count('userInterruptions'),
    agentErrors: count('agentErrors'),
    durationMs: finite(m.durationMs, `${path}.durationMs`, 0, SESSION_NUMBER_MAX),
    endReason:
      m.endReason === null || m.endReason === undefined
        ? null
        : matching(m.endReason, `${path}.endReason`, END_REASON_PATTERN, `1-${SESSION_LIMITS.nameLength} letters, digits, _ . : -`),
    custom: Object.fromEntries(
      custom.map(([name, v]) => [
        matching(
          name,
          `${path}.custom name "${name.slice(0, 80)}"`,
          METRIC_NAME_PATTERN,
          'a metric name: a letter or _, then letters, digits, _ (1-64)',
        ),
        finite(v, `${path}.custom.${name}`, -SESSION_NUMBER_MAX, SESSION_NUMBER_MAX),
      ]),
    ),
  };
}

const SESSION_FIELDS = ['sessionId', 'startedAt', 'endedAt', 'label', 'prompts', 'rollouts', 'receipts', 'turns', 'metrics'];

function session(value: unknown, path: string, latest: number): SessionRecord {
  const s = object(value, path, SESSION_FIELDS);
  const limit = SESSION_LIMITS;
  return {
    sessionId: matching(s.sessionId, `${path}.sessionId`, SESSION_ID_PATTERN, SESSION_ID_RULE),
    startedAt: time(s.startedAt, `${path}.startedAt`, latest),
    endedAt: s.endedAt === undefined || s.endedAt === null ? null : time(s.endedAt, `${path}.endedAt`, latest),
    label: matching(s.label, `${path}.label`, LABEL_PATTERN, LABEL_RULE),
    prompts: byKey(s.prompts, `${path}.prompts`, limit.promptsPerSession, version),
    rollouts: s.rollouts === undefined ? {} : byKey(s.rollouts, `${path}.rollouts`, limit.promptsPerSession, variant),
    receipts: array(s.receipts, `${path}.receipts`, limit.receiptsPerSession).map((r, i) => receipt(r, `${path}.receipts[${i}]`, latest)),
    turns: array(s.turns ?? [], `${path}.turns`, limit.turnsPerSession).map((t, i) => turn(t, `${path}.turns[${i}]`, latest)),
    metrics: metrics(s.metrics, `${path}.metrics`),
  };
}

/** Checks a report body; `nowMs` is the server's clock (times may be at most SESSION_CLOCK_SKEW_MS ahead of it). */
export function checkSessionReport(body: unknown, nowMs: number): CheckedReport {
  try {
    const b = object(body, 'report', ['agentId', 'sessions']);
    const latest = nowMs + SESSION_CLOCK_SKEW_MS;
    const sessions = array(b.sessions, 'sessions', SESSION_LIMITS.sessionsPerReport, 1).map((s, i) => session(s, `sessions[${i}]`, latest));
    const seen = new Set<string>();
    for (const s of sessions) {
      if (seen.has(s.sessionId)) fail('sessions', `name session "${s.sessionId}" twice; report each session once`);
      seen.add(s.sessionId);
    }
    return { ok: true, report: { agentId: matching(b.agentId, 'agentId', AGENT_ID_PATTERN, AGENT_ID_RULE), sessions } };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, error: err.message };
    throw err;
  }
}
