import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Jest's globalSetup: compiles the server into dist/ once, exactly as
 * `npm start` does, before any suite runs. The suites that start
 * `node dist/…` processes (replicas, auth, the worker entry) use this build;
 * when each built for itself, parallel workers wrote dist/ at the same time.
 */
export default async function buildOnce(): Promise<void> {
  await promisify(execFile)('npm', ['run', 'build', '--silent'], { cwd: ROOT });
}
