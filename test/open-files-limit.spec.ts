import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { perAddressCap } from '../src/common/connection-limits.js';
import { parseOpenFilesLimit, raiseOpenFilesLimit, type OpenFilesLimit } from '../src/common/open-files-limit.js';
import { startServerProcess } from './support/server-process.js';
import { waitFor } from './support/wait-for.js';

const PRLIMIT = ['/usr/bin/prlimit', '/bin/prlimit'].find((p) => existsSync(p));

class RecordingLogger {
  readonly lines: string[] = [];
  log(message: string): void {
    this.lines.push(`log ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`warn ${message}`);
  }
}

function limitOf(pid: number): OpenFilesLimit {
  const limit = parseOpenFilesLimit(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  if (!limit) throw new Error(`no "Max open files" line in /proc/${pid}/limits`);
  return limit;
}

/** A process that starts with its soft limit at 256 (below the hard one) and waits to be killed. */
async function lowLimitProcess(): Promise<ChildProcess & { pid: number }> {
  const child = spawn('sh', ['-c', 'ulimit -Sn 256 && exec sleep 60'], { stdio: 'ignore' });
  await once(child, 'spawn');
  const pid = child.pid ?? 0;
  // The shell lowers its own limit, then `exec` keeps it (and the pid) for the sleep.
  await waitFor(() => limitOf(pid).soft === '256', 'the soft limit of the child to be 256');
  return Object.assign(child, { pid });
}

describe('Open files limit', () => {
  const hard = limitOf(process.pid).hard;

  it('reads the soft and hard limit from /proc/<pid>/limits', () => {
    const text =
      'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 524288               files\n';
    expect(parseOpenFilesLimit(text)).toEqual({ soft: '1024', hard: '524288' });
    expect(parseOpenFilesLimit('Max processes 10 10 processes')).toBeUndefined();
  });

  (PRLIMIT ? it : it.skip)('raises a process from a low soft limit to its hard limit with prlimit, and says so', async () => {
    const child = await lowLimitProcess();
    try {
      const logger = new RecordingLogger();
      const limit = raiseOpenFilesLimit({ pid: child.pid, logger });
      expect(limitOf(child.pid)).toEqual({ soft: hard, hard });
      expect(limit).toBe(Number(hard));
      expect(logger.lines).toEqual([`log open files limit: raised from 256 to ${hard} (the hard limit)`]);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('logs the figure and why when prlimit is missing, and never throws', async () => {
    const child = await lowLimitProcess();
    try {
      const logger = new RecordingLogger();
      expect(raiseOpenFilesLimit({ pid: child.pid, logger, prlimit: '/nonexistent/prlimit' })).toBe(256);
      expect(logger.lines).toEqual([
        `warn open files limit: 256, below the hard limit ${hard}; prlimit could not raise it: /nonexistent/prlimit is not installed (it is part of util-linux)`,
      ]);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('keeps CONN_MAX_PER_ADDRESS to half the open files limit, so one address cannot take every descriptor', () => {
    expect(perAddressCap(1024, '1048576')).toBe(1024);
    expect(perAddressCap(1024, '1024')).toBe(512);
    expect(perAddressCap(1024, 'unlimited')).toBe(1024);
    expect(perAddressCap(1024, undefined)).toBe(1024);
  });

  it('the server logs its open files limit at start, and fits CONN_MAX_PER_ADDRESS under it', async () => {
    const server = await startServerProcess({}, undefined, { openFiles: 1024 });
    try {
      expect(server.output()).toMatch(/open files limit: 1024 \(the hard limit\)/);
      expect(server.output()).toMatch(/CONN_MAX_PER_ADDRESS=1024 is lowered to 512/);
    } finally {
      await server.stop();
    }
  });
});
