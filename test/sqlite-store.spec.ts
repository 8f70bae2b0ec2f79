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
