#!/usr/bin/env node
// `promptcast`: prompts as code: pull, diff, push, check, publish, promote, status, export, import (docs/cli.md).
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_LABEL, isLabel, LABEL_RULE } from '../protocol/labels.js';
import { exportStore, importStore } from './commands/backup.js';
import { check } from './commands/check.js';
import type { CommandContext } from './commands/context.js';
import { diff } from './commands/diff.js';
import { pull } from './commands/pull.js';
import { push } from './commands/push.js';
import { promote, publish } from './commands/release.js';
import { status } from './commands/status.js';
import { EXIT, Output } from './output.js';
import { ApiError, ServerApi, UsageError } from './server-api.js';

interface GlobalOptions {
  url: string;
  token?: string;
  json?: boolean;
  color: boolean;
}

const label = (value: string): string => {
  if (!isLabel(value)) throw new InvalidArgumentError(`a label is ${LABEL_RULE}`);
  return value;
};
const positive = (value: string): number => {
  if (!/^[1-9]\d{0,14}$/.test(value)) throw new InvalidArgumentError('a version is a whole number from 1');
  return Number(value);
};

const program = new Command('promptcast')
  .description('Prompts as code for a Promptcast server: keep KEY.md files in git, diff, push, publish, back up.')
  .addOption(new Option('--url <url>', 'the server').env('PROMPTCAST_URL').default('http://127.0.0.1:3000'))
  .addOption(new Option('--token <token>', 'a bearer token').env('PROMPTCAST_TOKEN'))
  .option('--json', 'print one JSON document on stdout instead of text')
  .option('--no-color', 'no ANSI colour (also NO_COLOR)')
  .showHelpAfterError()
  .exitOverride();

/** Runs a command with the global options and sets the exit code it answers. */
const run =
  <A extends unknown[]>(fn: (ctx: CommandContext, ...args: A) => Promise<number>) =>
  async (...args: A): Promise<void> => {
    const g = program.opts<GlobalOptions>();
    const out = new Output(g.json === true, g.color && process.stdout.isTTY === true && !process.env.NO_COLOR);
    process.exitCode = await fn({ api: new ServerApi(g.url, g.token), out }, ...args);
  };

program
  .command('pull')
  .description('write one KEY.md per key the label points at: front matter, then the text byte for byte')
  .argument('[dir]', 'directory of prompt files', 'prompts')
  .addOption(new Option('--label <label>', 'the label to pull').argParser(label).default(DEFAULT_LABEL))
  .action(run((ctx, dir: string, o: { label: string }) => pull(ctx, dir, o.label)));

program
  .command('diff')
  .description('show what push would change, per key; exit 1 when anything differs')
  .argument('[dir]', 'directory of prompt files', 'prompts')
  .action(run((ctx, dir: string) => diff(ctx, dir)));

program
  .command('push')
  .description('save each changed file as a new version (If-Match on the version it was pulled from)')
  .argument('[dir]', 'directory of prompt files', 'prompts')
  .addOption(new Option('--draft', 'save drafts: move no label').conflicts('label'))
  .addOption(new Option('--label <label>', "point this label at the new versions (default: each file's label)").argParser(label))
  .option('-m, --message <message>', 'the change message')
  .action(run((ctx, dir: string, o: { draft?: boolean; label?: string; message?: string }) => push(ctx, dir, o)));

program
  .command('check')
  .description("run the checks on every file (the server's POST /api/prompts/:key/check); exit 1 on errors")
  .argument('[dir]', 'directory of prompt files', 'prompts')
  .option('--offline', 'run the same checks here, without a server')
  .addOption(new Option('--max-bytes <bytes>', 'PROMPT_MAX_BYTES for --offline').argParser(positive).default(32 * 1024))
  .action(run((ctx, dir: string, o: { offline?: boolean; maxBytes: number }) => check(ctx, dir, o)));

program
  .command('publish')
  .description('point a label at a version (shows the diff, asks unless --yes)')
  .argument('<key>')
  .addOption(new Option('--version <n>', 'the version').argParser(positive).makeOptionMandatory())
  .addOption(new Option('--label <label>', 'the label to move').argParser(label).default(DEFAULT_LABEL))
  .option('-y, --yes', 'do not ask')
  .option('-m, --message <message>', 'the change message')
  .action(
    run((ctx, key: string, o: { version: number; label: string; yes?: boolean; message?: string }) => publish(ctx, key, o.version, o.label, o)),
  );

program
  .command('promote')
  .description('point a label at the version another label points at (shows the diff, asks unless --yes)')
  .argument('<key>')
  .addOption(new Option('--from <label>').argParser(label).default('staging'))
  .addOption(new Option('--to <label>').argParser(label).default(DEFAULT_LABEL))
  .option('-y, --yes', 'do not ask')
  .option('-m, --message <message>', 'the change message')
  .action(run((ctx, key: string, o: { from: string; to: string; yes?: boolean; message?: string }) => promote(ctx, key, o.from, o.to, o)));

program
  .command('status')
  .description('where each label points, active rollouts, and the fleet (agents, revision, behind)')
  .addOption(
    new Option('--label <label...>', 'the label views to list keys from').argParser((v: string, prev: string[] | undefined) => [
      ...(prev ?? []),
      label(v),
    ]),
  )
  .action(run((ctx, o: { label?: string[] }) => status(ctx, o.label ?? [DEFAULT_LABEL, 'staging'])));

program
  .command('export')
  .description('write the whole store (every version, label and audit entry) as JSON lines; admin token')
  .argument('<file>')
  .action(run((ctx, file: string) => exportStore(ctx, file)));

program
  .command('import')
  .description('load an export into an empty store (exactly), or add its keys with --merge; admin token')
  .argument('<file>')
  .option('--merge', 'add keys the store never had instead of refusing a store that is not empty')
  .action(run((ctx, file: string, o: { merge?: boolean }) => importStore(ctx, file, o.merge === true)));

try {
  await program.parseAsync();
} catch (err) {
  process.exitCode = failure(err);
}

/** Prints what went wrong; the exit code says whether it is a finding (a refusal) or a usage or connection problem. */
function failure(err: unknown): number {
  const code = (err as { code?: string }).code;
  if (code === 'commander.helpDisplayed' || code === 'commander.version') return EXIT.ok;
  if (typeof code === 'string' && code.startsWith('commander.')) return EXIT.usage;
  process.stderr.write(`promptcast: ${(err as Error).message}\n`);
  // A refusal of the request itself is a finding; a bad token, a bad argument or no server is a usage problem.
  if (err instanceof ApiError && err.status !== 401 && err.status !== 403) return EXIT.finding;
  if (!(err instanceof ApiError) && !(err instanceof UsageError)) process.stderr.write(`${(err as Error).stack ?? ''}\n`);
  return EXIT.usage;
}
