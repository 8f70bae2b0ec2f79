import { Global, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { ConfigError } from '../../config/config-error.js';
import { PromptStore } from './prompt-store.js';
import { SqlitePromptStore } from './sqlite-prompt.store.js';

/** The one place that chooses a store from config. */
function storeFor(config: AppConfig): PromptStore {
  switch (config.store.kind) {
    case 'sqlite': return new SqlitePromptStore(config.store.path);
    case 'postgres': throw new ConfigError('DATABASE_URL is set, but this build has no PostgreSQL store yet; unset it to use SQLite');
  }
}

@Global()
@Module({
  providers: [{ provide: PromptStore, useFactory: storeFor, inject: [AppConfig] }],
  exports: [PromptStore],
})
export class StoreModule implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(PromptStore) private readonly store: PromptStore) {}

  // ordering: migrations finish before any other module's bootstrap hook (the seed) reads the store.
  onModuleInit(): Promise<void> {
    return this.store.init();
  }

  onApplicationShutdown(): Promise<void> {
    return this.store.close();
  }
}
