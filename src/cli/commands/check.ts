import { checkPrompt, hasErrors, type CheckReport } from '../../protocol/checks.js';
import { DEFAULT_LABEL } from '../../protocol/labels.js';
import { readPromptDir } from '../prompt-dir.js';
import { keyPath } from '../server-api.js';
import { printChecks } from './checks-print.js';
import type { CommandContext } from './context.js';

export interface CheckOptions {
  /** Run protocol/checks.ts here instead of asking the server (no size-change against what the label serves). */
  offline?: boolean;
  /** PROMPT_MAX_BYTES for --offline. */
  maxBytes: number;
}

/** `check [dir]`: the checks of every file (`POST /api/prompts/:key/check`, or locally with --offline); exits 1 on any error. */
export async function check(ctx: CommandContext, dir: string, options: CheckOptions): Promise<number> {
  const results: { key: string; path: string; errors: number; warnings: number; report: CheckReport }[] = [];
  for (const { path, file } of await readPromptDir(dir)) {
    const report = options.offline
      ? checkPrompt({ text: file.text, variables: file.variables, maxBytes: options.maxBytes })
      : await ctx.api.json<CheckReport>('POST', `${keyPath(file.key)}/check`, {
          body: { text: file.text, variables: file.variables, label: file.label ?? DEFAULT_LABEL },
        });
    printChecks(ctx.out, path, report.checks);
    const count = (level: string) => report.checks.filter((c) => c.level === level).length;
    results.push({ key: file.key, path, errors: count('error'), warnings: count('warning'), report });
  }
  const errors = results.reduce((n, r) => n + r.errors, 0);
  const warnings = results.reduce((n, r) => n + r.warnings, 0);
  ctx.out.line(`${results.length} prompt files: ${errors} errors, ${warnings} warnings`);
  ctx.out.result({ errors, warnings, prompts: results });
  return results.some((r) => hasErrors(r.report)) ? 1 : 0;
}
