// Store write cost: sequential updates through the store itself (no HTTP), on
// SQLite and, when DATABASE_URL is set, PostgreSQL. It measures what one
// change costs the database: since schema 3 a write logs one row (the audit
// row is the change log) instead of two (audit + a separate change log).
//   node bench/store-writes/run.mjs [--writes=2000] [--dist=dist]
// The --dist option points at another build (e.g. one made from an older
// commit) so that both are measured in one run on the same machine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { isMain, option } from '../support/cli.mjs';
import { root } from '../support/processes.mjs';

async function storeModules(dist) {
  const at = (p) => import(pathToFileURL(resolve(root, dist, p)).href);
  const [{ SqlitePromptStore }, { PostgresPromptStore }, { loadConfig }] = await Promise.all([
    at('store/sqlite/sqlite-prompt.store.js'),
    at('store/postgres/postgres-prompt.store.js'),
    at('config/load-config.js'),
  ]);
  return { SqlitePromptStore, PostgresPromptStore, loadConfig };
}

async function timeWrites(store, writes) {
  await store.create({ key: 'BENCH', text: 'v0', author: 'bench', message: null });
  const t0 = performance.now();
  for (let i = 1; i <= writes; i++) await store.update({ key: 'BENCH', text: `version ${i} `.repeat(40), author: 'bench', message: 'bench' });
  const seconds = (performance.now() - t0) / 1000;
  return { perSecond: writes / seconds, msEach: (seconds * 1000) / writes };
}

async function onSqlite(m, writes) {
  const dir = mkdtempSync(join(tmpdir(), 'promptcast-bench-'));
  const store = new m.SqlitePromptStore(join(dir, 'bench.db'));
  await store.init();
  try {
    return await timeWrites(store, writes);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function onPostgres(m, writes, url) {
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
    return await timeWrites(store, writes);
  } finally {
    await store.close();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

export async function run({ argv = process.argv, full = false } = {}) {
  const writes = Number(option(argv, 'writes', full ? '10000' : '2000'));
  const dist = option(argv, 'dist', 'dist');
  const m = await storeModules(dist);
  const rows = [['sqlite', await onSqlite(m, writes)]];
  if (process.env.DATABASE_URL) rows.push(['postgres', await onPostgres(m, writes, process.env.DATABASE_URL)]);
  const table = [
    '| store | writes/s | ms per write |',
    '|---|---|---|',
    ...rows.map(([name, r]) => `| ${name} | ${r.perSecond.toFixed(0)} | ${r.msEach.toFixed(3)} |`),
  ].join('\n');
  return { title: 'Store writes', sizes: `${writes} sequential updates of a ~500-byte prompt, build ${dist}`, table, notes: [] };
}

if (isMain(import.meta.url)) {
  const result = await run();
  console.log(`${result.sizes}\n\n${result.table}`);
}
