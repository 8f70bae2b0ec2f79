import { join } from 'node:path';
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

/**
 * Every store the suites run against: SQLite always; PostgreSQL joins when
 * DATABASE_URL is set (added with the PostgreSQL store).
 */
export const storeTargets: StoreTarget[] = [sqlite];
