// Staleness: how long after an edit's 2xx each consumer holds the new text.
// One seeded schedule of edits is observed at once by (a) a PromptClient on
// the stream, (b) a PromptClient forced to poll every 5 s and (c) the seed's
// 30 s poller. Default: a compressed clock (÷10: polls at 0.5 s and 3 s, the
// edit window ÷10 too); --full: real time.
//   node bench/staleness/run.mjs [--full] [--edits=100] [--seed=42]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { legacyPoller, promptClient } from './consumers.mjs';
import { send, startPromptcast, root } from '../support/processes.mjs';
import { markdownTable, ms, percentiles, seeded } from '../support/stats.mjs';
import { cdfChart } from '../support/svg.mjs';
import { isMain, option } from '../support/cli.mjs';

const KEYS = ['AGENT_INSTRUCTION', 'SESSION_INSTRUCTION'];
const CONSUMERS = ['stream (PromptClient)', 'poll 5 s (PromptClient)', 'seed poller 30 s'];

/** The edits: sorted times in [0, windowMs), each on a key, from a seeded PRNG. */
function schedule(edits, windowMs, seed) {
  const random = seeded(seed);
  return Array.from({ length: edits }, () => random() * windowMs)
    .sort((a, b) => a - b)
    .map((at, i) => ({ i, at, key: KEYS[Math.floor(random() * KEYS.length)], text: `edit ${i}: You are Friday. ${'Be brief. '.repeat(40)}` }));
}

/** Runs the schedule; returns each edit's 2xx time. */
async function edit(url, plan) {
  const start = performance.now();
  return Promise.all(
    plan.map(
      (e) =>
        new Promise((resolve, reject) => {
          setTimeout(
            () => send(url, 'PUT', `/api/prompts/${e.key}`, { text: e.text }).then(() => resolve(performance.now()), reject),
            Math.max(0, start + e.at - performance.now()),
          );
        }),
    ),
  );
}

/** Per edit, per consumer: from the 2xx to holding that text or a later one of the same key (never below 0). */
function staleness(plan, answeredAt, seen) {
  return CONSUMERS.map((_, c) =>
    plan.map((e) => {
      const got = seen[c].find((s) => s.key === e.key && s.index >= e.i);
      return got ? Math.max(0, got.at - answeredAt[e.i]) : Number.NaN;
    }),
  );
}

export async function run({ full = false, argv = [] } = {}) {
  const scale = full ? 1 : 10;
  const edits = Number(option(argv, 'edits', 100));
  const windowMs = (full ? 900_000 : 300_000) / scale;
  const intervals = { client: 5_000 / scale, legacy: 30_000 / scale };
  const plan = schedule(edits, windowMs, Number(option(argv, 'seed', 42)));
  const dataDir = mkdtempSync(join(tmpdir(), 'promptcast-staleness-'));
  const server = await startPromptcast({ dataDir });
  const seen = CONSUMERS.map(() => []);
  const record = (c) => (key, text, at) => seen[c].push({ key, at, index: Number(/^edit (\d+):/.exec(text ?? '')?.[1] ?? -1) });
  const consumers = [];
  try {
    for (const key of KEYS) await send(server.url, 'POST', '/api/prompts', { key, text: 'initial' });
    consumers.push(await promptClient(server.url, KEYS, record(0), { transport: 'auto' }));
    consumers.push(await promptClient(server.url, KEYS, record(1), { transport: 'poll', pollIntervalMs: intervals.client }));
    consumers.push(await legacyPoller(server.url, record(2), intervals.legacy));
    const answeredAt = await edit(server.url, plan);
    await settle(plan, seen, intervals.legacy * 3);
    return report({ full, scale, edits, windowMs, intervals, values: staleness(plan, answeredAt, seen) });
  } finally {
    for (const c of consumers) await c.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Waits until every consumer holds the last edit of every key (or `timeoutMs`). */
async function settle(plan, seen, timeoutMs) {
  const last = KEYS.map((k) => plan.findLast((e) => e.key === k)).filter(Boolean);
  const deadline = performance.now() + timeoutMs;
  while (!seen.every((s) => last.every((e) => s.some((x) => x.key === e.key && x.index >= e.i)))) {
    if (performance.now() > deadline) return;
    await sleep(20);
  }
}

function report({ full, scale, edits, windowMs, intervals, values }) {
  const stats = values.map((v) => ({ ...percentiles(v.filter((x) => !Number.isNaN(x))), missed: v.filter(Number.isNaN).length }));
  const ratio = stats[2].p99 / stats[0].p99;
  const clock = full
    ? `real time: ${edits} edits over ${windowMs / 1000} s, polls every 5 s and 30 s`
    : `COMPRESSED CLOCK ÷${scale}: ${edits} edits over ${windowMs / 1000} s (${(windowMs * scale) / 1000} s ÷ ${scale}), polls every ${intervals.client / 1000} s and ${intervals.legacy / 1000} s (5 s and 30 s ÷ ${scale}); the pollers' figures are ÷${scale} of real time, the stream's are not scaled`;
  const table = markdownTable(
    ['consumer', 'p50 ms', 'p99 ms', 'max ms', 'edits never seen'],
    CONSUMERS.map((name, c) => [name, ms(stats[c].p50), ms(stats[c].p99), ms(stats[c].max), String(stats[c].missed)]),
  );
  // Compressed, the poller's staleness is ÷scale (it is linear in its interval) and the stream's is not.
  const realTime = ratio * scale;
  const verdict = full
    ? `stream p99 is ${Math.round(ratio)}× lower than the 30 s poller's (goal ≥ 100×: ${ratio >= 100 ? 'met' : 'NOT met'})`
    : `stream p99 is ${Math.round(ratio)}× lower than the compressed (3 s) poller's; scaled back to real time (poller ×${scale}, stream unscaled) ~${Math.round(realTime)}×: goal ≥ 100× ${realTime >= 100 ? 'met on that scaled figure' : 'NOT met'}; --full measures it in real time`;
  writeFileSync(
    join(root, 'docs', 'img', 'staleness-cdf.svg'),
    cdfChart({
      title: `Staleness per edit (${full ? 'real time' : `compressed clock ÷${scale}`})`,
      xLabel: "from the PUT's 2xx to the consumer holding the text (log scale)",
      series: CONSUMERS.map((name, c) => ({ name, values: values[c].filter((x) => !Number.isNaN(x)).map((x) => Math.max(x, 0.1)) })),
    }),
  );
  return {
    title: 'Staleness: stream vs polling (bench/staleness)',
    sizes: clock,
    table,
    notes: [verdict],
    figures: { stats, ratio, realTime, scale, edits, windowMs },
    charts: ['docs/img/staleness-cdf.svg'],
  };
}

if (isMain(import.meta.url)) {
  run({ full: process.argv.includes('--full'), argv: process.argv })
    .then((r) => console.log(`${r.sizes}\n\n${r.table}\n\n${r.notes.join('\n')}`))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
