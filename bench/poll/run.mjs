// Poll throughput: GET /api/prompts with a matching If-None-Match (304, no
// body) against the same GET without it (200, the full state), in one run,
// for Promptcast and for the raw node:http baseline. The server runs on core
// 0, autocannon (load.mjs) on core 1.
//   node bench/poll/run.mjs [--full] [--seconds=5] [--connections=50]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMain, option } from '../support/cli.mjs';
import { freePort, pinned, ready, runJson, send, startPromptcast, stop } from '../support/processes.mjs';
import { markdownTable, ms } from '../support/stats.mjs';

const here = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname);
// Two prompts of a typical size, as an agent fleet polls them.
const PROMPTS = {
  AGENT_INSTRUCTION: 'You are Friday, a helpful voice assistant. '.repeat(24),
  SESSION_INSTRUCTION: 'Greet the caller by name. '.repeat(12),
};

async function startRaw() {
  const port = await freePort();
  const child = pinned(0, [join(here, '..', 'stream-fanout', 'raw-server.mjs')], { env: { PORT: String(port) } });
  const url = `http://127.0.0.1:${port}`;
  await ready(url);
  return { url, stop: () => stop(child) };
}

async function measure(kind, server, seconds, connections) {
  for (const [key, text] of Object.entries(PROMPTS)) {
    await (kind === 'promptcast'
      ? send(server.url, 'POST', '/api/prompts', { key, text })
      : send(server.url, 'PUT', `/api/prompts/${key}`, { text }));
  }
  const etag = (await fetch(`${server.url}/api/prompts`)).headers.get('etag');
  const load = (extra) => runJson(1, [join(here, 'load.mjs'), `${server.url}/api/prompts`, String(seconds), String(connections), ...extra]);
  const notModified = await load([etag]);
  const full = await load([]);
  if (notModified.statuses['3xx'] !== notModified.requests || full.statuses['2xx'] !== full.requests) {
    throw new Error(`${kind}: unexpected statuses ${JSON.stringify([notModified.statuses, full.statuses])}`);
  }
  return { kind, notModified, full };
}

export async function run({ full = false, argv = [] } = {}) {
  const seconds = Number(option(argv, 'seconds', full ? 15 : 4));
  const connections = Number(option(argv, 'connections', 50));
  const dataDir = mkdtempSync(join(tmpdir(), 'promptcast-poll-'));
  const results = [];
  try {
    for (const kind of ['promptcast', 'raw']) {
      const server = kind === 'promptcast' ? await startPromptcast({ dataDir }) : await startRaw();
      try {
        results.push(await measure(kind, server, seconds, connections));
      } finally {
        await server.stop();
      }
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return report(results, seconds, connections);
}

function report(results, seconds, connections) {
  const rows = results.flatMap((r) =>
    [
      ['304 (If-None-Match)', r.notModified],
      ['200 (full body)', r.full],
    ].map(([what, x]) => [
      r.kind,
      what,
      Math.round(x.perSecond).toLocaleString('en'),
      Math.round(x.bytesPerResponse),
      ms(x.latency.p50),
      ms(x.latency.p99),
    ]),
  );
  const [pc, raw] = results;
  const rate = pc.notModified.perSecond;
  return {
    title: 'Poll throughput (bench/poll)',
    sizes: `autocannon, ${connections} connections, ${seconds} s per phase; server on core 0, load on core 1; 2 prompts (~1.4 KB)`,
    table: markdownTable(['server', 'answer', 'req/s', 'bytes/response (headers included)', 'latency p50 ms', 'p99 ms'], rows),
    notes: [
      `Promptcast 304/s: ${Math.round(rate).toLocaleString('en')} (goal ≥ 10,000: ${rate >= 10_000 ? 'met' : 'NOT met'}); ${(rate / raw.notModified.perSecond).toFixed(2)}× the raw node:http baseline; 304 vs 200 on Promptcast: ${(rate / pc.full.perSecond).toFixed(2)}× the requests, ${((pc.notModified.bytesPerResponse / pc.full.bytesPerResponse) * 100).toFixed(0)}% of the bytes`,
    ],
    figures: { results },
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
