import { PostgresPromptStore } from '../src/prompts/store/postgres-prompt.store.js';
import { describeStoreContract } from './store.contract.js';
import { createTestDatabase, describePostgres, postgresConfig, type TestDatabase } from './support/postgres.js';

describePostgres('PostgreSQL store', () => {
  describeStoreContract('postgres', () => {
    let db: TestDatabase | undefined;
    const openOn = async (url: string) => {
      const store = new PostgresPromptStore(postgresConfig(url));
      await store.init();
      return store;
    };
    return {
      open: async () => {
        db = await createTestDatabase();
        return openOn(db.url);
      },
      reopen: () => openOn((db as TestDatabase).url),
      cleanup: async () => db?.drop(),
    };
  });
});
