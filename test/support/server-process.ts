import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.js';
import { waitFor } from './wait-for.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A server running as its own process (`node dist/main.js`), as a replica runs in production. */
export interface ServerProcess {
  url: string;
  /** The OS process id; the LISTEN connection's application_name carries it. */
  pid: number;
  /** Everything the process wrote to stdout and stderr so far, for failure messages. */
  output(): string;
  /** SIGTERM, then waits for the process to exit (SIGKILL if it has not after 10 s). */
  stop(): Promise<void>;
  /** SIGKILL, as a crash or an OOM kill would end it, and waits for the exit. */
  kill(): Promise<void>;
}

/**
 * Starts `node dist/main.js` on a free port with `env` (plus HOST=127.0.0.1,
 * SEED=false) and resolves once it answers GET /api/prompts; rejects with its
 * output if it exits first or is not ready within `readyMs` (default 30000).
 * `openFiles` starts it under that open-files limit (soft and hard).
 * dist/ is built once per jest run, by test/support/build-once.ts.
 */
export async function startServerProcess(
  env: Record<string, string>,
  readyMs = 30_000,
  options: { openFiles?: number } = {},
): Promise<ServerProcess> {
  const port = await freePort();
  // The test runner's NODE_OPTIONS (VM modules) is not how the server runs, and its DATABASE_URL
  // names the shared database: a server runs on PostgreSQL only when `env` gives it a URL (its own schema).
  const { NODE_OPTIONS: _, DATABASE_URL: _shared, ...inherited } = process.env;
  // `ulimit -n` sets the soft and the hard limit, as a container's or a service's limit would.
  const [command, args] =
    options.openFiles === undefined
      ? [process.execPath, ['dist/main.js']]
      : ['sh', ['-c', `ulimit -n ${options.openFiles} && exec "$0" dist/main.js`, process.execPath]];
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...inherited, PORT: String(port), HOST: '127.0.0.1', SEED: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const server: ServerProcess = {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    output: () => output,
    stop: () => stopProcess(child),
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before it was ready:\n${output}`);
        return answers(`${server.url}/api/prompts`);
      },
      `the server on port ${port} to answer GET /api/prompts`,
      readyMs,
    );
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
