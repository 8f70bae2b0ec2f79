// Check cost: how long checkPrompt (src/protocol/checks.ts, run on every save
// and by POST /api/prompts/:key/check) takes on hostile but accepted inputs,
// each as large as PROMPT_MAX_BYTES allows (32 KB by default), and on the
// seeded Friday prompt. Every rule is a linear scan: the figures show no case
// costs more than a few milliseconds, and each answer stays a few lines long.
//   node bench/checks/run.mjs [--dist=dist] [--reps=20]
// --dist points at another build, so before and after can be measured in one run.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMain, option } from '../support/cli.mjs';
import { root } from '../support/processes.mjs';
import { markdownTable, median, ms } from '../support/stats.mjs';

const N = 32 * 1024;
const fill = (unit) => unit.repeat(Math.floor(N / Buffer.byteLength(unit)));

/** Each case fills the size limit with one pattern that made a naive rule slow (nested scans, backtracking, one finding per match). */
export const CASES = [
  {
    name: 'friday',
    what: 'the seeded Friday prompt (the common case)',
    text: 'You are Friday, a helpful voice assistant. Speak naturally and concisely, one or two sentences at a time, because everything you say is read aloud. If you do not know something, say so.',
  },
  { name: 'newlines', what: "'\\n' × 32768 (every line a line start)", text: fill('\n') },
  { name: 'blank-lines', what: "' \\n' × 16384", text: fill(' \n') },
  { name: 'open-braces', what: "'{{ ' × 10922 (every one unclosed)", text: fill('{{ ') },
  { name: 'bad-names', what: "'{{a b}}' × 4681 (every one not a name)", text: fill('{{a b}}') },
  { name: 'stray-closes', what: "'x}}' × 10922", text: fill('x}}') },
  {
    name: 'many-variables',
    what: '3,276 distinct undeclared placeholders',
    text: Array.from({ length: 3276 }, (_, i) => `{{v${i}}}`)
      .join('')
      .slice(0, N),
  },
  { name: 'brackets', what: "'[' × 32768 (a link that never closes)", text: fill('[') },
  { name: 'link-heads', what: "'[a](' × 8192", text: fill('[a](') },
  { name: 'stars', what: "'*a' × 16384", text: fill('*a') },
  { name: 'pipes', what: "'|' × 32768 on one line", text: fill('|') },
  { name: 'digits', what: "'1' × 32768", text: fill('1') },
  { name: 'emoji', what: "'😊' × 8192", text: fill('😊') },
];

async function checkModule(dist) {
  return import(pathToFileURL(resolve(root, dist, 'protocol', 'checks.js')).href);
}

export async function run({ argv = process.argv } = {}) {
  const dist = option(argv, 'dist', 'dist');
  const reps = Number(option(argv, 'reps', '20'));
  const { checkPrompt } = await checkModule(dist);
  const rows = [];
  let worst = 0;
  let slowestMedian = 0;
  for (const c of CASES) {
    const input = { text: c.text, variables: {}, previous: c.text, maxBytes: N };
    checkPrompt(input); // warm-up: the first call compiles the rules
    const times = [];
    let report;
    for (let i = 0; i < reps; i += 1) {
      const t0 = performance.now();
      report = checkPrompt(input);
      times.push(performance.now() - t0);
    }
    worst = Math.max(worst, ...times);
    slowestMedian = Math.max(slowestMedian, median(times));
    const bytes = Buffer.byteLength(JSON.stringify(report));
    rows.push([
      c.what,
      `${(Buffer.byteLength(c.text) / 1024).toFixed(1)} KB`,
      ms(median(times)),
      ms(Math.max(...times)),
      String(report.checks.length),
      `${bytes} B`,
    ]);
  }
  const table = markdownTable(['input', 'size', 'median ms', 'max ms', 'findings', 'answer size'], rows);
  const share = (x) => `${(((x * 600) / 60_000) * 100).toFixed(1)}%`;
  const notes = [
    `slowest median ${ms(slowestMedian)} ms, slowest single run ${ms(worst)} ms (a GC pause or another process on a shared core)`,
    `at the default RATE_LIMIT_CHECKS_PER_MIN (600), one token flooding the worst input costs about ${share(slowestMedian)} of one core (${share(worst)} if every run were the slowest)`,
  ];
  return { title: 'Checks (bench/checks)', sizes: `${reps} runs per input, build ${dist}`, table, notes };
}

if (isMain(import.meta.url)) {
  const result = await run();
  console.log(`${result.sizes}\n\n${result.table}\n\n${result.notes.map((n) => `- ${n}`).join('\n')}`);
}
