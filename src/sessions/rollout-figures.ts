import { EARLY_HANGUP_MS, parseGuardMetric, type RolloutGuard } from '../protocol/rollouts.js';

/**
 * A/B figures and the guard's test (docs/rollouts.md, "The guard's test" and
 * "A/B figures"). Pure: the stores aggregate sums in SQL (count, sum, sum of
 * squares per metric per variant) and hand them here; everything statistical
 * happens in this file, once, for both backends.
 */

/** A 95% normal interval: mean ± 1.96·sd/√n (sd the sample standard deviation). */
export interface MetricFigure {
  n: number;
  mean: number;
  low: number;
  high: number;
}

/** One side of a rollout. `bad`: sessions that fail the guard metric (0 without one). */
export interface VariantFigures {
  sessions: number;
  bad: number;
  metrics: Record<string, MetricFigure>;
}

/** Both sides, and candidate − baseline per metric with its 95% interval. */
export interface RolloutFigures {
  candidate: VariantFigures;
  baseline: VariantFigures;
  difference: Record<string, { diff: number; low: number; high: number }>;
}

export interface GuardVerdict {
  /** The candidate is worse by more than maxIncrease with 95% confidence: abort. */
  abort: boolean;
  /** Both sides have at least minSessions sessions; before that the guard never aborts. */
  ready: boolean;
  candidateRate: number;
  baselineRate: number;
  /** The test statistic; null while a side has no session or when both rates are 0 or 1 (no variance to divide by). */
  z: number | null;
  /** One sentence with the figures: what the admin shows and what an abort records as its reason. */
  reason: string;
}

/** What a store sums per metric per variant: the sufficient statistics of a mean and its variance. */
export interface MetricSums {
  n: number;
  sum: number;
  sumSquares: number;
}

export interface VariantSums {
  sessions: number;
  bad: number;
  metrics: Record<string, MetricSums>;
}

/** 97.5th percentile of the standard normal: two-sided 95% intervals. */
export const Z_INTERVAL = 1.96;
/** 95th percentile of the standard normal: the one-sided test's critical value. */
export const Z_ONE_SIDED = 1.645;

/** End reasons that mean the user ended the call: the wire's own word, and LiveKit's close reason when the remote participant left. */
export const USER_HANGUP_REASONS: readonly string[] = ['user_hangup', 'participant_disconnected'];

/** The name a custom metric has among a rollout's figures: prefixed, so a custom `turns` cannot shadow the built-in one. */
export const customFigureName = (name: string): string => `custom:${name}`;

/** What makes one session "bad" for a guard metric, in terms both stores can turn into SQL. */
export type BadSession =
  { column: 'agent_errors' | 'user_interruptions' } | { hangupWithinMs: number; reasons: readonly string[] } | { custom: string };

/** The condition a guard metric stands for; undefined for a name that is not a guard metric. */
export function badSessionRule(metric: string): BadSession | undefined {
  const parsed = parseGuardMetric(metric);
  if (!parsed) return undefined;
  if (parsed.custom !== undefined) return { custom: parsed.custom };
  switch (parsed.builtIn) {
    case 'errors':
      return { column: 'agent_errors' };
    case 'interrupted':
      return { column: 'user_interruptions' };
    case 'early_hangup':
      return { hangupWithinMs: EARLY_HANGUP_MS, reasons: USER_HANGUP_REASONS };
  }
}

/** The sample variance from sums (n − 1 in the denominator); 0 below two values and never negative from rounding. */
function variance(s: MetricSums): number {
  if (s.n < 2) return 0;
  return Math.max(0, (s.sumSquares - (s.sum * s.sum) / s.n) / (s.n - 1));
}

/** A metric's mean and 95% interval. With one value (or none) the interval is the mean itself: there is no spread to estimate. */
export function metricFigure(s: MetricSums): MetricFigure {
  if (s.n === 0) return { n: 0, mean: 0, low: 0, high: 0 };
  const mean = s.sum / s.n;
  const half = Z_INTERVAL * Math.sqrt(variance(s) / s.n);
  return { n: s.n, mean, low: mean - half, high: mean + half };
}

/** Welch's difference of means, candidate − baseline, with its 95% interval; absent when a side has no value. */
function difference(c: MetricSums, b: MetricSums): { diff: number; low: number; high: number } | undefined {
  if (c.n === 0 || b.n === 0) return undefined;
  const diff = c.sum / c.n - b.sum / b.n;
  const half = Z_INTERVAL * Math.sqrt(variance(c) / c.n + variance(b) / b.n);
  return { diff, low: diff - half, high: diff + half };
}

const EMPTY: MetricSums = { n: 0, sum: 0, sumSquares: 0 };

/** The figures of a rollout from its stores' sums. */
export function rolloutFigures(candidate: VariantSums, baseline: VariantSums): RolloutFigures {
  const names = [...new Set([...Object.keys(candidate.metrics), ...Object.keys(baseline.metrics)])].sort();
  const side = (v: VariantSums): VariantFigures => ({
    sessions: v.sessions,
    bad: v.bad,
    metrics: Object.fromEntries(names.map((name) => [name, metricFigure(v.metrics[name] ?? EMPTY)])),
  });
  const diffs = names.flatMap((name) => {
    const d = difference(candidate.metrics[name] ?? EMPTY, baseline.metrics[name] ?? EMPTY);
    return d ? [[name, d] as const] : [];
  });
  return { candidate: side(candidate), baseline: side(baseline), difference: Object.fromEntries(diffs) };
}

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;

/**
 * The guard's one-sided test (docs/rollouts.md, "The guard's test"). With
 * pc, pb the candidate's and the baseline's rates of bad sessions and d the
 * guard's maxIncrease: H0 pc − pb ≤ d against H1 pc − pb > d, with
 * z = (pc − pb − d) / √(pc(1−pc)/nc + pb(1−pb)/nb) (unpooled standard error);
 * reject H0 — abort — when z > 1.645, once both sides have minSessions.
 * When both rates are 0 or 1 there is no variance: the difference itself decides.
 */
export function guardVerdict(guard: RolloutGuard, figures: RolloutFigures): GuardVerdict {
  const { candidate: c, baseline: b } = figures;
  const pc = c.sessions > 0 ? c.bad / c.sessions : 0;
  const pb = b.sessions > 0 ? b.bad / b.sessions : 0;
  const ready = c.sessions >= guard.minSessions && b.sessions >= guard.minSessions;
  const excess = pc - pb - guard.maxIncrease;
  const se = c.sessions > 0 && b.sessions > 0 ? Math.sqrt((pc * (1 - pc)) / c.sessions + (pb * (1 - pb)) / b.sessions) : 0;
  const z = se > 0 ? excess / se : null;
  const worse = z === null ? c.sessions > 0 && b.sessions > 0 && excess > 0 : z > Z_ONE_SIDED;
  const abort = ready && worse;
  const rates =
    `candidate ${percent(pc)} (${c.bad}/${c.sessions}) vs baseline ${percent(pb)} (${b.bad}/${b.sessions}) ` +
    `sessions failing ${guard.metric}, allowed increase ${percent(guard.maxIncrease)}`;
  const test = z === null ? 'no variance, the difference itself decides' : `z = ${z.toFixed(2)} ${worse ? '>' : '≤'} ${Z_ONE_SIDED}`;
  const reason = !ready
    ? `waiting for ${guard.minSessions} sessions on each side: ${rates}`
    : `${abort ? 'the candidate is worse with 95% confidence' : 'no significant increase'}: ${rates}; ${test}`;
  return { abort, ready, candidateRate: pc, baselineRate: pb, z, reason };
}
