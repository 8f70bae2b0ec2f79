// Fan-out benchmark: Promptcast's stream against a raw node:http broadcaster,
// same load generator, same machine, one after the other for each N.
//   npm run bench:stream                 N = 1000, 5000
//   npm run bench:stream -- --full       N = 1000, 4000, 5000, 10000, 19500 (one run each; the fd hard limit caps N)
//   npm run bench:stream -- --sizes=2000 --updates=50 --repeats=3
// `npm run bench` calls run() with smaller sizes (see bench/run-all.mjs).
// The server runs on core 0 and the load generator on core 1 (taskset);
// everything stays on loopback addresses.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMain, option } from '../support/cli.mjs';
import { goalRow, notMeasured } from '../support/goals.mjs';
import { fdHardLimit, root, runJson, startPromptcast, startRaw } from '../support/processes.mjs';
import { markdownTable, median, ms } from '../support/stats.mjs';
import { lineChart } from '../support/svg.mjs';

const here = join(root, 'bench', 'stream-fanout');
/**
 * --full: the connect goals are at 4k and 10k, the growth chart wants 1k, 5k,
 * 10k and 20k; 19,500 is the most one process holds under a 20,000 fd hard
 * limit (the server and the load generator each need one fd per subscriber).
 */
const FULL_SIZES = '1000,4000,5000,10000,19500';
/** Fds a process keeps for itself (store, listener, stdio): N is capped at the hard limit minus this. */
const FD_RESERVE = 500;

async function startServer(kind, dataDir) {
  if (kind === 'raw') return startRaw();
  const server = await startPromptcast({ dataDir });
  const res = await fetch(`${server.url}/api/prompts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key: 'BENCH', text: 'start' }),
  });
  if (res.status !== 201) throw new Error(`creating BENCH answered ${res.status}`);
  return server;
}

async function measure(kind, n, settings, dataDir) {
  const server = await startServer(kind, dataDir);
  try {
    const args = [join(here, 'load.mjs'), server.url, String(n), String(settings.updates), String(server.pid), String(Math.min(settings.parsers, n))];
    return { kind, ...(await runJson(1, args)) };
  } finally {
    await server.stop();
  }
}

/** The median of every figure across repeated runs (each figure on its own). */
function medianOf(runs) {
  const pick = (f) => median(runs.map(f));
  const stat = (k) => Object.fromEntries(Object.keys(runs[0][k]).map((q) => [q, pick((r) => r[k][q])]));
  return {
    kind: runs[0].kind,
    n: runs[0].n,
    m: runs[0].m,
    runs: runs.length,
    e2e: stat('e2e'),
    spread: stat('spread'),
    put: stat('put'),
    rssPerSubscriber: pick((r) => r.rssPerSubscriber),
    connectSeconds: pick((r) => r.connectSeconds),
    sampleInOrder: runs.every((r) => r.sampleInOrder),
    each: runs,
  };
}

function table(results) {
  return markdownTable(
    [
      'server',
      'N',
      'publish→last p50 ms',
      'p99 ms',
      'max ms',
      'first→last p50 ms',
      'p99 ms',
      'PUT answered p50 ms',
      'RSS/idle sub KB',
      'connect s',
      'sample in order',
    ],
    results.map((r) => [
      r.kind,
      r.n,
      ms(r.e2e.p50),
      ms(r.e2e.p99),
      ms(r.e2e.max),
      ms(r.spread.p50),
      ms(r.spread.p99),
      ms(r.put.p50),
      (r.rssPerSubscriber / 1024).toFixed(1),
      r.connectSeconds.toFixed(1),
      r.sampleInOrder ? 'yes' : 'NO',
    ]),
  );
}

/** Promptcast ÷ raw for each N, and the goals. */
function notes(results) {
  const lines = [];
  for (let i = 0; i < results.length; i += 2) {
    const [pc, raw] = [results[i], results[i + 1]];
    const goal = { 1000: 50, 10000: 200 }[pc.n];
    const verdict =
      goal === undefined
        ? ''
        : `; goal p99 ≤ ${goal} ms: ${pc.e2e.p99 <= goal ? 'met' : 'NOT met'} (raw ${raw.e2e.p99 <= goal ? 'meets' : 'misses'} it too)`;
    lines.push(
      `N=${pc.n}: publish→last ÷ raw: p50 ${(pc.e2e.p50 / raw.e2e.p50).toFixed(2)}×, p99 ${(pc.e2e.p99 / raw.e2e.p99).toFixed(2)}× (goal ≤ 1.3×); fan-out alone (first→last p50) ${(pc.spread.p50 / raw.spread.p50).toFixed(2)}×; RSS/idle sub ${(pc.rssPerSubscriber / raw.rssPerSubscriber).toFixed(2)}×${verdict}`,
    );
  }
  if (!results.some((r) => r.n === 10_000)) {
    lines.push('Step 6 goal, publish→last p99 at 10k subscribers ≤ 1.3× raw: not measured in this run (`--full`, or `--sizes=1000,5000,10000`).');
  }
  return lines;
}

/** Writes the chart; a run of three sizes or more up to 10k subscribers or more replaces the one docs/ shows, others go to bench/results/. */
function chart(results, sizes) {
  const series = [];
  for (const kind of ['promptcast', 'raw']) {
    const mine = results.filter((r) => r.kind === kind);
    series.push(
      { name: `${kind} p50`, points: mine.map((r) => [r.n, r.e2e.p50]) },
      { name: `${kind} p99`, points: mine.map((r) => [r.n, r.e2e.p99]) },
    );
  }
  // A growth chart needs several sizes: a run of one size (a 10k re-run) must not replace it.
  const path = Math.max(...sizes) >= 10_000 && sizes.length >= 3 ? 'docs/img/fanout-latency.svg' : 'bench/results/fanout-latency.svg';
  writeFileSync(
    join(root, path),
    lineChart({
      title: `Publish → last subscriber, by subscriber count (N = ${sizes.join(', ')})`,
      xLabel: 'subscribers (N)',
      yLabel: 'ms (median of runs)',
      series,
    }),
  );
  return path;
}

/** Issue 17's stream goals, each Promptcast ÷ raw at the size the goal names (or "not measured"). */
function goals(results) {
  const at = (n) => [results.find((r) => r.kind === 'promptcast' && r.n === n), results.find((r) => r.kind === 'raw' && r.n === n)];
  const rows = [];
  const largest = Math.max(...results.map((r) => r.n));
  const [pcL, rawL] = at(largest);
  rows.push(
    goalRow({
      measure: `RSS per idle subscriber (N=${largest})`,
      pc: pcL.rssPerSubscriber,
      raw: rawL.rssPerSubscriber,
      format: (b) => `${(b / 1024).toFixed(1)} KB`,
      atMost: 1.3,
    }),
  );
  for (const n of [4000, 10_000]) {
    const [pc, raw] = at(n);
    const measure = `connect time, N=${n.toLocaleString('en')} (Promptcast ÷ raw)`;
    rows.push(
      pc
        ? goalRow({ measure, pc: pc.connectSeconds, raw: raw.connectSeconds, format: (x) => `${x.toFixed(1)} s`, atMost: 1.5 })
        : notMeasured(measure, '≤ 1.5×'),
    );
  }
  const [pc, raw] = at(10_000);
  const measure = 'publish→last p99, N=10,000';
  rows.push(pc ? goalRow({ measure, pc: pc.e2e.p99, raw: raw.e2e.p99, format: (x) => `${ms(x)} ms`, atMost: 1.3 }) : notMeasured(measure, '≤ 1.3×'));
  return rows;
}

/** `settings`: {sizes, updates, parsers, repeats}; returns the runner's report. */
export async function run({ full = false, argv = [], defaults = { sizes: '1000,5000', updates: 30, repeats: 3 } } = {}) {
  const fdLimit = await fdHardLimit();
  const asked = String(option(argv, 'sizes', full ? FULL_SIZES : defaults.sizes))
    .split(',')
    .map(Number);
  const settings = {
    sizes: [...new Set(asked.map((n) => Math.min(n, fdLimit - FD_RESERVE)))],
    // --full keeps to one run of 20 updates per size so the whole `npm run bench -- --full` stays near 30 minutes.
    updates: Number(option(argv, 'updates', full ? 20 : defaults.updates)),
    parsers: Number(option(argv, 'parsers', 20)),
    repeats: Number(option(argv, 'repeats', full ? 1 : defaults.repeats)),
  };
  const capped = asked.some((n) => n > fdLimit - FD_RESERVE);
  const dataDir = mkdtempSync(join(tmpdir(), 'promptcast-bench-'));
  const results = [];
  try {
    for (const n of settings.sizes) {
      const runs = { promptcast: [], raw: [] };
      // Alternating the two servers spreads the noise of a shared machine over both.
      for (let r = 0; r < settings.repeats; r++) {
        for (const kind of ['promptcast', 'raw']) {
          process.stderr.write(`  fan-out: ${kind} N=${n} run ${r + 1}/${settings.repeats}\n`);
          runs[kind].push(await measure(kind, n, settings, dataDir));
        }
      }
      results.push(medianOf(runs.promptcast), medianOf(runs.raw));
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const chartPath = chart(results, settings.sizes);
  writeFileSync(join(here, 'last-run.json'), JSON.stringify(results, null, 2));
  const fdNote = `The fd hard limit is ${fdLimit} per process here (\`ulimit -Hn\`; the server and the load generator each hold one fd per subscriber), so one process holds at most ${fdLimit - FD_RESERVE} subscribers in this benchmark${capped ? `: sizes above it were capped (asked ${asked.join(', ')})` : ''}.`;
  return {
    title: 'Stream fan-out vs raw node:http (bench/stream-fanout)',
    sizes: `N = ${settings.sizes.join(', ')}; ${settings.updates} updates per run; median of ${settings.repeats} alternating run(s) per server`,
    table: table(results),
    notes: [...notes(results), fdNote],
    figures: { results, fdLimit },
    charts: [chartPath],
    goals: goals(results),
  };
}

if (isMain(import.meta.url)) {
  run({ full: process.argv.includes('--full'), argv: process.argv })
    .then((r) => {
      const text = `${r.sizes}\n\n${r.table}\n\n${r.notes.join('\n')}\n`;
      writeFileSync(join(here, 'last-run.md'), text);
      console.log(text);
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
