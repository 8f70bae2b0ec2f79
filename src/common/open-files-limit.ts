import { Logger } from '@nestjs/common';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The soft and hard limit as /proc prints them: a number, or `unlimited`. */
export interface OpenFilesLimit {
  soft: string;
  hard: string;
}

export interface OpenFilesOptions {
  /** The process whose limit is raised; this one by default (tests pass another). */
  pid?: number;
  /** The prlimit binary (util-linux). */
  prlimit?: string;
  logger?: Pick<Logger, 'log' | 'warn'>;
}

/** Parses the "Max open files" line of /proc/<pid>/limits. */
export function parseOpenFilesLimit(limits: string): OpenFilesLimit | undefined {
  const match = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limits);
  return match?.[1] && match[2] ? { soft: match[1], hard: match[2] } : undefined;
}

/** The limit in force for `pid` (this process by default), or undefined when /proc cannot tell (not Linux). */
export function readOpenFilesLimit(pid = process.pid): OpenFilesLimit | undefined {
  try {
    return parseOpenFilesLimit(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Every socket is a file descriptor, so the soft `nofile` limit is how many
 * connections the server can hold. Node has no setrlimit, so this asks
 * `prlimit` to raise the soft limit to the hard one, and logs the figure either
 * way. (Node itself raises it at start-up, so usually it is already there and this
 * only reports it.) It never fails the start: a missing prlimit or a refusal is a
 * warning. Returns the soft limit in force afterwards, if it could be read.
 */
export function raiseOpenFilesLimit(options: OpenFilesOptions = {}): number | undefined {
  const pid = options.pid ?? process.pid;
  const logger = options.logger ?? new Logger('Limits');
  const before = readOpenFilesLimit(pid);
  if (!before) {
    logger.warn(`open files limit unknown: /proc/${pid}/limits could not be read (not Linux?); it is left as it is`);
    return undefined;
  }
  let now = before;
  if (before.soft === before.hard) {
    logger.log(`open files limit: ${before.soft} (the hard limit)`);
  } else {
    const failure = runPrlimit(options.prlimit ?? 'prlimit', pid, before.hard);
    now = readOpenFilesLimit(pid) ?? before;
    if (failure) logger.warn(`open files limit: ${now.soft}, below the hard limit ${before.hard}; prlimit could not raise it: ${failure}`);
    else logger.log(`open files limit: raised from ${before.soft} to ${now.soft} (the hard limit)`);
  }
  const limit = Number(now.soft);
  return Number.isFinite(limit) ? limit : undefined;
}

/** Why prlimit failed, or undefined when it succeeded. */
function runPrlimit(binary: string, pid: number, hard: string): string | undefined {
  try {
    execFileSync(binary, ['--pid', String(pid), `--nofile=${hard}:${hard}`], { stdio: 'pipe', timeout: 5000 });
    return undefined;
  } catch (err) {
    const { code, stderr } = err as { code?: string; stderr?: Buffer };
    if (code === 'ENOENT') return `${binary} is not installed (it is part of util-linux)`;
    return stderr?.toString().trim() || (err instanceof Error ? err.message : String(err));
  }
}
