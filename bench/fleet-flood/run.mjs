// Fleet-report flood: the attack on POST /api/agents/report replayed against
// the real server. 100 real agents report with their own token, then one
// leaked agent token claims a real agent's id, then posts 12,000 reports with
// random agent ids as fast as it can; the real agents report again, then one
// report claims a revision far ahead of the server. Prints how many flood reports were accepted, the
// roster size, whether the real agents survived, and the response sizes of
// GET /api/agents and of the admin list page.
//   node bench/fleet-flood/run.mjs [--reports=12000] [--concurrency=32]
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isMain, option } from '../support/cli.mjs';
import { freePort, pinned, stop } from '../support/processes.mjs';
import { markdownTable } from '../support/stats.mjs';

const TOKENS = { fleet: 'fleet-secret-0123456789', attacker: 'leaked-secret-0123456789', ops: 'admin-secret-0123456789' };
const REAL_AGENTS = 100;
const auth = (secret) => ({ authorization: `Bearer ${secret}` });

async function startServer(dataDir) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = pinned(0, ['dist/main.js'], {
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      SQLITE_PATH: join(dataDir, 'promptcast.db'),
      SEED: 'true',
      ADMIN_TOKENS: `ops:${TOKENS.ops}`,
      AGENT_TOKENS: `fleet:${TOKENS.fleet},attacker:${TOKENS.attacker}`,
      LOG_LEVEL: 'silent',
    },
  });
  for (let i = 0; i < 300; i++) {
    if ((await fetch(`${url}/health`).catch(() => undefined))?.ok) return { url, stop: () => stop(child) };
    await sleep(50);
  }
  throw new Error(`${url} did not come up`);
}

async function report(url, secret, body) {
  const res = await fetch(`${url}/api/agents/report`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth(secret) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text };
}

async function flood(url, revision, reports, concurrency) {
  const statuses = {};
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < reports) {
      next++;
      const agentId = `rogue-${randomBytes(8).toString('hex')}`;
      const { status } = await report(url, TOKENS.attacker, { agentId, revision, sessions: 0, mode: 'streaming' });
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { statuses, seconds: (performance.now() - started) / 1000 };
}

async function sizes(url) {
  const agents = await fetch(`${url}/api/agents`, { headers: auth(TOKENS.ops) });
  const body = await agents.text();
  const page = await fetch(`${url}/`, { headers: auth(TOKENS.ops) });
  const html = await page.text();
  const parsed = JSON.parse(body);
  return { parsed, jsonBytes: Buffer.byteLength(body), htmlBytes: Buffer.byteLength(html), htmlStatus: page.status };
}

/** Every agent id in the roster, following `next` when the list is paged. */
async function allIds(url) {
  const ids = new Set();
  let cursor = '';
  for (;;) {
    const res = await fetch(`${url}/api/agents?limit=200${cursor}`, { headers: auth(TOKENS.ops) });
    const page = await res.json();
    for (const a of page.agents) ids.add(a.agentId);
    if (!page.next) return ids;
    cursor = `&cursor=${encodeURIComponent(page.next)}`;
  }
}

export async function run({ argv = [] } = {}) {
  const reports = Number(option(argv, 'reports', 12_000));
  const concurrency = Number(option(argv, 'concurrency', 32));
  const dataDir = mkdtempSync(join(tmpdir(), 'promptcast-fleet-'));
  const server = await startServer(dataDir);
  try {
    const { revision } = await (await fetch(`${server.url}/api/prompts`, { headers: auth(TOKENS.ops) })).json();
    const real = Array.from({ length: REAL_AGENTS }, (_, i) => ({ agentId: `friday-${i}`, revision, sessions: 1, mode: 'streaming' }));
    for (const r of real) await report(server.url, TOKENS.fleet, r);
    const hijack = await report(server.url, TOKENS.attacker, { ...real[0], revision: 0 });
    const attack = await flood(server.url, revision, reports, concurrency);
    const again = {};
    for (const r of real) {
      const { status } = await report(server.url, TOKENS.fleet, r);
      again[status] = (again[status] ?? 0) + 1;
    }
    const ahead = await report(server.url, TOKENS.fleet, { ...real[1], revision: 999_999 });
    const { parsed, jsonBytes, htmlBytes, htmlStatus } = await sizes(server.url);
    const ids = await allIds(server.url);
    const survivors = real.filter((r) => ids.has(r.agentId)).length;
    return summary({ reports, concurrency, revision, attack, again, hijack, ahead, parsed, ids, survivors, jsonBytes, htmlBytes, htmlStatus });
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function summary(r) {
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  const accepted = r.attack.statuses[204] ?? 0;
  const rows = [
    ['flood reports sent', r.reports.toLocaleString('en'), `${r.attack.seconds.toFixed(1)} s, ${r.concurrency} at a time, one leaked agent token`],
    ['flood reports accepted (204)', accepted.toLocaleString('en'), `answers: ${JSON.stringify(r.attack.statuses)}`],
    [
      'roster size (GET /api/agents)',
      (r.parsed.total ?? r.parsed.agents.length).toLocaleString('en'),
      `${r.ids.size.toLocaleString('en')} ids by paging`,
    ],
    ['real agents still listed', `${r.survivors} of ${REAL_AGENTS}`, 'reported before the flood with their own token'],
    ["real agents' reports right after the flood", JSON.stringify(r.again), 'their own token has its own count'],
    ["the leaked token's report for a real agent's id", String(r.hijack.status), r.hijack.text.slice(0, 160)],
    [`report at revision 999,999 (server at ${r.revision})`, String(r.ahead.status), r.ahead.text.slice(0, 160)],
    ['GET /api/agents', kb(r.jsonBytes), `${r.parsed.agents.length} agents in the answer`],
    ['admin list page (/)', kb(r.htmlBytes), `status ${r.htmlStatus}`],
  ];
  return {
    title: 'Fleet-report flood',
    sizes: `${r.reports.toLocaleString('en')} random-id reports, ${REAL_AGENTS} real agents on another token`,
    table: markdownTable(['what', 'figure', 'detail'], rows),
    notes: [
      `every real agent still listed: ${r.survivors === REAL_AGENTS ? 'yes' : `NO (${r.survivors} of ${REAL_AGENTS})`}`,
      `flood accepted within RATE_LIMIT_REPORTS_PER_MIN (6,000 a minute): ${accepted <= 6000 * Math.ceil(r.attack.seconds / 60) ? 'yes' : 'NO'}`,
      `GET /api/agents and the admin page under 64 KB: ${Math.max(r.jsonBytes, r.htmlBytes) < 64 * 1024 ? 'yes' : 'NO'}`,
    ],
  };
}

if (isMain(import.meta.url)) {
  const result = await run({ argv: process.argv.slice(2) });
  console.log(`${result.title}: ${result.sizes}\n\n${result.table}`);
}
