// Runs every benchmark in bench/ and appends one dated entry to
// bench/results/log.md (docs/benchmarks.md, written by hand, explains them).
//   npm run bench                 small sizes (under 3 minutes on 2 cores)
//   npm run bench -- --full       the big sizes (about half an hour; staleness in real time)
//   npm run bench -- --only=poll,staleness
// Each benchmark is a module whose run({full, argv, defaults}) returns
// {title, sizes, table, notes, charts?, goals?} (charts as paths from the
// repository root; goals as rows of bench/support/goals.mjs); it imports the
// built dist/, so the runner builds first. At the end one table, "Issue 17
// goals", gathers every goal row of the run (printed and logged).
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { option } from './support/cli.mjs';
import { goalsTable } from './support/goals.mjs';
import { root } from './support/processes.mjs';

const BENCHES = [
  { name: 'staleness', module: './staleness/run.mjs' },
  { name: 'poll', module: './poll/run.mjs', goals: true },
  { name: 'edit-to-apply', module: './edit-to-apply/run.mjs', defaults: { edits: 100, sessions: 10, warmup: 10 } },
  { name: 'abort-to-apply', module: './abort-to-apply/run.mjs', defaults: { rounds: 20, sessions: 20, warmup: 3 } },
  { name: 'stream-fanout', module: './stream-fanout/run.mjs', defaults: { sizes: '250,1000,2000', updates: 20, repeats: 1 }, goals: true },
  { name: 'capacity', module: './capacity/run.mjs' },
  { name: 'storm', module: './storm/run.mjs', defaults: { subscribers: 2000 }, goals: true },
  { name: 'store-writes', module: './store-writes/run.mjs' },
  { name: 'session-check', module: './session-check/run.mjs' },
  { name: 'fleet-flood', module: './fleet-flood/run.mjs' },
  { name: 'admin-diff', module: './admin-diff/run.mjs' },
  { name: 'checks', module: './checks/run.mjs' },
];
const LOG = join(root, 'bench', 'results', 'log.md');

function machine() {
  const cpu = cpus();
  return `${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Linux ${release()}, Node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')} at start`;
}

function build() {
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build failed');
}

function section(result, seconds) {
  const charts = (result.charts ?? []).map((c) => `![${result.title}](${relative(dirname(LOG), join(root, c))})`);
  return [
    `#### ${result.title}`,
    '',
    `${result.sizes} (${seconds.toFixed(0)} s)`,
    '',
    result.table,
    '',
    ...result.notes.map((n) => `- ${n}`),
    '',
    ...charts,
    ...(charts.length ? [''] : []),
  ].join('\n');
}

async function main() {
  const full = process.argv.includes('--full');
  const only = option(process.argv, 'only', undefined)?.split(',');
  const started = new Date();
  const header = `### ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC — \`npm run bench${full ? ' -- --full' : ''}\`${only ? ` (only ${only.join(', ')})` : ''}\n\n${machine()}\n`;
  build();
  const sections = [];
  const goals = [];
  let failed = false;
  for (const bench of BENCHES) {
    if (only && !only.includes(bench.name)) {
      if (bench.goals) goals.push({ bench: bench.name, rows: undefined, why: 'not run in this invocation (--only)' });
      continue;
    }
    process.stderr.write(`\n▶ ${bench.name}${full ? ' (--full)' : ''}\n`);
    const t0 = performance.now();
    try {
      const { run } = await import(bench.module);
      const result = await run({ full, argv: process.argv, ...(bench.defaults ? { defaults: bench.defaults } : {}) });
      const text = section(result, (performance.now() - t0) / 1000);
      console.log(`\n${text}`);
      sections.push(text);
      if (bench.goals) goals.push({ bench: bench.name, rows: result.goals ?? [] });
    } catch (err) {
      failed = true;
      if (bench.goals) goals.push({ bench: bench.name, rows: undefined, why: 'the benchmark FAILED' });
      console.error(err);
      sections.push(`#### ${bench.name}\n\nFAILED: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  const goalSection = issue17(goals, full);
  console.log(`\n${goalSection}`);
  sections.push(goalSection);
  const total = `Total ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s.\n`;
  appendEntry(`${header}\n${sections.join('\n')}\n${total}`);
  console.log(`\n${total}Appended to ${relative(root, LOG)}.`);
  if (failed) process.exitCode = 1;
}

/** Every issue-17 goal row of this run in one table; a benchmark not run says so instead of a figure. */
function issue17(goals, full) {
  const rows = goals.flatMap((g) => g.rows ?? [{ measure: `(bench/${g.bench})`, goal: '–', met: null, note: g.why }]);
  const verdicts = rows.filter((r) => r.met !== null);
  return [
    '#### Issue 17 goals',
    '',
    'Each ratio is Promptcast ÷ the raw node:http baseline measured in the same run (req/s for the polls, so higher is better; seconds, bytes or milliseconds for the rest, so lower is better).',
    '',
    goalsTable(rows),
    '',
    `${verdicts.filter((r) => r.met).length} of ${verdicts.length} measured goals met${full ? '' : "; sizes below the goals' are not measured without --full"}.`,
    '',
  ].join('\n');
}

function appendEntry(entry) {
  if (!existsSync(LOG)) {
    mkdirSync(dirname(LOG), { recursive: true });
    writeFileSync(LOG, '# Benchmark results log\n\nEvery `npm run bench` appends one entry here (newest last); docs/benchmarks.md explains them.\n');
  }
  appendFileSync(LOG, `\n${entry}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
