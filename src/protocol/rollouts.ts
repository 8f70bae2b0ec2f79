import { createHash } from 'node:crypto';
import { METRIC_NAME_PATTERN } from './sessions.js';
import type { Variables } from './template.js';

/**
 * Rollouts (docs/rollouts.md): a label keeps pointing at its baseline version
 * while a candidate version serves a slice of sessions. The wire shapes, the
 * one assignment function every client implements, and the limits. The
 * TypeScript client, the Python client and the server's tests all check
 * against this assignment (test vectors: clients/rollout-vectors.json).
 */

/** How a change reaches calls already running: at their next turn, or only calls that start after it. */
export type ApplyScope = 'live' | 'next-session';
export const APPLY_SCOPES: readonly ApplyScope[] = ['live', 'next-session'];

export type RolloutStatus = 'active' | 'completed' | 'aborted';

/** Percent is given in hundredths: 12.34 % is the finest step (one bucket in 10,000). */
export const ROLLOUT_BUCKETS = 10_000;

/**
 * The rollout bucket of a session: the first 4 bytes (big-endian, unsigned)
 * of SHA-256 of the UTF-8 string `rolloutId + ":" + sessionId`, modulo 10,000.
 */
export function rolloutBucket(rolloutId: string, sessionId: string): number {
  const digest = createHash('sha256').update(`${rolloutId}:${sessionId}`, 'utf8').digest();
  return digest.readUInt32BE(0) % ROLLOUT_BUCKETS;
}

/** True when the session gets the candidate at `percent`: bucket < percent × 100. Raising the percent never moves a session back. */
export function inCandidate(rolloutId: string, sessionId: string, percent: number): boolean {
  return rolloutBucket(rolloutId, sessionId) < Math.round(percent * 100);
}

/** The candidate a label's view carries for one key while a rollout is active. */
export interface RolloutOffer {
  /** The rollout's id: the assignment hashes it with the session id. */
  id: string;
  /** 0–100, in hundredths. */
  percent: number;
  /** How the rollout's steps reach running calls. */
  apply: ApplyScope;
  candidate: { version: number; text: string; variables: Variables };
}

/**
 * A guard: the server compares the candidate's and the baseline's sessions on
 * `metric` (a per-session yes/no, see GUARD_METRICS) and aborts the rollout
 * itself when the candidate's rate is higher by more than `maxIncrease` with
 * 95% confidence (one-sided test, docs/rollouts.md), once each side has
 * `minSessions` sessions.
 */
export interface RolloutGuard {
  metric: string;
  /** An absolute increase of the rate, 0–1 (0.05: five points). */
  maxIncrease: number;
  minSessions: number;
}

/**
 * Guard metrics: what makes one session count as "bad". Built in:
 * `errors` (agentErrors > 0), `early_hangup` (the user hung up within 30 s),
 * `interrupted` (userInterruptions > 0); `custom:NAME` counts sessions whose
 * custom metric NAME is above 0.
 */
export const GUARD_METRICS = ['errors', 'early_hangup', 'interrupted'] as const;
export const CUSTOM_METRIC_PREFIX = 'custom:';
export type GuardMetricName = (typeof GUARD_METRICS)[number];
export const GUARD_METRIC_RULE = `one of ${GUARD_METRICS.join(', ')} or ${CUSTOM_METRIC_PREFIX}NAME (NAME a custom metric: letters, digits, _; 1-64 characters)`;

/** A guard metric's meaning; undefined when `metric` is not one (see GUARD_METRIC_RULE). */
export function parseGuardMetric(
  metric: string,
): { builtIn: GuardMetricName; custom?: undefined } | { custom: string; builtIn?: undefined } | undefined {
  if ((GUARD_METRICS as readonly string[]).includes(metric)) return { builtIn: metric as GuardMetricName };
  if (!metric.startsWith(CUSTOM_METRIC_PREFIX)) return undefined;
  const name = metric.slice(CUSTOM_METRIC_PREFIX.length);
  return METRIC_NAME_PATTERN.test(name) ? { custom: name } : undefined;
}

/** A session shorter than this that the user ended counts as an early hang-up. */
export const EARLY_HANGUP_MS = 30_000;

/** The steps of a rollout: each is one change of kind `rollout`. */
export type RolloutStepName = 'start' | 'percent' | 'complete' | 'abort';

/** One step of a rollout's history. */
export interface RolloutStep {
  action: RolloutStepName;
  percent: number;
  author: string;
  at: string;
  /** The global revision of the change the step was. */
  revision: number;
  reason: string | null;
}

/** `GET /api/prompts/:key/rollouts/:id`. */
export interface Rollout {
  id: string;
  key: string;
  label: string;
  baseline: number;
  candidate: number;
  percent: number;
  apply: ApplyScope;
  guard: RolloutGuard | null;
  status: RolloutStatus;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  /** Why it ended (an abort's reason, the guard's figures); null while active or when completed without one. */
  reason: string | null;
  history: RolloutStep[];
}
