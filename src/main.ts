import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.factory.js';
import { raiseOpenFilesLimit } from './common/open-files-limit.js';
import { ConfigError } from './config/config-error.js';
import { loadConfig } from './config/load-config.js';
import { StoreUnavailableError } from './store/store-unavailable.error.js';

/**
 * The accept queue (the kernel caps it at net.core.somaxconn). Node's default of
 * 511 overflows when a fleet reconnects at once after a restart: a dropped SYN
 * waits a 1 s retransmit (bench/storm, docs/decisions.md).
 */
const LISTEN_BACKLOG = 4096;

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  // ordering: after createApp, so the line goes to the app's logger; before listen, where the per-address
  // socket cap is fitted to the limit then in force (common/connection-limits.ts).
  raiseOpenFilesLimit();
  // Nest passes the arguments through to http.Server#listen(port, host, backlog); its typings stop at the host.
  const listen = app.listen.bind(app) as unknown as (port: number, host: string, backlog: number) => Promise<unknown>;
  await listen(config.port, config.host, LISTEN_BACKLOG);
  // The bound port, not the configured one: PORT=0 asks the OS to choose.
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  new Logger('Promptcast').log(`Listening on ${url} (store: ${config.store.kind}); admin UI at ${url}/`);
}

main().catch((err: unknown) => {
  // Configuration and start-up problems are the operator's to fix: one clear line, no stack.
  if (err instanceof ConfigError || err instanceof StoreUnavailableError) {
    console.error(`promptcast: ${err.message}`);
  } else {
    console.error('promptcast: failed to start:', err instanceof Error ? err.message : err);
  }
  process.exit(1);
});
