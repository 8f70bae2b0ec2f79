import type { Check } from '../../protocol/checks.js';
import { DEFAULT_LABEL } from '../../protocol/labels.js';
import type { SavedPrompt } from '../../protocol/prompts.js';
import { readPromptDir, writePromptFile } from '../prompt-dir.js';
import { ApiError, keyPath, type ServerApi } from '../server-api.js';
import { printChecks } from './checks-print.js';
import { compare, type Comparison } from './compare.js';
import type { CommandContext } from './context.js';

export interface PushOptions {
  draft?: boolean;
  label?: string;
  message?: string;
}

type Pushed = { key: string; outcome: 'saved' | 'unchanged' | 'conflict' | 'refused'; version?: number; reason?: string; checks?: Check[] };

/**
 * `push [dir] [--draft | --label L] [-m message]`: each changed file becomes
 * a new version, `If-Match` on the version it was pulled from. A key that
 * moved on the server is a conflict: nothing is written for it. The server
 * runs the checks: errors refuse a protected label (422), warnings print.
 */
export async function push(ctx: CommandContext, dir: string, options: PushOptions): Promise<number> {
  const results: Pushed[] = [];
  for (const local of await readPromptDir(dir)) {
    const c = await compare(ctx.api, local);
    const result = !c.changed ? { key: local.file.key, outcome: 'unchanged' as const } : c.conflict ? conflict(c) : await save(ctx, c, options, dir);
    results.push(result);
    report(ctx, local.path, result);
  }
  const failed = results.filter((r) => r.outcome === 'conflict' || r.outcome === 'refused');
  const saved = results.filter((r) => r.outcome === 'saved').length;
  ctx.out.line(`${saved} saved, ${results.length - saved - failed.length} unchanged, ${failed.length} not pushed`);
  ctx.out.result({ prompts: results });
  return failed.length > 0 ? 1 : 0;
}

function conflict(c: Comparison): Pushed {
  return { key: c.local.file.key, outcome: 'conflict', reason: `${c.conflict}; pull again, merge your change, and push` };
}

async function save(ctx: CommandContext, c: Comparison, options: PushOptions, dir: string): Promise<Pushed> {
  const { file } = c.local;
  const labels = options.draft ? [] : [options.label ?? file.label ?? DEFAULT_LABEL];
  const body = { text: file.text, variables: file.variables, labels, ...(options.message !== undefined && { message: options.message }) };
  try {
    const saved = await send(ctx.api, c, body);
    // The file now names the version it holds, so the next push is based on it.
    await writePromptFile(dir, { ...file, version: saved.version, labels: labels.length ? labels : file.labels });
    return { key: file.key, outcome: 'saved', version: saved.version, checks: saved.checks.checks };
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    const checks = Array.isArray(err.body.checks) ? (err.body.checks as Check[]) : undefined;
    // 412 (PUT) and 409 (POST): someone saved first; the server wrote nothing.
    const outcome = err.status === 412 || err.status === 409 ? 'conflict' : 'refused';
    return { key: file.key, outcome, reason: err.message, ...(checks && { checks }) };
  }
}

function send(api: ServerApi, c: Comparison, body: object): Promise<SavedPrompt> {
  const { file } = c.local;
  if (file.version === undefined) return api.json<SavedPrompt>('POST', '/api/prompts', { body: { key: file.key, ...body } });
  return api.json<SavedPrompt>('PUT', keyPath(file.key), { body, ifMatch: file.version });
}

function report(ctx: CommandContext, path: string, r: Pushed): void {
  if (r.outcome === 'saved') ctx.out.line(`saved ${r.key} v${r.version}`);
  else if (r.outcome === 'unchanged') ctx.out.line(`unchanged ${r.key}`);
  else ctx.out.line(ctx.out.paint(`${r.outcome} ${r.key}: ${r.reason}`, 'red'));
  if (r.checks) printChecks(ctx.out, path, r.checks);
}
