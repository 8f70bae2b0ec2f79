// Starting and pinning the processes a benchmark needs: the real server
// (dist/main.js on a fresh SQLite file) and helpers on their own core.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Asked for; each process gets at most its hard limit (20,000 on the reference machine). */
const WANTED_FDS = 200_000;

export async function freePort() {
  const srv = createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address();
  srv.close();
  return port;
}

/** Runs `node args` on `core` (taskset) with the fd limit raised as far as allowed. */
export function pinned(core, args, { env = {}, stdout = 'ignore', nodeOptions = [] } = {}) {
  const quoted = [...nodeOptions, ...args].map((a) => `'${a}'`).join(' ');
  const cmd = `ulimit -n ${WANTED_FDS} 2>/dev/null || ulimit -n $(ulimit -Hn); exec taskset -c ${core} node ${quoted}`;
  return spawn('sh', ['-c', cmd], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', stdout, 'inherit'] });
}

/** Waits until `url` answers GET /api/prompts (any answer: a server with tokens says 401 without one). */
export async function ready(url, attempts = 300) {
  for (let i = 0; i < attempts; i++) {
    try {
      const res = await fetch(`${url}/api/prompts`);
      if (res.ok || res.status === 401) return;
    } catch {
      /* not listening yet */
    }
    await sleep(50);
  }
  throw new Error(`${url} did not come up`);
}

/**
 * The real Promptcast server on `core`, SQLite in `dataDir`, seed off;
 * `main` picks another build (e.g. one made from an older commit) to compare.
 * Each start gets a database file of its own (a port can come round again in
 * one data directory); `port` and `database` restart a server on the port and
 * file of an earlier one; `waitReady: false` returns as soon as the process is
 * spawned. Returns `{url, port, database, child, pid}`; `stop()` ends it.
 */
let starts = 0;

export async function startPromptcast({ dataDir, core = 0, env = {}, nodeOptions = [], main = 'dist/main.js', port, database, waitReady = true }) {
  port ??= await freePort();
  database ??= join(dataDir, `${port}-${++starts}.db`);
  const url = `http://127.0.0.1:${port}`;
  const child = pinned(core, [main], {
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      SQLITE_PATH: database,
      SEED: 'false',
      // All load comes from loopback addresses: lift the per-address limits meant for real clients.
      STREAM_MAX_PER_ADDRESS: '1000000',
      // An open server counts every stream against one token (STREAM_MAX_PER_TOKEN, default 1000).
      STREAM_MAX_PER_TOKEN: '1000000',
      CONN_MAX_PER_ADDRESS: '10000000',
      CONN_MAX_PENDING_PER_ADDRESS: '1000000',
      RATE_LIMIT_WRITES_PER_MIN: '1000000',
      ...env,
    },
    nodeOptions,
  });
  if (waitReady) await ready(url);
  // `sh -c 'exec …'` replaces the shell, so the child's pid is node's.
  return { url, port, database, child, pid: child.pid, stop: () => stop(child) };
}

/** The raw node:http baseline (bench/stream-fanout/raw-server.mjs) on core 0. Returns `{url, pid}`; `stop()` ends it. */
export async function startRaw({ nodeOptions = [] } = {}) {
  const port = await freePort();
  const child = pinned(0, [join(root, 'bench', 'stream-fanout', 'raw-server.mjs')], { env: { PORT: String(port) }, nodeOptions });
  const url = `http://127.0.0.1:${port}`;
  await ready(url);
  return { url, pid: child.pid, stop: () => stop(child) };
}

export async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

/** The open-file hard limit a child process gets (it cannot raise its limit above it); Infinity when unlimited. */
export async function fdHardLimit() {
  const sh = spawn('sh', ['-c', 'ulimit -Hn'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  sh.stdout.on('data', (d) => {
    out += d;
  });
  await once(sh, 'exit');
  return out.trim() === 'unlimited' ? Infinity : Number(out);
}

/** Resident set size of a process, bytes, from /proc. */
export function rssBytes(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line.split(/\s+/)[1]) * 1024;
}

/** Creates or replaces prompts through the real write path; returns the JSON answer. */
export async function send(url, method, path, body) {
  const res = await fetch(`${url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}`);
  return res.json();
}

/** Runs a pinned helper that prints one JSON line last; resolves with it. */
export async function runJson(core, args, options = {}) {
  const child = pinned(core, args, { ...options, stdout: 'pipe' });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`${args.join(' ')} exited ${code}`);
  return JSON.parse(out.trim().split('\n').at(-1));
}
