import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import type { DestinationStream } from 'pino';
import { createApp } from '../../src/app.factory.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { loadConfig } from '../../src/config/load-config.js';
import { storeTargets, type StoreTarget, type StoreTargetInstance } from './store-targets.js';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  /** Base URL of the listening server, e.g. http://127.0.0.1:41234 */
  url: string;
  /** The store's location; pass it to `startApp` again to reopen the same data. */
  store: StoreTargetInstance;
  /** Stops the server; the data stays until `store.cleanup()` (done by `close` unless kept). */
  stop(): Promise<void>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Extra environment (config variables) for this app. */
  env?: Record<string, string>;
  /** Reuse an existing store (e.g. to restart on the same data); otherwise a fresh one. */
  store?: StoreTargetInstance;
  target?: StoreTarget;
  /** Listen on this port (e.g. to restart where clients expect the server); otherwise a random one. */
  port?: number;
  /** Log to this stream; otherwise the app logs nothing. */
  logDestination?: DestinationStream;
}

/**
 * Boots the real application on a fresh store (a temp SQLite file by default)
 * and a random port. The seed is off unless asked for, so tests own their data.
 */
export async function startApp(options: StartOptions = {}): Promise<TestApp> {
  const store = options.store ?? (await (options.target ?? storeTargets[0]).create());
  const config = loadConfig({ SEED: 'false', ...options.env, ...store.env }, []);
  const app = await createApp(config, options.logDestination ? { logDestination: options.logDestination } : { logger: false });
  await app.listen(options.port ?? 0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const stop = () => app.close();
  return {
    app,
    config,
    url: `http://127.0.0.1:${port}`,
    store,
    stop,
    close: async () => {
      await stop();
      if (!options.store) await store.cleanup();
    },
  };
}
