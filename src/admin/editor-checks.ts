import { hasErrors, type Check, type CheckReport } from '../protocol/checks.js';
import { parseTemplate, type Variables } from '../protocol/template.js';
import { MAX_VARIABLES } from '../protocol/variables.js';
import type { PromptsService } from '../prompts/prompts.service.js';
import { fromTextarea } from './form-text.js';
import { formVariables, variableRows, type VariableRow, type VariableRowFields } from './variable-rows.js';

/**
 * What the pages show of the checks (protocol/checks.ts, run by
 * PromptsService.check like `POST /api/prompts/:key/check`): the list beside
 * the text, the token estimate, the variable rows, and whether publishing
 * needs the force box. The pages never judge a text themselves.
 */
export interface ChecksModel {
  checks: CheckRow[];
  tokens: CheckReport['tokens'];
  /** "≈ 120 tokens (+30 from production)": the page and the script show the same words. */
  tokensText: string;
  errorCount: number;
  warningCount: number;
  hasErrors: boolean;
}

/** A check as a row of the list: the level, code and message, and where it is as words. */
export type CheckRow = Check & { place?: string };

/** What the editor's script receives: the checks, and the placeholders the text uses (a row each). */
export interface CheckAnswer {
  checks: CheckRow[];
  tokens: CheckReport['tokens'];
  tokensText: string;
  placeholders: string[];
  /** What is wrong with the variable rows, when something is: the checks then ran without them. */
  problem?: string;
}

export function checksModel(report: CheckReport): ChecksModel {
  const checks = report.checks.map(checkRow);
  const errorCount = checks.filter((c) => c.level === 'error').length;
  const warningCount = checks.length - errorCount;
  return { checks, tokens: report.tokens, tokensText: tokensText(report.tokens), errorCount, warningCount, hasErrors: hasErrors(report) };
}

const integer = new Intl.NumberFormat('en');

function tokensText({ estimate, change }: CheckReport['tokens']): string {
  const since = change === null ? '' : ` (${change > 0 ? '+' : change < 0 ? '−' : '±'}${integer.format(Math.abs(change))} from production)`;
  return `≈ ${integer.format(estimate)} tokens${since}`;
}

function checkRow(check: Check): CheckRow {
  return check.where ? { ...check, place: `line ${check.where.line}, column ${check.where.column}` } : check;
}

/** The editor's text with the variables its rows declare: the checks, and a row per placeholder. */
export async function editorChecks(
  prompts: PromptsService,
  key: string | undefined,
  text: string,
  variables: Variables,
): Promise<{ report: ChecksModel; variableRows: VariableRow[] }> {
  const report = await prompts.check(key, { text, variables });
  return { report: checksModel(report), variableRows: variableRows(text, variables) };
}

/** The answer to the editor script's check: the same checks the page renders, as JSON. */
export async function checkAnswer(prompts: PromptsService, key: string | undefined, text: string, rows: VariableRowFields): Promise<CheckAnswer> {
  text = fromTextarea(text);
  const parsed = formVariables(rows);
  const variables = 'variables' in parsed ? parsed.variables : {};
  const report = checksModel(await prompts.check(key, { text, variables }));
  const placeholders = parseTemplate(text).variables.slice(0, MAX_VARIABLES);
  return {
    checks: report.checks,
    tokens: report.tokens,
    tokensText: report.tokensText,
    placeholders,
    ...('problem' in parsed && { problem: parsed.problem }),
  };
}

/** The force box is offered to a visitor who may publish, when the checks find errors (or it was ticked already). */
export function forceBox(canPublish: boolean, report: ChecksModel, ticked = false): boolean {
  return canPublish && (report.hasErrors || ticked);
}
