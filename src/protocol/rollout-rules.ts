import { GUARD_METRIC_RULE, parseGuardMetric, type RolloutGuard } from './rollouts.js';

/**
 * The limits of a rollout request (docs/rollouts.md): what the REST API
 * accepts and the admin UI offers. Each fault function answers what is wrong
 * in words a caller can act on, or undefined.
 */

/** A rollout id: what the server hands out (16 URL-safe characters), bounded so a path cannot be abused. */
export const ROLLOUT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const ROLLOUT_ID_RULE = '1-64 letters, digits, "_" or "-"';

export const ROLLOUT_PERCENT_RULE = 'percent must be a number from 0.01 to 100 with at most two decimals (hundredths of a percent)';

/** A percent from 0.01 to 100 in hundredths; undefined when it is fine. */
export function percentFault(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return ROLLOUT_PERCENT_RULE;
  const hundredths = Math.round(value * 100);
  if (Math.abs(value * 100 - hundredths) > 1e-6 || hundredths < 1 || hundredths > 10_000) return ROLLOUT_PERCENT_RULE;
  return undefined;
}

export const GUARD_LIMITS = { minSessions: { min: 10, max: 100_000 }, maxIncrease: { min: 0, max: 1 } } as const;

/** A guard `{metric, maxIncrease, minSessions}` and nothing else; undefined when it is fine. */
export function guardFault(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'guard must be an object {metric, maxIncrease, minSessions}';
  const guard = value as Partial<Record<keyof RolloutGuard, unknown>>;
  const extra = Object.keys(guard).filter((k) => !['metric', 'maxIncrease', 'minSessions'].includes(k));
  if (extra.length > 0) return `guard has unknown field ${extra[0]}; it takes metric, maxIncrease and minSessions`;
  if (typeof guard.metric !== 'string' || !parseGuardMetric(guard.metric)) return `guard.metric must be ${GUARD_METRIC_RULE}`;
  const { maxIncrease, minSessions } = guard;
  if (typeof maxIncrease !== 'number' || !(maxIncrease >= GUARD_LIMITS.maxIncrease.min && maxIncrease <= GUARD_LIMITS.maxIncrease.max))
    return 'guard.maxIncrease must be a number from 0 to 1 (an absolute increase of the rate: 0.05 is five points)';
  const { min, max } = GUARD_LIMITS.minSessions;
  if (typeof minSessions !== 'number' || !Number.isInteger(minSessions) || minSessions < min || minSessions > max)
    return `guard.minSessions must be an integer from ${min} to ${max}`;
  return undefined;
}
