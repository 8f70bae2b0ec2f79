import { BUILT_IN_METRICS, type SessionRecord, type SessionVariant, type StoredSession } from '../protocol/sessions.js';
import { customFigureName, type MetricSums, type VariantSums } from '../sessions/rollout-figures.js';
import type { Reporter } from '../sessions/session-store.js';

/**
 * Sessions as both stores write and read them: the built-in metrics are
 * columns (summed in SQL for a rollout's figures), the rest JSON text,
 * encoded and decoded here once.
 */

/** A `sessions` row as both stores select it (times already ISO-8601 text). */
export interface SessionRow {
  session_id: string;
  agent_id: string;
  label: string;
  started_at: string;
  ended_at: string | null;
  reported_at: string;
  end_reason: string | null;
  turns: number;
  user_interruptions: number;
  agent_errors: number;
  duration_ms: number;
  receipts: string;
  turn_records: string;
  prompts: string;
  rollouts: string;
  custom_metrics: string;
}

/** The columns of an insert, in order (both stores' upsert lists them so). */
export const SESSION_COLUMNS = [
  'session_id',
  'agent_id',
  'token',
  'label',
  'started_at',
  'ended_at',
  'reported_at',
  'end_reason',
  'turns',
  'user_interruptions',
  'agent_errors',
  'duration_ms',
  'receipts',
  'turn_records',
  'prompts',
  'rollouts',
  'custom_metrics',
] as const;

/** The parameters of one session's upsert, in SESSION_COLUMNS order. */
export function sessionParams(reporter: Reporter, s: SessionRecord, reportedAt: string): unknown[] {
  const m = s.metrics;
  return [
    s.sessionId,
    reporter.agentId,
    reporter.token,
    s.label,
    s.startedAt,
    s.endedAt ?? null,
    reportedAt,
    m.endReason,
    m.turns,
    m.userInterruptions,
    m.agentErrors,
    m.durationMs,
    JSON.stringify(s.receipts),
    JSON.stringify(s.turns ?? []),
    JSON.stringify(s.prompts),
    JSON.stringify(s.rollouts ?? {}),
    JSON.stringify(m.custom),
  ];
}

/** The session's (key, version) rows for the listing index. */
export const promptRows = (s: SessionRecord): [string, number][] => Object.entries(s.prompts);

/** The session's (key, rollout id, variant) rows for a rollout's figures. */
export const rolloutRows = (s: SessionRecord): [string, string, SessionVariant['variant']][] =>
  Object.entries(s.rollouts ?? {}).map(([key, v]) => [key, v.rolloutId, v.variant]);

export function fromSessionRow(row: SessionRow): StoredSession {
  return {
    sessionId: row.session_id,
    agentId: row.agent_id,
    reportedAt: row.reported_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    label: row.label,
    prompts: JSON.parse(row.prompts) as Record<string, number>,
    rollouts: JSON.parse(row.rollouts) as Record<string, SessionVariant>,
    receipts: JSON.parse(row.receipts) as StoredSession['receipts'],
    turns: JSON.parse(row.turn_records) as NonNullable<StoredSession['turns']>,
    metrics: {
      turns: row.turns,
      userInterruptions: row.user_interruptions,
      agentErrors: row.agent_errors,
      durationMs: row.duration_ms,
      endReason: row.end_reason,
      custom: JSON.parse(row.custom_metrics) as Record<string, number>,
    },
  };
}

/** One variant's sums of the built-in metrics, as the figures query selects them. */
export interface BuiltInSumsRow {
  variant: string;
  sessions: number;
  bad: number;
  turns_sum: number;
  turns_sq: number;
  user_interruptions_sum: number;
  user_interruptions_sq: number;
  agent_errors_sum: number;
  agent_errors_sq: number;
  duration_ms_sum: number;
  duration_ms_sq: number;
}

/** One variant's sums of one custom metric. */
export interface CustomSumsRow {
  variant: string;
  name: string;
  n: number;
  sum: number;
  sq: number;
}

/** The built-in metrics' columns, by wire name: the figures query sums each. */
export const METRIC_COLUMNS: Record<(typeof BUILT_IN_METRICS)[number], string> = {
  turns: 'turns',
  userInterruptions: 'user_interruptions',
  agentErrors: 'agent_errors',
  durationMs: 'duration_ms',
};

/** `sum(col) AS col_sum, sum(col * col) AS col_sq` for every built-in metric, as floats (no integer overflow). */
export function builtInSums(cast: (expr: string) => string): string {
  return Object.values(METRIC_COLUMNS)
    .map((col) => `sum(${cast(`s.${col}`)}) AS ${col}_sum, sum(${cast(`s.${col}`)} * ${cast(`s.${col}`)}) AS ${col}_sq`)
    .join(', ');
}

/** The figures query's rows as the sums of each variant. */
export function variantSums(builtIn: BuiltInSumsRow[], custom: CustomSumsRow[]): { candidate: VariantSums; baseline: VariantSums } {
  const side = (variant: string): VariantSums => {
    const row = builtIn.find((r) => r.variant === variant);
    const sessions = Number(row?.sessions ?? 0);
    const metrics: Record<string, MetricSums> = {};
    for (const [name, col] of Object.entries(METRIC_COLUMNS)) {
      const r = row as unknown as Record<string, number | null> | undefined;
      metrics[name] = { n: sessions, sum: Number(r?.[`${col}_sum`] ?? 0), sumSquares: Number(r?.[`${col}_sq`] ?? 0) };
    }
    for (const c of custom.filter((r) => r.variant === variant)) {
      metrics[customFigureName(c.name)] = { n: Number(c.n), sum: Number(c.sum), sumSquares: Number(c.sq) };
    }
    return { sessions, bad: Number(row?.bad ?? 0), metrics };
  };
  return { candidate: side('candidate'), baseline: side('baseline') };
}
