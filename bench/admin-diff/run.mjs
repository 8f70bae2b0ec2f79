// Admin diff cost: how long the diff page takes for hostile but accepted
// inputs (each text under PROMPT_MAX_BYTES), and how long the event loop is
// blocked meanwhile (monitorEventLoopDelay's max, and a /health request sent
// while the diff is being computed). The app runs in this process, so the
// histogram sees exactly the server's event loop.
//   node bench/admin-diff/run.mjs [--dist=dist] [--cases=lines-ab,paragraph-8k]
// The --dist option points at another build (e.g. one made from an older
// commit) so that before and after are measured in one run on one machine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { isMain, option } from '../support/cli.mjs';
import { root } from '../support/processes.mjs';
import { markdownTable, ms, seeded } from '../support/stats.mjs';

const WORDS = ['calm', 'brief', 'agent', 'voice', 'friendly', 'answer', 'the', 'caller', 'never', 'always', 'polite', 'weather', 'ticket', 'refund'];

/** Space-separated words from a seeded PRNG, cut to `bytes`: the same text on every run. */
function prose(seed, bytes) {
  const next = seeded(seed);
  let text = '';
  while (text.length < bytes) text += `${WORDS[Math.floor(next() * WORDS.length)]} `;
  return text.slice(0, bytes);
}

/** Every case is two versions of one prompt; the page diffs v1 against v2. */
export const CASES = [
  { name: 'lines-ab', what: "'a\\n' × 16000 → 'b\\n' × 16000", from: 'a\n'.repeat(16000), to: 'b\n'.repeat(16000) },
  { name: 'paragraph-8k', what: 'one 8 KB paragraph rewritten (other words)', from: prose(1, 8192), to: prose(2, 8192) },
  { name: 'line-32k', what: 'one 32 KB line rewritten (other words)', from: prose(3, 32000), to: prose(4, 32000) },
  {
    name: 'every-other-line',
    what: "'a b\\n' × 8000, every other line → 'a c'",
    from: 'a b\n'.repeat(8000),
    to: 'a b\na c\n'.repeat(4000),
  },
  {
    name: 'reversed',
    what: "2000 lines, reversed (every line has a partner: only Myers' own limits stop it)",
    from: Array.from({ length: 2000 }, (_, i) => `line ${i}`).join('\n'),
    to: Array.from({ length: 2000 }, (_, i) => `line ${1999 - i}`).join('\n'),
  },
  {
    name: 'every-tenth',
    what: '2000 lines, every tenth edited (200 pairs: the most rows within the limits)',
    from: Array.from({ length: 2000 }, (_, i) => `${i} calm`).join('\n'),
    to: Array.from({ length: 2000 }, (_, i) => `${i} ${i % 10 ? 'calm' : 'brief'}`).join('\n'),
  },
  {
    name: 'one-word',
    what: '16000 lines, one word changed (the common case)',
    from: 'a\n'.repeat(16000),
    to: `${'a\n'.repeat(8000)}b\n${'a\n'.repeat(7999)}`,
  },
];

async function appModules(dist) {
  const at = (p) => import(pathToFileURL(resolve(root, dist, p)).href);
  const [{ createApp }, { loadConfig }] = await Promise.all([at('app.factory.js'), at('config/load-config.js')]);
  return { createApp, loadConfig };
}

async function put(url, key, text, create) {
  const res = await fetch(`${url}/api/prompts${create ? '' : `/${key}`}`, {
    method: create ? 'POST' : 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(create ? { key, text } : { text }),
  });
  if (!res.ok) throw new Error(`${create ? 'POST' : 'PUT'} ${key}: ${res.status} ${await res.text()}`);
}

/**
 * Sends /health from its own thread (its event loop is not the server's), `afterMs`
 * after being asked, so the probe really is in flight while the server works.
 */
const PROBE = `
const { parentPort } = require('node:worker_threads');
const http = require('node:http');
// A fresh connection each time (agent: false): a kept-alive one may be closed by the server as the request is sent.
parentPort.on('message', ({ url, afterMs }) => setTimeout(() => {
  const t0 = performance.now();
  http.get(url, { agent: false }, (res) => {
    res.resume();
    res.on('end', () => parentPort.postMessage({ status: res.statusCode, ms: performance.now() - t0 }));
  });
}, afterMs));
`;

/** One diff page request with a /health request sent 5 ms behind it; the loop's max delay meanwhile. */
async function measure(url, key, probe) {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  // The histogram records from its second tick on: a block before that would go unseen.
  await new Promise((r) => setTimeout(r, 20));
  const health = new Promise((resolve) => probe.once('message', resolve));
  const t0 = performance.now();
  probe.postMessage({ url: `${url}/health`, afterMs: 5 });
  const res = await fetch(`${url}/prompts/${key}/diff?from=1`);
  const body = await res.text();
  const pageMs = performance.now() - t0;
  const h = await health;
  histogram.disable();
  if (res.status !== 200 || h.status !== 200) throw new Error(`diff ${res.status}, health ${h.status}`);
  return { pageMs, healthMs: h.ms, maxDelayMs: histogram.max / 1e6, pageBytes: Buffer.byteLength(body) };
}

export async function run({ argv = process.argv } = {}) {
  const dist = option(argv, 'dist', 'dist');
  const only = option(argv, 'cases', undefined)?.split(',');
  const { createApp, loadConfig } = await appModules(dist);
  const dir = mkdtempSync(join(tmpdir(), 'promptcast-bench-diff-'));
  const config = loadConfig({ SEED: 'false', SQLITE_PATH: join(dir, 'bench.db') }, []);
  const app = await createApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${app.getHttpServer().address().port}`;
  const rows = [];
  const probe = new Worker(PROBE, { eval: true });
  try {
    // Warm-up: template compilation and the first request's JIT are not what this measures.
    await put(url, 'WARM', 'a', true);
    await put(url, 'WARM', 'b', false);
    await measure(url, 'WARM', probe);
    for (const c of CASES.filter((c) => !only || only.includes(c.name))) {
      const key = `DIFF_${c.name.replace(/-/g, '_')}`;
      await put(url, key, c.from, true);
      await put(url, key, c.to, false);
      const r = await measure(url, key, probe);
      rows.push([c.what, ms(r.pageMs), ms(r.healthMs), ms(r.maxDelayMs), `${(r.pageBytes / 1024).toFixed(0)} KB`]);
    }
  } finally {
    await probe.terminate();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const table = markdownTable(['input (v1 → v2)', 'diff page ms', '/health sent meanwhile, ms', 'max event-loop delay, ms', 'page size'], rows);
  return { title: 'Admin diff page', sizes: `one request per input, build ${dist}`, table, notes: [] };
}

if (isMain(import.meta.url)) {
  const result = await run();
  console.log(`${result.sizes}\n\n${result.table}`);
}
