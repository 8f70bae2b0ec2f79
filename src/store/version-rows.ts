import type { CheckReport } from '../protocol/checks.js';
import type { Variables } from '../protocol/template.js';
import type { PromptRecord, VersionRecord, VersionSummary } from './prompt-store.js';

/**
 * Versions as both stores read them: `variables` and `checks` are JSON text
 * columns (validated on the way in by protocol/variables.ts and computed by
 * protocol/checks.ts), decoded here once for every read.
 */

export type PromptRow = Omit<PromptRecord, 'variables'> & { variables: string };
export type VersionRow = Omit<VersionRecord, 'variables' | 'checks'> & { variables: string; checks: string | null };
export type SummaryRow = Omit<VersionSummary, 'checks' | 'labels'> & { checks: string | null };

export function fromPromptRow(row: PromptRow): PromptRecord {
  return { ...row, variables: decodeVariables(row.variables) };
}

export function fromVersionRow(row: VersionRow): VersionRecord {
  return { ...row, variables: decodeVariables(row.variables), checks: decodeChecks(row.checks) };
}

/** A version in a history page: how many errors and warnings its checks found, not the checks themselves. */
export function fromSummaryRow(row: SummaryRow): Omit<VersionSummary, 'labels'> {
  const report = decodeChecks(row.checks);
  const count = (level: string) => report?.checks.filter((c) => c.level === level).length ?? 0;
  return { ...row, checks: report ? { errors: count('error'), warnings: count('warning') } : null };
}

export function encodeVariables(variables: Variables): string {
  return JSON.stringify(variables);
}

export function encodeChecks(report: CheckReport): string {
  return JSON.stringify(report);
}

/** `{}` for a row saved before variables existed (the column's default) or holding anything but an object. */
export function decodeVariables(json: string | null): Variables {
  if (json === null) return {};
  const parsed: unknown = JSON.parse(json);
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Variables) : {};
}

function decodeChecks(json: string | null): CheckReport | null {
  return json === null ? null : (JSON.parse(json) as CheckReport);
}
