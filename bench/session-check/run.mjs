// What the logout check costs: every request with a genuine admin session
// cookie asks the store whether that session was logged out (one primary-key
// read of revoked_sessions; see src/auth/session-revocations.ts). This times
// that read through the store itself (no HTTP) on SQLite and, when
// DATABASE_URL is set, PostgreSQL, with the table holding `revoked` rows.
//   node bench/session-check/run.mjs [--lookups=5000] [--revoked=1000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { isMain, option } from '../support/cli.mjs';
import { root } from '../support/processes.mjs';
import { percentiles } from '../support/stats.mjs';

async function storeModules() {
  const at = (p) => import(pathToFileURL(resolve(root, 'dist', p)).href);
  const [{ SqlitePromptStore }, { PostgresPromptStore }, { loadConfig }] = await Promise.all([
    at('store/sqlite/sqlite-prompt.store.js'),
    at('store/postgres/postgres-prompt.store.js'),
    at('config/load-config.js'),
  ]);
  return { SqlitePromptStore, PostgresPromptStore, loadConfig };
}

/** Fills the table, then times lookups of live (not revoked) ids, the common case: each one goes to the store. */
async function timeLookups(store, lookups, revoked) {
  const now = Date.now();
  for (let i = 0; i < revoked; i++) await store.revokeSession(`revoked-${i}`.padEnd(22, 'x'), now + 3_600_000, now);
  const micros = [];
  for (let i = 0; i < lookups; i++) {
    const t0 = performance.now();
    if (await store.isSessionRevoked(`live-${i}`.padEnd(22, 'x'))) throw new Error('a live session read as revoked');
    micros.push((performance.now() - t0) * 1000);
  }
  return percentiles(micros);
}

async function onSqlite(m, lookups, revoked) {
  const dir = mkdtempSync(join(tmpdir(), 'promptcast-bench-'));
  const store = new m.SqlitePromptStore(join(dir, 'bench.db'));
  await store.init();
  try {
    return await timeLookups(store, lookups, revoked);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function onPostgres(m, lookups, revoked, url) {
  const name = `promptcast_bench_${process.pid}`;
  const admin = async (sql) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}`);
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  const { store: config } = m.loadConfig({ DATABASE_URL: dbUrl.toString() }, []);
  const store = new m.PostgresPromptStore(config);
  await store.init();
  try {
    return await timeLookups(store, lookups, revoked);
  } finally {
    await store.close();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

export async function run({ argv = process.argv, full = false } = {}) {
  const lookups = Number(option(argv, 'lookups', full ? '50000' : '5000'));
  const revoked = Number(option(argv, 'revoked', '1000'));
  const m = await storeModules();
  const rows = [['sqlite', await onSqlite(m, lookups, revoked)]];
  if (process.env.DATABASE_URL) rows.push(['postgres', await onPostgres(m, lookups, revoked, process.env.DATABASE_URL)]);
  const table = [
    '| store | p50 µs | p90 µs | p99 µs | max µs |',
    '|---|---|---|---|---|',
    ...rows.map(([name, r]) => `| ${name} | ${r.p50.toFixed(0)} | ${r.p90.toFixed(0)} | ${r.p99.toFixed(0)} | ${r.max.toFixed(0)} |`),
  ].join('\n');
  return {
    title: 'Session logout check',
    sizes: `${lookups} sequential lookups of live session ids, ${revoked} revoked sessions in the table`,
    table,
    notes: ['The cost one request with a genuine admin session cookie adds (bearer-token requests never ask).'],
  };
}

if (isMain(import.meta.url)) {
  const result = await run();
  console.log(`${result.sizes}\n\n${result.table}`);
}
