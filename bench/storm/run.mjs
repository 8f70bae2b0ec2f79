// Reconnect storm (issue 17): N subscribers caught up at revision R on a real
// Promptcast server; the server is stopped (SIGTERM: the hub ends every
// stream) and started again on the same port and SQLite file; as soon as it
// listens one update is saved (R + 1), and every subscriber, reconnecting as a
// client does (backoff with jitter, `Last-Event-ID`), must receive it.
// Measured: time from the new server listening to the last subscriber having
// R + 1, against a cold connect of the same N to the raw node:http baseline
// (goal ≤ 2×, every subscriber resumed, no gap in the parsed sample).
//   node bench/storm/run.mjs [--full] [--subscribers=2000] [--retry-initial-ms=50] [--retry-max-ms=500]
// The servers run on core 0, the load generator (bench/storm/load.mjs) on core 1.
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { isMain, option } from '../support/cli.mjs';
import { fdHardLimit, pinned, root, runJson, send, startPromptcast, startRaw } from '../support/processes.mjs';
import { goalRow, notMeasured } from '../support/goals.mjs';
import { markdownTable } from '../support/stats.mjs';

const here = join(root, 'bench', 'storm');
const GOAL_N = 10_000;
const GOAL_RATIO = 2;
const now = () => performance.timeOrigin + performance.now();

/** The epoch ms at which `port` first accepts a connection (probing every 2 ms). */
async function listening(port, timeoutMs = 120_000) {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    const at = await new Promise((resolve) => {
      const probe = connect({ host: '127.0.0.1', port });
      probe.on('connect', () => {
        const t = now();
        probe.destroy();
        resolve(t);
      });
      probe.on('error', () => resolve(undefined));
    });
    if (at !== undefined) return at;
    await sleep(2);
  }
  throw new Error(`port ${port} did not accept within ${timeoutMs} ms`);
}

/**
 * The kernel's count of connections dropped because a listen queue was full
 * (TcpExt ListenDrops, whole network namespace, so other processes count
 * too): a dropped SYN is retried by the client's kernel after 1 s, then 3 s.
 */
function listenDrops() {
  try {
    const [head, values] = readFileSync('/proc/net/netstat', 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('TcpExt:'))
      .map((l) => l.split(/\s+/));
    return Number(values[head.indexOf('ListenDrops')]);
  } catch {
    return undefined;
  }
}

async function viewRevision(url) {
  const res = await fetch(`${url}/api/prompts`);
  await res.arrayBuffer();
  return Number(/\d+/.exec(res.headers.get('etag') ?? '')?.[0]);
}

/** Cold connect of `n` subscribers to the raw baseline, in waves of 200: seconds until the last has its first event. */
async function coldRaw(n) {
  const server = await startRaw();
  try {
    return await runJson(1, [join(here, 'load.mjs'), 'cold', server.url, String(n), '20']);
  } finally {
    await server.stop();
  }
}

async function stormPromptcast(n, settings) {
  const dataDir = mkdtempSync(join(tmpdir(), 'promptcast-storm-'));
  let server;
  let load;
  try {
    server = await startPromptcast({ dataDir });
    await send(server.url, 'POST', '/api/prompts', { key: 'BENCH', text: 'start' });
    await send(server.url, 'PUT', '/api/prompts/BENCH', { text: 'before the restart' });
    const revision = await viewRevision(server.url);
    load = pinned(
      1,
      [
        join(here, 'load.mjs'),
        'storm',
        server.url,
        String(n),
        String(revision),
        String(Math.min(settings.parsers, n)),
        '30',
        String(settings.retryInitialMs),
        String(settings.retryMaxMs),
        String(settings.timeoutS),
      ],
      { stdout: 'pipe' },
    );
    const lines = createInterface({ input: load.stdout })[Symbol.asyncIterator]();
    const exited = once(load, 'exit');
    const next = async () => {
      const line = await lines.next();
      if (line.done) throw new Error(`storm load generator ended early (exit ${(await exited)[0]})`);
      return JSON.parse(line.value);
    };
    const connected = await next();
    const say = (what) => process.stderr.write(`  storm: ${what}\n`);
    say(`${n} subscribers hold revision ${revision} (${connected.connectSeconds.toFixed(1)} s); stopping the server`);

    const dropsBefore = listenDrops();
    const stopAt = now();
    await server.stop();
    const stoppedAt = now();
    server = await startPromptcast({ dataDir, port: server.port, database: server.database, waitReady: false });
    say(`stopped in ${((stoppedAt - stopAt) / 1000).toFixed(1)} s; starting it again`);
    const listeningAt = await listening(server.port);
    say('listening; saving revision ' + (revision + 1));
    const saved = await send(server.url, 'PUT', '/api/prompts/BENCH', { text: 'after the restart' });
    const savedAt = now();
    if (saved === undefined) throw new Error('the update after the restart was not saved');
    const after = await viewRevision(server.url);
    if (after !== revision + 1) throw new Error(`expected revision ${revision + 1} after the restart, the server says ${after}`);
    say('saved; waiting for every subscriber to have it');
    const result = await next();
    await exited;
    const dropsAfter = listenDrops();
    const since = (t) => (t === undefined ? undefined : (t - listeningAt) / 1000);
    return {
      ...result,
      promptcastConnectSeconds: connected.connectSeconds,
      listenDrops: dropsBefore === undefined || dropsAfter === undefined ? undefined : dropsAfter - dropsBefore,
      stopSeconds: (stoppedAt - stopAt) / 1000,
      downSeconds: (listeningAt - stoppedAt) / 1000,
      putSeconds: since(savedAt),
      stormSeconds: since(result.lastResumedAt),
      p50Seconds: since(result.p50ResumedAt),
    };
  } finally {
    if (load && load.exitCode === null) load.kill('SIGTERM');
    if (server) await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function run({ full = false, argv = [], defaults = { subscribers: 2000 } } = {}) {
  const fdLimit = await fdHardLimit();
  const asked = Number(option(argv, 'subscribers', full ? GOAL_N : defaults.subscribers));
  // One server process and one load-generator process hold every subscriber: each needs an fd per connection.
  const n = Math.min(asked, fdLimit - 500);
  const settings = {
    parsers: Number(option(argv, 'parsers', 20)),
    retryInitialMs: Number(option(argv, 'retry-initial-ms', 50)),
    retryMaxMs: Number(option(argv, 'retry-max-ms', 500)),
    timeoutS: Number(option(argv, 'timeout', 120)),
  };
  process.stderr.write(`  storm: raw cold connect N=${n}\n`);
  const raw = await coldRaw(n);
  process.stderr.write(`  storm: promptcast restart with N=${n}\n`);
  const storm = await stormPromptcast(n, settings);
  return report(n, asked, fdLimit, raw, storm, settings);
}

function report(n, asked, fdLimit, raw, s, settings) {
  const sec = (x) => (x === undefined ? '–' : x.toFixed(2));
  const allResumed = s.resumed === n && raw.opened === n && s.sample.ok === s.sample.size;
  const table = markdownTable(
    [
      'N',
      'raw cold connect s',
      'Promptcast cold connect s',
      'stop s',
      'down s',
      'PUT saved s',
      'p50 has R+1 s',
      'last has R+1 s',
      'resumed',
      'sample no gap',
      'via snapshot',
      'refused answers',
      'connect attempts',
      'listen drops',
    ],
    [
      [
        n,
        sec(raw.connectSeconds),
        sec(s.promptcastConnectSeconds),
        sec(s.stopSeconds),
        sec(s.downSeconds),
        sec(s.putSeconds),
        sec(s.p50Seconds),
        sec(s.stormSeconds),
        `${s.resumed}/${n}`,
        `${s.sample.ok}/${s.sample.size}`,
        s.sample.viaSnapshot,
        s.refused,
        s.attempts,
        s.listenDrops ?? '–',
      ],
    ],
  );
  const condition = { goal: 'all resumed, no gap', met: allResumed };
  const atSize = n === GOAL_N ? '' : `; the goal's size is ${GOAL_N.toLocaleString('en')}`;
  const measured =
    s.stormSeconds === undefined || s.resumed < n
      ? {
          measure: `reconnect storm, N=${n}`,
          promptcast: `${s.resumed}/${n} resumed`,
          raw: `${raw.connectSeconds.toFixed(2)} s`,
          ratio: undefined,
          goal: `≤ ${GOAL_RATIO}×; all resumed, no gap`,
          met: false,
          note: `not every subscriber had R+1 within ${settings.timeoutS} s${atSize}`,
        }
      : goalRow({
          measure: `reconnect storm, N=${n}: last subscriber has R+1 ÷ raw cold connect`,
          pc: s.stormSeconds,
          raw: raw.connectSeconds,
          format: (x) => `${x.toFixed(2)} s`,
          atMost: GOAL_RATIO,
          extraCondition: condition,
          note: `${s.resumed}/${n} resumed, sample ${s.sample.ok}/${s.sample.size} without a gap${atSize}`,
        });
  const goals =
    n === GOAL_N ? [measured] : [measured, notMeasured(`reconnect storm, N=${GOAL_N.toLocaleString('en')}`, `≤ ${GOAL_RATIO}×; all resumed, no gap`)];
  return {
    title: 'Reconnect storm (bench/storm)',
    sizes: `N = ${n}${asked > n ? ` (asked ${asked}; the fd hard limit is ${fdLimit} per process)` : ''}; clients retry with full-jitter backoff from ${settings.retryInitialMs} ms up to ${settings.retryMaxMs} ms; ${s.sample.size} parsing subscribers`,
    table,
    notes: [
      `Times are from the new server accepting its first connection; the old one took ${sec(s.stopSeconds)} s to stop and the port was closed for ${sec(s.downSeconds)} s.`,
      `Storm ÷ raw cold connect: ${s.stormSeconds === undefined ? 'no time (not every subscriber resumed)' : `${(s.stormSeconds / raw.connectSeconds).toFixed(2)}×`} (goal ≤ ${GOAL_RATIO}× at 10k, every subscriber resumed with no gap: ${measured.met ? 'met' : measured.met === null ? 'not measured' : 'NOT met'}${n === GOAL_N ? '' : `; at N=${n}, the goal's size is 10k: run --full`}).`,
      `Listen drops: SYNs the kernel dropped because a listen queue was full during the restart and the storm (TcpExt ListenDrops, counted for the whole machine); each costs its client a 1 s SYN retransmit, then 3 s.`,
      ...(s.sample.bad.length ? [`Sample subscribers with a gap (first 3): ${JSON.stringify(s.sample.bad)}`] : []),
    ],
    figures: { n, raw, storm: s, settings },
    goals,
  };
}

if (isMain(import.meta.url)) {
  run({ full: process.argv.includes('--full'), argv: process.argv })
    .then((r) => console.log(`${r.sizes}\n\n${r.table}\n\n${r.notes.join('\n')}`))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
