import { createTwoFilesPatch } from 'diff';
import { createInterface } from 'node:readline/promises';
import type { Check } from '../../protocol/checks.js';
import type { LabelList } from '../../protocol/labels.js';
import type { Version } from '../../protocol/prompts.js';
import { ApiError, keyPath, UsageError } from '../server-api.js';
import { printChecks } from './checks-print.js';
import type { CommandContext } from './context.js';
import { paintPatch } from './diff.js';

export interface PublishOptions {
  yes?: boolean;
  message?: string;
}

/** `publish KEY --version N --label L`: shows what the label serves now against version N, asks unless --yes, moves it. */
export async function publish(ctx: CommandContext, key: string, version: number, label: string, options: PublishOptions): Promise<number> {
  const { labels } = await ctx.api.json<LabelList>('GET', `${keyPath(key)}/labels`);
  const current = labels.find((l) => l.label === label)?.version;
  if (current === version) {
    ctx.out.line(`${label} of ${key} already points at v${version}`);
    ctx.out.result({ key, label, version, moved: false });
    return 0;
  }
  const target = await ctx.api.json<Version>('GET', `${keyPath(key)}/versions/${version}`);
  const before = current === undefined ? null : await ctx.api.json<Version>('GET', `${keyPath(key)}/versions/${current}`);
  const from = before ? `${key} v${before.version} (${label} now)` : `${key} (${label} points nowhere)`;
  ctx.out.line(paintPatch(ctx.out, createTwoFilesPatch(from, `${key} v${version}`, before?.text ?? '', target.text)));
  if (!options.yes && !(await confirm(`point ${label} of ${key} at v${version}?`))) {
    ctx.out.line('nothing changed');
    ctx.out.result({ key, label, version, moved: false });
    return 1;
  }
  try {
    const moved = await ctx.api.json<LabelList & { checks: { checks: Check[] } }>('PUT', `${keyPath(key)}/labels/${label}`, {
      body: { version, ...(options.message !== undefined && { message: options.message }) },
      ...(current !== undefined && { ifMatch: current }),
    });
    printChecks(ctx.out, key, moved.checks.checks);
    ctx.out.line(`${label} of ${key} → v${version}${current === undefined ? '' : ` (was v${current})`}`);
    ctx.out.result({ key, label, version, moved: true, from: current ?? null, checks: moved.checks.checks });
    return 0;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (Array.isArray(err.body.checks)) printChecks(ctx.out, key, err.body.checks as Check[]);
    ctx.out.line(ctx.out.paint(err.message, 'red'));
    ctx.out.result({ key, label, version, moved: false, status: err.status, error: err.body });
    return 1;
  }
}

/** `promote KEY --from staging --to production`: publishes the version `from` points at to `to`. */
export async function promote(ctx: CommandContext, key: string, from: string, to: string, options: PublishOptions): Promise<number> {
  const { labels } = await ctx.api.json<LabelList>('GET', `${keyPath(key)}/labels`);
  const source = labels.find((l) => l.label === from);
  if (!source)
    throw new UsageError(`${key} has no version labelled ${from} (labels: ${labels.map((l) => `${l.label} → v${l.version}`).join(', ') || 'none'})`);
  return publish(ctx, key, source.version, to, options);
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new UsageError('not a terminal, so nothing can be confirmed: pass --yes to publish');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
