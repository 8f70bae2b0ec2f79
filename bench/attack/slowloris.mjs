// Slowloris: SOCKETS half-sent requests (headers never finished) from one
// address against the real server (`node dist/main.js`, tokens on, SQLite in a
// temp dir) started under an open-files limit of NOFILE (soft and hard, as in
// the report that found it), while a client makes one authenticated
// GET /api/prompts every 20 ms on a fresh connection from the same address.
// Prints how those requests fared and how long the half-sent sockets lived.
//   npm run build && node bench/attack/slowloris.mjs [--sockets=1100] [--nofile=1024|hard] [--seconds=15] [--root=DIR]
// --root runs another checkout's dist/ (e.g. an older commit, for before/after);
// --nofile=hard leaves the limit as the shell has it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isMain, option } from '../support/cli.mjs';
import { percentiles } from '../support/stats.mjs';
import { freePort, root as here, stop } from '../support/processes.mjs';

const SECRET = 'bench-admin-secret-0123456789';
const REQUEST_EVERY_MS = 20;
const REQUEST_TIMEOUT_MS = 5000;
/** How long the half-sent sockets are watched before the ones still open are reported as open. */
const WATCH_MAX_MS = 120_000;

async function startServer({ root, nofile }) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'slowloris-'));
  const limit = nofile === 'hard' ? '' : `ulimit -n ${Number(nofile)} && `;
  const { NODE_OPTIONS: _, ...env } = process.env;
  const child = spawn('sh', ['-c', `${limit}exec node dist/main.js`], {
    cwd: root,
    env: {
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      SQLITE_PATH: join(dataDir, 'db.sqlite'),
      SEED: 'false',
      ADMIN_TOKENS: `bench:${SECRET}`,
      LOG_FORMAT: 'json',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; (await normalRequest(url)).status !== 200; i++) {
    if (i > 300 || child.exitCode !== null) throw new Error(`server did not come up:\n${output}`);
    await sleep(50);
  }
  const lines = () =>
    output
      .split('\n')
      .filter((l) => /open files limit|refused a connection/.test(l))
      .map((l) => JSON.parse(l).msg ?? l);
  return { url, port, pid: child.pid, lines, stop: async () => (await stop(child), rmSync(dataDir, { recursive: true, force: true })) };
}

/** One authenticated GET on a connection of its own; resolves with its status (or error code) and latency. */
function normalRequest(url) {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = get(`${url}/api/prompts`, { agent: false, headers: { Authorization: `Bearer ${SECRET}` }, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - started }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (err) => resolve({ status: err.code ?? 'error', ms: performance.now() - started }));
  });
}

/** A hostile client: sends half a request and keeps its side open even after the server closes (allowHalfOpen). */
function halfSent(port, t0) {
  const sock = { openedAt: performance.now() - t0, closedAt: undefined, outcome: 'open', received: '' };
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  socket.on('connect', () => socket.write(`GET /api/prompts HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: `));
  socket.setEncoding('utf8');
  socket.on('data', (d) => (sock.received += d));
  const closed = (outcome) => {
    if (sock.closedAt !== undefined) return;
    sock.closedAt = performance.now() - t0;
    sock.outcome = outcome ?? (/^HTTP\/1\.1 (\d{3})/.exec(sock.received)?.[1] || 'closed');
  };
  socket.on('end', () => closed());
  socket.on('error', (err) => closed(err.code === 'ECONNRESET' ? 'reset' : (err.code ?? 'error')));
  socket.on('close', () => closed());
  sock.destroy = () => socket.destroy();
  return sock;
}

function fdCount(pid) {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

function summarize(requests, sockets, attackEndMs) {
  const ok = requests.filter((r) => r.status === 200);
  const failed = requests.filter((r) => r.status !== 200);
  const failures = {};
  for (const r of failed) failures[r.status] = (failures[r.status] ?? 0) + 1;
  const outcomes = {};
  for (const s of sockets) {
    const o = (outcomes[s.outcome] ??= { count: 0, lifetimes: [] });
    o.count++;
    if (s.closedAt !== undefined) o.lifetimes.push(s.closedAt - s.openedAt);
  }
  const byOutcome = Object.fromEntries(
    Object.entries(outcomes).map(([k, v]) => [k, { count: v.count, ...(v.lifetimes.length ? { closedAfterMs: percentiles(v.lifetimes) } : {}) }]),
  );
  const lastClose = Math.max(...sockets.map((s) => s.closedAt ?? Infinity));
  return {
    normal: {
      sent: requests.length,
      ok: ok.length,
      failures,
      okLatencyMs: ok.length ? percentiles(ok.map((r) => r.ms)) : undefined,
      failingFromMs: failed.length ? Math.min(...failed.map((r) => r.at)) : undefined,
      failingUntilMs: failed.length ? Math.max(...failed.map((r) => r.at)) : undefined,
    },
    halfSent: { sockets: sockets.length, byOutcome, allClosedAfterMs: Number.isFinite(lastClose) ? lastClose : `still open after ${attackEndMs} ms` },
  };
}

export async function run({ argv = process.argv } = {}) {
  const count = Number(option(argv, 'sockets', '1100'));
  const nofile = option(argv, 'nofile', '1024');
  const seconds = Number(option(argv, 'seconds', '15'));
  const root = option(argv, 'root', here);
  const server = await startServer({ root, nofile });
  try {
    const baseline = [];
    for (let i = 0; i < 50; i++) baseline.push(await normalRequest(server.url));
    const t0 = performance.now();
    let peakFds = 0;
    const fdTimer = setInterval(() => (peakFds = Math.max(peakFds, fdCount(server.pid))), 100);
    const sockets = Array.from({ length: count }, () => halfSent(server.port, t0));
    const requests = [];
    const pending = [];
    while (performance.now() - t0 < seconds * 1000) {
      const at = performance.now() - t0;
      pending.push(normalRequest(server.url).then((r) => requests.push({ ...r, at })));
      await sleep(REQUEST_EVERY_MS);
    }
    await Promise.all(pending);
    while (sockets.some((s) => s.closedAt === undefined) && performance.now() - t0 < WATCH_MAX_MS) await sleep(100);
    clearInterval(fdTimer);
    const result = {
      sockets: count,
      nofile,
      root,
      baselineLatencyMs: percentiles(baseline.map((r) => r.ms)),
      ...summarize(requests, sockets, Math.round(performance.now() - t0)),
      serverPeakFds: peakFds,
      serverLog: server.lines().slice(0, 6),
    };
    for (const s of sockets) s.destroy();
    return result;
  } finally {
    await server.stop();
  }
}

if (isMain(import.meta.url)) {
  const result = await run();
  console.log(JSON.stringify(result, (_k, v) => (typeof v === 'number' ? Math.round(v * 10) / 10 : v), 2));
}
