import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createApp } from '../../src/app.factory.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { loadConfig } from '../../src/config/load-config.js';
import { tempDir } from './temp-dir.js';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  /** Base URL of the listening server, e.g. http://127.0.0.1:41234 */
  url: string;
  /** The SQLite file, so a test can reopen the same data. */
  dbPath: string;
  close(): Promise<void>;
}

/**
 * Boots the real application on a temp SQLite file (unless `dbPath` is given)
 * and a random port. The seed is off unless asked for, so tests own their data.
 */
export async function startApp(env: Record<string, string> = {}, dbPath?: string): Promise<TestApp> {
  const dir = dbPath ? undefined : tempDir();
  const path = dbPath ?? join(dir!.path, 'promptcast.db');
  const config = loadConfig({ SEED: 'false', ...env, SQLITE_PATH: path }, []);
  const app = await createApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app, config, url: `http://127.0.0.1:${port}`, dbPath: path,
    close: async () => {
      await app.close();
      dir?.remove();
    },
  };
}
