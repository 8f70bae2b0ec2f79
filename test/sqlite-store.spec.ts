import { join } from 'node:path';
import { SqlitePromptStore } from '../src/store/sqlite/sqlite-prompt.store.js';
import { describeStoreContract } from './store.contract.js';
import { tempDir } from './support/temp-dir.js';

describeStoreContract('sqlite', () => {
  const dir = tempDir();
  const path = join(dir.path, 'nested', 'store.db');
  const openAt = async () => {
    const store = new SqlitePromptStore(path);
    await store.init();
    return store;
  };
  return { open: openAt, reopen: openAt, cleanup: async () => dir.remove() };
});

describe('SQLite durability settings', () => {
  it('commits in WAL mode with synchronous=FULL, so a 2xx survives power loss, not only a crash', async () => {
    const dir = tempDir();
    const store = new SqlitePromptStore(join(dir.path, 'durable.db'));
    await store.init();
    try {
      // White-box on purpose: fsync on commit cannot be observed without pulling the power.
      const db = (store as unknown as { db: { pragma(p: string, o: { simple: true }): unknown } }).db;
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
    } finally {
      await store.close();
      dir.remove();
    }
  });
});
