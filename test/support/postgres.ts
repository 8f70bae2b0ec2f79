import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { PostgresConfig } from '../../src/config/app-config.js';
import { loadConfig } from '../../src/config/load-config.js';

/** The server the PostgreSQL suites use; unset means they are skipped, and say so. */
export const DATABASE_URL = process.env.DATABASE_URL || undefined;

// A user's machine may lack PostgreSQL; CI may not: there a skip would hide a broken store.
if (!DATABASE_URL && process.env.CI === 'true') {
  throw new Error('CI=true but DATABASE_URL is not set: the PostgreSQL suites must run in CI (.ci/run sets it)');
}

const SKIP_NOTE = 'skipped: DATABASE_URL is not set (e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres)';

/** `describe` when PostgreSQL is available; otherwise a skipped block whose name says why. */
export function describePostgres(name: string, fn: () => void): void {
  if (DATABASE_URL) {
    describe(name, fn);
    return;
  }
  // Straight to stderr: Jest swallows console output of a file whose tests are all skipped.
  process.stderr.write(`${name}: ${SKIP_NOTE}\n`);
  describe.skip(`${name} (${SKIP_NOTE})`, fn);
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database on DATABASE_URL's server, named for this process; drop() removes it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `promptcast_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(requireUrl());
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    // FORCE ends connections a failed test left open, so a failure never leaks the database.
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** The PostgreSQL config the server would build from this URL and these variables. */
export function postgresConfig(url: string, env: Record<string, string> = {}): PostgresConfig {
  const { store } = loadConfig({ DATABASE_URL: url, ...env }, []);
  if (store.kind !== 'postgres') throw new Error('DATABASE_URL did not select PostgreSQL');
  return store;
}

/** Runs `fn` on a short-lived connection to DATABASE_URL itself (not a test database). */
export async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  return onDatabase(requireUrl(), fn);
}

/** Runs `fn` on a short-lived connection to `url` (e.g. a test database's). */
export async function onDatabase<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function requireUrl(): string {
  if (!DATABASE_URL) throw new Error(`PostgreSQL test helper used but ${SKIP_NOTE}`);
  return DATABASE_URL;
}
