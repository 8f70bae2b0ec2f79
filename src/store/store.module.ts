import { Global, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { Metrics } from '../metrics/metrics.js';
import { ChangeSignal } from './change-signal.js';
import { countingErrors } from './error-counting-store.js';
import { InProcessChangeSignal } from './in-process-change.signal.js';
import { PostgresChangeSignal } from './postgres/postgres-change.signal.js';
import { PostgresPromptStore } from './postgres/postgres-prompt.store.js';
import { PostgresSessionStore } from './postgres/postgres-session.store.js';
import { ChangeLog, PromptStore } from './prompt-store.js';
import { SqlitePromptStore } from './sqlite/sqlite-prompt.store.js';
import { SqliteSessionStore } from './sqlite/sqlite-session.store.js';
import { SessionStore } from '../sessions/session-store.js';

/** What one backend provides: the store, the store the change feed reads the log through, its commit signal, and the session store on the same database. */
interface Backend {
  store: PromptStore;
  log: PromptStore;
  signal: ChangeSignal;
  sessions: SessionStore;
}

/**
 * The one place that chooses a backend from config. On PostgreSQL the change
 * feed reads the log through a one-connection store of its own: in the shared
 * pool its reads would queue behind a burst of writes, and delivery would
 * wait for the burst to end. Several replicas share one database, so their
 * signal is the database's NOTIFY; one process needs nothing but a callback.
 */
function backendFor(config: AppConfig, metrics: Metrics): Backend {
  const counted = (store: PromptStore) => countingErrors(store, (operation) => metrics.storeErrors.inc({ operation }));
  // Session operations count under their own names: "sessions.get" is not the prompt store's "get".
  const countedSessions = (store: SessionStore) =>
    countingErrors(store, (operation) => metrics.storeErrors.inc({ operation: `sessions.${operation}` }));
  switch (config.store.kind) {
    case 'sqlite': {
      const sqlite = new SqlitePromptStore(config.store.path);
      const store = counted(sqlite);
      return { store, log: store, signal: new InProcessChangeSignal(), sessions: countedSessions(new SqliteSessionStore(() => sqlite.connection())) };
    }
    case 'postgres': {
      const postgres = new PostgresPromptStore(config.store);
      return {
        store: counted(postgres),
        log: counted(new PostgresPromptStore({ ...config.store, poolMax: 1 })),
        signal: new PostgresChangeSignal(config.store),
        sessions: countedSessions(new PostgresSessionStore(postgres.connections())),
      };
    }
  }
}

const BACKEND = Symbol('Backend');

@Global()
@Module({
  providers: [
    { provide: BACKEND, useFactory: backendFor, inject: [AppConfig, Metrics] },
    { provide: PromptStore, useFactory: (b: Backend) => b.store, inject: [BACKEND] },
    { provide: ChangeLog, useFactory: (b: Backend) => b.log, inject: [BACKEND] },
    { provide: ChangeSignal, useFactory: (b: Backend) => b.signal, inject: [BACKEND] },
    { provide: SessionStore, useFactory: (b: Backend) => b.sessions, inject: [BACKEND] },
  ],
  exports: [PromptStore, ChangeLog, ChangeSignal, SessionStore],
})
export class StoreModule implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(BACKEND) private readonly backend: Backend) {}

  // ordering: migrations finish before any other module's bootstrap hook (the seed, the change feed) reads the store.
  async onModuleInit(): Promise<void> {
    const { store, log, signal } = this.backend;
    await store.init();
    if (log !== store) await log.init();
    await signal.start();
  }

  // ordering: the signal stops first, so nothing asks for the log after the stores are gone.
  async onApplicationShutdown(): Promise<void> {
    const { store, log, signal } = this.backend;
    await signal.close();
    if (log !== store) await log.close();
    await store.close();
  }
}
