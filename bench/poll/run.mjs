// Poll throughput: GET /api/prompts with a matching If-None-Match (304, no
// body), the same GET without it (200, the full state) and the legacy flat
// read (?format=flat, 200), in one run, for Promptcast (fast path on, and
// FAST_PATH=off: the framework route), and for the raw node:http baseline.
// Then the cost growth: 200 and 304 rates and the body size against the
// number of prompts (2, 100, 1,000 keys of 2 KB). The server runs on core 0,
// autocannon (load.mjs) on core 1. Promptcast runs with tokens, as a fleet
// uses it: every poll carries an agent token.
//   node bench/poll/run.mjs [--full] [--seconds=4] [--connections=50] [--growth=2,100,1000]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMain, option } from '../support/cli.mjs';
import { root, runJson, startPromptcast, startRaw } from '../support/processes.mjs';
import { goalRow } from '../support/goals.mjs';
import { markdownTable, ms } from '../support/stats.mjs';
import { lineChart } from '../support/svg.mjs';

const here = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname);
// Two prompts of a typical size, as an agent fleet polls them.
const PROMPTS = {
  AGENT_INSTRUCTION: 'You are Friday, a helpful voice assistant. '.repeat(24),
  SESSION_INSTRUCTION: 'Greet the caller by name. '.repeat(12),
};
const ADMIN = 'bench-admin-secret-0123456789';
const AGENT = 'bench-agent-secret-0123456789';
const TOKENS = { ADMIN_TOKENS: `ops:${ADMIN}`, AGENT_TOKENS: `fleet:${AGENT}` };
/** Issue 17's goals, as ratios to the raw baseline in the same run. */
const GOALS = { notModified: 0.5, full: 0.4, flat: 0.4 };
const PHASES = [
  ['notModified', '304 (If-None-Match)'],
  ['full', '200 (full body)'],
  ['flat', '200 ?format=flat (legacy read)'],
];
/** How each phase is named in the goals table (issue 17's wording). */
const GOAL_MEASURES = {
  notModified: 'conditional poll, 304 req/s',
  full: 'full poll 200 (2 prompts) req/s',
  flat: 'flat legacy read req/s',
};

async function put(server, kind, key, text) {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` };
  const res =
    kind === 'raw'
      ? await fetch(`${server.url}/api/prompts/${key}`, { method: 'PUT', headers, body: JSON.stringify({ text }) })
      : await fetch(`${server.url}/api/prompts`, { method: 'POST', headers, body: JSON.stringify({ key, text }) });
  if (!res.ok) throw new Error(`${kind}: saving ${key} answered ${res.status}`);
}

const agentHeaders = JSON.stringify({ authorization: `Bearer ${AGENT}` });

async function load(server, path, seconds, connections, etag = '') {
  return runJson(1, [join(here, 'load.mjs'), `${server.url}${path}`, String(seconds), String(connections), etag, agentHeaders]);
}

async function measure(kind, server, seconds, connections) {
  for (const [key, text] of Object.entries(PROMPTS)) await put(server, kind, key, text);
  const etag = (await fetch(`${server.url}/api/prompts`, { headers: { authorization: `Bearer ${AGENT}` } })).headers.get('etag');
  const notModified = await load(server, '/api/prompts', seconds, connections, etag);
  const full = await load(server, '/api/prompts', seconds, connections);
  const flat = await load(server, '/api/prompts?format=flat', seconds, connections);
  const bad = [
    [notModified, '3xx'],
    [full, '2xx'],
    [flat, '2xx'],
  ].filter(([x, status]) => x.statuses[status] !== x.requests);
  if (bad.length) throw new Error(`${kind}: unexpected statuses ${JSON.stringify(bad.map(([x]) => x.statuses))}`);
  return { kind, notModified, full, flat };
}

/** 200 and 304 rates and the body size as the number of 2 KB prompts grows, on one server (fast path). */
async function growth(sizes, seconds, connections, dataDir) {
  const server = await startPromptcast({ dataDir, env: TOKENS });
  const rows = [];
  try {
    let have = 0;
    for (const n of sizes) {
      for (; have < n; have++) await put(server, 'promptcast', `KEY_${String(have).padStart(4, '0')}`, `${'x'.repeat(2040)} ${have}`);
      const res = await fetch(`${server.url}/api/prompts`, { headers: { authorization: `Bearer ${AGENT}` } });
      const bodyBytes = (await res.arrayBuffer()).byteLength;
      const etag = res.headers.get('etag');
      const notModified = await load(server, '/api/prompts', seconds, connections, etag);
      const full = await load(server, '/api/prompts', seconds, connections);
      rows.push({ keys: n, bodyBytes, notModified, full });
    }
  } finally {
    await server.stop();
  }
  return rows;
}

export async function run({ full = false, argv = [] } = {}) {
  const seconds = Number(option(argv, 'seconds', full ? 15 : 4));
  const connections = Number(option(argv, 'connections', 50));
  const sizes = option(argv, 'growth', '2,100,1000').split(',').map(Number);
  const dataDir = mkdtempSync(join(tmpdir(), 'promptcast-poll-'));
  const results = [];
  let grown = [];
  try {
    for (const kind of ['promptcast', 'promptcast FAST_PATH=off', 'raw']) {
      const server =
        kind === 'raw' ? await startRaw() : await startPromptcast({ dataDir, env: { ...TOKENS, FAST_PATH: kind === 'promptcast' ? 'on' : 'off' } });
      try {
        results.push(await measure(kind, server, seconds, connections));
      } finally {
        await server.stop();
      }
    }
    grown = await growth(sizes, Math.max(2, Math.round(seconds / 2)), connections, dataDir);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { ...report(results, grown, seconds, connections), charts: growthCharts(grown, full) };
}

/** Rates and body size against the number of prompts; a --full run replaces the charts docs/ shows, a smaller one goes to bench/results/. */
function growthCharts(grown, full) {
  const dir = full ? 'docs/img' : 'bench/results';
  const keys = `prompts of 2 KB (${grown.map((g) => g.keys).join(', ')})`;
  const charts = {
    'poll-growth-rate.svg': lineChart({
      title: 'Poll rate against the number of prompts (fast path)',
      xLabel: keys,
      yLabel: 'req/s',
      series: [
        { name: '304 (If-None-Match)', points: grown.map((g) => [g.keys, g.notModified.perSecond]) },
        { name: '200 (full body)', points: grown.map((g) => [g.keys, g.full.perSecond]) },
      ],
    }),
    'poll-growth-bytes.svg': lineChart({
      title: 'Body of GET /api/prompts (= the stream snapshot) against the number of prompts',
      xLabel: keys,
      yLabel: 'KB',
      series: [{ name: 'body KB', points: grown.map((g) => [g.keys, g.bodyBytes / 1024]) }],
    }),
  };
  return Object.entries(charts).map(([name, svg]) => {
    writeFileSync(join(root, dir, name), svg);
    return `${dir}/${name}`;
  });
}

function report(results, grown, seconds, connections) {
  const rows = results.flatMap((r) =>
    PHASES.map(([phase, what]) => {
      const x = r[phase];
      return [r.kind, what, Math.round(x.perSecond).toLocaleString('en'), Math.round(x.bytesPerResponse), ms(x.latency.p50), ms(x.latency.p99)];
    }),
  );
  const [pc, off, raw] = results;
  const ratio = (phase, r = pc) => r[phase].perSecond / raw[phase].perSecond;
  const growthTable = markdownTable(
    ['prompts (2 KB each)', 'body bytes', '200 req/s', '200 p50 ms', '304 req/s', '304 p50 ms'],
    grown.map((g) => [
      g.keys,
      g.bodyBytes.toLocaleString('en'),
      Math.round(g.full.perSecond).toLocaleString('en'),
      ms(g.full.latency.p50),
      Math.round(g.notModified.perSecond).toLocaleString('en'),
      ms(g.notModified.latency.p50),
    ]),
  );
  return {
    title: 'Poll throughput (bench/poll)',
    sizes: `autocannon, ${connections} connections, ${seconds} s per phase, every request with an agent token; server on core 0, load on core 1; 2 prompts (~1.4 KB)`,
    table: `${markdownTable(['server', 'answer', 'req/s', 'bytes/response (headers included)', 'latency p50 ms', 'p99 ms'], rows)}\n\nCost growth (fast path; phases of ${Math.max(2, Math.round(seconds / 2))} s):\n\n${growthTable}`,
    notes: [
      ...PHASES.map(
        ([phase, what]) =>
          `${what}: ${ratio(phase).toFixed(2)}× the raw node:http baseline (goal ≥ ${GOALS[phase]}×: ${ratio(phase) >= GOALS[phase] ? 'met' : 'NOT met'}); FAST_PATH=off ${ratio(phase, off).toFixed(2)}×`,
      ),
      `Promptcast 304/s: ${Math.round(pc.notModified.perSecond).toLocaleString('en')} (goal ≥ 10,000: ${pc.notModified.perSecond >= 10_000 ? 'met' : 'NOT met'}); the fast path answers ${(pc.notModified.perSecond / off.notModified.perSecond).toFixed(1)}× the 304s of the framework route in this run`,
    ],
    figures: { results, grown },
    goals: PHASES.map(([phase]) =>
      goalRow({
        measure: GOAL_MEASURES[phase],
        pc: pc[phase].perSecond,
        raw: raw[phase].perSecond,
        format: (x) => `${Math.round(x).toLocaleString('en')}/s`,
        atLeast: GOALS[phase],
      }),
    ),
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
