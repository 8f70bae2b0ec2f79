import { Global, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { Metrics } from '../metrics/metrics.js';
import { ChangeBus } from './change-bus.js';
import { InProcessChangeBus } from './in-process-change.bus.js';
import { PostgresChangeBus } from './postgres/postgres-change.bus.js';
import { countingErrors } from './error-counting-store.js';
import { PostgresPromptStore } from './postgres/postgres-prompt.store.js';
import { PromptStore } from './prompt-store.js';
import { SqlitePromptStore } from './sqlite/sqlite-prompt.store.js';

/** The one place that chooses a store from config. */
function storeFor(config: AppConfig): PromptStore {
  switch (config.store.kind) {
    case 'sqlite': return new SqlitePromptStore(config.store.path);
    case 'postgres': return new PostgresPromptStore(config.store);
  }
}

/** Whatever a store call throws shows in `promptcast_store_errors_total`. */
function countedStoreFor(config: AppConfig, metrics: Metrics): PromptStore {
  return countingErrors(storeFor(config), (operation) => metrics.storeErrors.inc({ operation }));
}

/**
 * Chosen with the store: several replicas share one PostgreSQL, so its changes must reach them all.
 * The PostgreSQL bus reads the change log through its own one-connection store: in the shared pool its
 * reads would queue behind a burst of writes, and delivery would wait for the burst to end.
 */
function busFor(config: AppConfig): ChangeBus {
  switch (config.store.kind) {
    case 'sqlite': return new InProcessChangeBus();
    case 'postgres': return new PostgresChangeBus(config.store, new PostgresPromptStore({ ...config.store, poolMax: 1 }));
  }
}

@Global()
@Module({
  providers: [
    { provide: PromptStore, useFactory: countedStoreFor, inject: [AppConfig, Metrics] },
    { provide: ChangeBus, useFactory: busFor, inject: [AppConfig] },
  ],
  exports: [PromptStore, ChangeBus],
})
export class StoreModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(PromptStore) private readonly store: PromptStore,
    @Inject(ChangeBus) private readonly bus: ChangeBus,
  ) {}

  // ordering: migrations finish before any other module's bootstrap hook (the seed) reads the store,
  // and the bus starts after them because it reads the revision from the migrated tables.
  async onModuleInit(): Promise<void> {
    await this.store.init();
    await this.bus.start();
  }

  // ordering: the bus stops first, so no change reaches subscribers after the store is gone.
  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
    await this.store.close();
  }
}
