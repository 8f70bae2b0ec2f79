import { join } from 'node:path';
import { createTestDatabase, DATABASE_URL } from './postgres.js';
import { tempDir } from './temp-dir.js';

/** Where a test's data lives: environment for the app, and how to throw it away. */
export interface StoreTargetInstance {
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

export interface StoreTarget {
  name: 'sqlite' | 'postgres';
  /** A fresh, empty store location for one test (or one suite). */
  create(): Promise<StoreTargetInstance>;
}

const sqlite: StoreTarget = {
  name: 'sqlite',
  async create() {
    const dir = tempDir();
    return { env: { SQLITE_PATH: join(dir.path, 'promptcast.db') }, cleanup: async () => dir.remove() };
  },
};

const postgres: StoreTarget = {
  name: 'postgres',
  async create() {
    const db = await createTestDatabase();
    return { env: { DATABASE_URL: db.url }, cleanup: () => db.drop() };
  },
};

if (!DATABASE_URL) process.stderr.write('store targets: PostgreSQL skipped, DATABASE_URL is not set; e2e suites run on SQLite only\n');

/**
 * Every store the suites run against: SQLite always; PostgreSQL joins when
 * DATABASE_URL is set (each instance a fresh database, dropped on cleanup).
 */
export const storeTargets: StoreTarget[] = DATABASE_URL ? [sqlite, postgres] : [sqlite];
