// Cross-replica delivery benchmark: two `node dist/main.js` replicas on one
// fresh PostgreSQL database, subscribers on both, writes spread over both.
// For every write and every subscriber it records the time from sending the
// write to the event arriving, and splits it by whether the subscriber sits on
// the replica that took the write ("same") or the other one ("cross").
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:replicas
//   … -- --writes=200 --subscribers=5
// Two phases: writes one after another (latency without queueing), then all
// writes at once (the burst the e2e test makes). Loopback only.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { createParser } from 'eventsource-parser';
import pg from 'pg';
import { freePort } from '../support/processes.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const arg = (name, fallback) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const WRITES = arg('writes', 200);
const SUBSCRIBERS = arg('subscribers', 5);
const KEYS = 10;
const adminUrl = process.env.DATABASE_URL;
if (!adminUrl) throw new Error('set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres)');

async function admin(sql) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function startReplica(name, databaseUrl) {
  const port = await freePort();
  const { NODE_OPTIONS: _, ...env } = process.env;
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: root,
    stdio: 'ignore',
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', SEED: 'false', DATABASE_URL: databaseUrl },
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/api/prompts`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (i === 600 || child.exitCode !== null) throw new Error(`replica ${name} did not come up`);
    await sleep(50);
  }
  return { name, url, child };
}

/** One SSE subscriber recording when each revision arrived. */
function subscribe(replica) {
  return new Promise((resolve, reject) => {
    const arrived = new Map();
    const sub = { replica: replica.name, arrived, last: 0 };
    const parser = createParser({
      onEvent: (e) => {
        if (e.event === 'heartbeat') return;
        const revision = Number(e.id);
        if (e.event !== 'snapshot') arrived.set(revision, performance.now());
        sub.last = revision;
        if (e.event === 'snapshot') resolve(sub);
      },
    });
    const req = get(`${replica.url}/api/prompts/stream`, { agent: false, headers: { Accept: 'text/event-stream' } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk) => parser.feed(chunk));
    });
    req.on('error', reject);
    sub.close = () => req.destroy();
  });
}

async function write(replica, key, text) {
  const sent = performance.now();
  const res = await fetch(`${replica.url}/api/prompts/${key}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  if (res.status !== 200) throw new Error(`PUT answered ${res.status}`);
  const { revision } = await res.json();
  return { revision, via: replica.name, sent, answered: performance.now() };
}

async function untilAll(subs, revision) {
  const deadline = Date.now() + 60_000;
  while (subs.some((s) => s.last < revision)) {
    if (Date.now() > deadline) throw new Error(`subscribers did not reach revision ${revision}`);
    await sleep(5);
  }
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
function summary(values) {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50: +pct(s, 50).toFixed(2), p99: +pct(s, 99).toFixed(2), max: +s.at(-1).toFixed(2) };
}

function measure(writes, subs) {
  const same = [];
  const cross = [];
  for (const w of writes) {
    for (const s of subs) (s.replica === w.via ? same : cross).push(s.arrived.get(w.revision) - w.sent);
  }
  return { cross: summary(cross), same: summary(same), answered: summary(writes.map((w) => w.answered - w.sent)) };
}

async function phase(replicas, subs, concurrent) {
  const job = (i) => () => write(replicas[i % 2], `K${i % KEYS}`, `write ${i}`);
  const jobs = Array.from({ length: WRITES }, (_, i) => job(i));
  const writes = [];
  if (concurrent) writes.push(...(await Promise.all(jobs.map((j) => j()))));
  else for (const j of jobs) writes.push(await j());
  await untilAll(subs, Math.max(...writes.map((w) => w.revision)));
  return measure(writes, subs);
}

const dbName = `promptcast_bench_${process.pid}`;
await admin(`CREATE DATABASE ${dbName}`);
const url = new URL(adminUrl);
url.pathname = `/${dbName}`;
const replicas = [];
try {
  replicas.push(...(await Promise.all([startReplica('A', url.toString()), startReplica('B', url.toString())])));
  for (let k = 0; k < KEYS; k++) {
    await fetch(`${replicas[0].url}/api/prompts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: `K${k}`, text: 'start' }),
    });
  }
  const subs = await Promise.all(replicas.flatMap((r) => Array.from({ length: SUBSCRIBERS }, () => subscribe(r))));
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    writes: WRITES,
    subscribersPerReplica: SUBSCRIBERS,
    sequential: await phase(replicas, subs, false),
    burst: await phase(replicas, subs, true),
  };
  for (const s of subs) s.close();
  const rows = ['sequential', 'burst'].flatMap((p) =>
    ['cross', 'same', 'answered'].map((k) => {
      const r = results[p][k];
      return `| ${p} | ${k} | ${r.n} | ${r.p50} | ${r.p99} | ${r.max} |`;
    }),
  );
  const table = ['| phase | measured | samples | p50 ms | p99 ms | max ms |', '|---|---|---|---|---|---|', ...rows].join('\n');
  console.log(table);
  writeFileSync(join(here, 'last-run.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(
    join(here, 'last-run.md'),
    `${results.date}, Node ${results.node}, ${WRITES} writes, ${SUBSCRIBERS} subscribers per replica\n\n${table}\n`,
  );
} finally {
  await Promise.all(
    replicas.map(async (r) => {
      r.child.kill('SIGTERM');
      if (r.child.exitCode === null) await once(r.child, 'exit');
    }),
  );
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
}
