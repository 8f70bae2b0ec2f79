import { isLabel } from './labels.js';
import { PROMPT_KEY_PATTERN } from './prompts.js';
import { REVISION_MAX } from './revision.js';
import { ROLLOUT_ID_PATTERN } from './rollout-rules.js';
import { APPLY_SCOPES, type ApplyScope, type RolloutStatus, type RolloutStepName } from './rollouts.js';
import { textFault } from './text.js';
import { parseVariables } from './variables.js';

/** The field checks of the backup records (backup.ts): each names the field it finds wrong. */

/** Timestamps as both stores write them: `toISOString()`, millisecond precision, UTC. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** Longest author, address, message or forced reason a record may carry, in characters. */
export const BACKUP_STRING_MAX = 4096;

export type Fields = Record<string, unknown>;
export function key(v: Fields): string | undefined {
  return typeof v.key === 'string' && PROMPT_KEY_PATTERN.test(v.key) ? undefined : 'key is not a prompt key';
}

export function number(v: Fields, field: string, min: number): string | undefined {
  const n = v[field];
  return Number.isSafeInteger(n) && (n as number) >= min && (n as number) <= REVISION_MAX ? undefined : `${field} must be a whole number from ${min}`;
}

export function string(v: Fields, field: string): string | undefined {
  const s = v[field];
  if (typeof s !== 'string' || s.length > BACKUP_STRING_MAX) return `${field} must be a string of at most ${BACKUP_STRING_MAX} characters`;
  return textFault(s) && `${field}: ${textFault(s)}`;
}

export function nullable(v: Fields, field: string): string | undefined {
  return v[field] === null ? undefined : string(v, field);
}

export function stamp(v: Fields, field: string): string | undefined {
  const s = v[field];
  return typeof s === 'string' && TIMESTAMP.test(s) && !Number.isNaN(Date.parse(s))
    ? undefined
    : `${field} must be a timestamp such as 2026-01-31T12:00:00.000Z`;
}

export function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'text must be a string';
  return textFault(value) && `text: ${textFault(value)}`;
}

export function variables(value: unknown): string | undefined {
  const parsed = parseVariables(value);
  return 'problem' in parsed ? `variables: ${parsed.problem}` : undefined;
}

export function moves(value: unknown): string | undefined {
  const ok =
    Array.isArray(value) &&
    value.every(
      (m: Fields) =>
        typeof m === 'object' &&
        m !== null &&
        isLabel(m.label) &&
        (m.to === null || Number.isSafeInteger(m.to)) &&
        (m.from === undefined || m.from === null || Number.isSafeInteger(m.from)),
    );
  return ok ? undefined : 'moves must be a list of {label, from?, to}';
}

export const ROLLOUT_STATUSES: readonly RolloutStatus[] = ['active', 'completed', 'aborted'];
const STEP_NAMES: readonly RolloutStepName[] = ['start', 'percent', 'complete', 'abort'];
/** Longest rollout history a record may carry, in steps. */
export const BACKUP_HISTORY_MAX = 1000;

export function oneOf(v: Fields, field: string, allowed: readonly string[]): string | undefined {
  return allowed.includes(v[field] as string) ? undefined : `${field} must be one of ${allowed.join(', ')}`;
}

export function basisPoints(value: unknown): string | undefined {
  return Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= 10_000
    ? undefined
    : 'basisPoints must be a whole number from 0 to 10000';
}

/** The audit record's rollout fields: absent (format 1) or null together, or all set. */
export function auditRollout(v: Fields): string | undefined {
  if (v.apply !== undefined && v.apply !== null && !APPLY_SCOPES.includes(v.apply as ApplyScope))
    return `apply must be null or one of ${APPLY_SCOPES.join(', ')}`;
  const fields = ['rollout', 'rolloutStep', 'rolloutCandidate', 'rolloutBasisPoints'];
  if (fields.every((f) => v[f] === undefined || v[f] === null)) return undefined;
  return (
    (typeof v.rollout === 'string' && ROLLOUT_ID_PATTERN.test(v.rollout) ? undefined : 'rollout must be a rollout id') ??
    oneOf(v, 'rolloutStep', STEP_NAMES) ??
    number(v, 'rolloutCandidate', 1) ??
    (basisPoints(v.rolloutBasisPoints) && `rolloutBasisPoints: ${basisPoints(v.rolloutBasisPoints)}`)
  );
}

export function guard(value: unknown): string | undefined {
  if (value === null) return undefined;
  const g = value as Fields;
  const ok =
    typeof g === 'object' &&
    !Array.isArray(g) &&
    typeof g.metric === 'string' &&
    g.metric.length <= 100 &&
    typeof g.maxIncrease === 'number' &&
    g.maxIncrease >= 0 &&
    g.maxIncrease <= 1 &&
    Number.isSafeInteger(g.minSessions) &&
    (g.minSessions as number) >= 0;
  return ok ? undefined : 'guard must be null or {metric, maxIncrease (0-1), minSessions}';
}

export function history(value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > BACKUP_HISTORY_MAX)
    return `history must be a list of 1 to ${BACKUP_HISTORY_MAX} steps`;
  const bad = value.findIndex(
    (s: Fields) =>
      typeof s !== 'object' ||
      s === null ||
      (oneOf(s, 'action', STEP_NAMES) ??
        (typeof s.percent === 'number' && s.percent >= 0 && s.percent <= 100 ? undefined : 'percent') ??
        string(s, 'author') ??
        stamp(s, 'at') ??
        number(s, 'revision', 1) ??
        nullable(s, 'reason')) !== undefined,
  );
  return bad === -1 ? undefined : `history step ${bad}: must be {action, percent (0-100), author, at, revision, reason}`;
}
