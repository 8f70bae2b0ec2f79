import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI (`node dist/cli/promptcast.js`, built once per jest run by
 * build-once.ts) as its own process, as a user or CI would, and resolves with
 * its exit code and output; it never rejects on a non-zero exit.
 */
export function runCli(args: readonly string[], options: { url: string; cwd: string; token?: string; stdin?: 'ignore' }): Promise<CliRun> {
  // The test runner's NODE_OPTIONS (VM modules) is not how the CLI runs.
  const { NODE_OPTIONS: _, PROMPTCAST_TOKEN: __, ...inherited } = process.env;
  const env = { ...inherited, PROMPTCAST_URL: options.url, NO_COLOR: '1', ...(options.token && { PROMPTCAST_TOKEN: options.token }) };
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [`${ROOT}dist/cli/promptcast.js`, ...args],
      { cwd: options.cwd, env, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.end();
  });
}
