// What one idle subscriber keeps in the server's heap, object by object: a
// heap snapshot of the server with no subscribers, N idle subscribers opened
// (the capacity load, bench/capacity/load.mjs), a second snapshot, and the
// difference per connection by constructor / type. For Promptcast (whatever
// dist/ holds: run `npm run build` first) and for the raw node:http baseline.
//   node bench/capacity/heap.mjs [--n=2000] [--rows=30] [--keep] [--framework]
// --n=10000 is the real run; --framework adds Promptcast with FAST_PATH=off; --keep leaves the .heapsnapshot files (the path is
// printed) for DevTools' Comparison view.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isMain, option } from '../support/cli.mjs';
import { perConnection, readHeapSnapshot, summarise } from '../support/heap-snapshot.mjs';
import { ready, root, rssBytes, startPromptcast, startRaw } from '../support/processes.mjs';
import { markdownTable } from '../support/stats.mjs';
import { openSubscribers } from './run.mjs';

const SNAPSHOT_TIMEOUT_MS = 10 * 60_000;
const WARM_UP = 200;
/** Warm-up connects come from their own source address (127.0.0.x + this), away from the measured ones. */
const WARM_UP_ADDRESS_OFFSET = 20;

// Not SIGUSR2: Nest's enableShutdownHooks() (no list) shuts the app down on it.
// SIGWINCH is ignored by default and by Nest, so nothing but the snapshot reacts.
const SNAPSHOT_SIGNAL = 'SIGWINCH';

/**
 * Has the server write a heap snapshot (SNAPSHOT_SIGNAL with --heapsnapshot-signal;
 * V8 collects garbage first, so only live objects are in it) and returns its
 * path. The write is synchronous on the server's main thread: once the file
 * exists and the server answers an HTTP request again, the file is complete.
 */
async function snapshot(server, dir) {
  const before = new Set(readdirSync(dir));
  process.kill(server.pid, SNAPSHOT_SIGNAL);
  const deadline = Date.now() + SNAPSHOT_TIMEOUT_MS;
  let file;
  while (!(file = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f)))) {
    if (Date.now() > deadline) throw new Error(`no heap snapshot from pid ${server.pid} in ${dir}`);
    await sleep(50);
  }
  await ready(server.url);
  return join(dir, file);
}

const openFds = (pid) => readdirSync(`/proc/${pid}/fd`).length;

/** Resolves once the server has closed the warm-up's sockets (its open fds are back to `fds`). */
async function closedDown(pid, fds) {
  const deadline = Date.now() + SNAPSHOT_TIMEOUT_MS;
  while (openFds(pid) > fds) {
    if (Date.now() > deadline) throw new Error(`pid ${pid} still holds ${openFds(pid)} fds, ${fds} before the warm-up`);
    await sleep(50);
  }
}

async function measure(kind, n, workDir, firstAddress) {
  const snapDir = join(workDir, kind.replace(/\W+/g, '-'));
  mkdirSync(snapDir);
  const nodeOptions = [`--heapsnapshot-signal=${SNAPSHOT_SIGNAL}`, `--diagnostic-dir=${snapDir}`];
  const server =
    kind === 'raw'
      ? await startRaw({ nodeOptions })
      : await startPromptcast({ dataDir: workDir, nodeOptions, env: kind === 'promptcast' ? {} : { FAST_PATH: 'off' } });
  let files;
  let opened;
  let rssBefore;
  let rssAfter;
  try {
    await sleep(500);
    // Warm-up: the first connects compile the connect path and create its hidden
    // classes once per process; with those in the first snapshot too, the
    // difference is what each connection keeps, not a one-off spread over N.
    const fdsIdle = openFds(server.pid);
    const warm = await openSubscribers(server.url, WARM_UP, firstAddress + WARM_UP_ADDRESS_OFFSET);
    await warm.close();
    await closedDown(server.pid, fdsIdle);
    const empty = await snapshot(server, snapDir);
    // After the first snapshot, so the memory it took to write it is in both readings.
    rssBefore = rssBytes(server.pid);
    const subs = await openSubscribers(server.url, n, firstAddress);
    opened = subs.opened;
    // As bench/capacity/run.mjs: let the connect burst settle before reading the idle footprint.
    await sleep(2000);
    rssAfter = rssBytes(server.pid);
    const full = await snapshot(server, snapDir);
    files = [empty, full];
    await subs.close();
  } finally {
    await server.stop();
  }
  // Parsed one at a time after the server is gone: the machine's memory and CPU go to one thing at a time.
  const before = summarise(readHeapSnapshot(files[0]));
  const after = summarise(readHeapSnapshot(files[1]));
  return {
    kind,
    asked: n,
    opened,
    files: files.map((f) => ({ path: f, bytes: statSync(f).size })),
    rssPerConnection: (rssAfter - rssBefore) / Math.max(1, opened),
    ...perConnection(before, after, Math.max(1, opened)),
  };
}

function describeBuild() {
  const main = join(root, 'dist', 'main.js');
  if (!existsSync(main)) throw new Error('dist/main.js is missing: run `npm run build` first');
  let head = 'unknown commit';
  try {
    head = execFileSync('git', ['-C', root, 'describe', '--always', '--dirty'], { encoding: 'utf8' }).trim();
  } catch {
    /* not a git checkout */
  }
  return `dist/ built ${statSync(main).mtime.toISOString()}, working tree at ${head}`;
}

export async function run({ argv = [] } = {}) {
  const n = Number(option(argv, 'n', 2000));
  const build = describeBuild();
  const workDir = mkdtempSync(join(tmpdir(), 'promptcast-heap-'));
  const keep = argv.includes('--keep');
  const results = [];
  try {
    // Fresh source addresses for each server, so neither meets the other's TIME_WAIT ports.
    results.push(await measure('promptcast', n, workDir, 70));
    results.push(await measure('raw', n, workDir, 100));
    // --framework: also the connect through Express and Nest (FAST_PATH=off), for the size of the difference.
    if (argv.includes('--framework')) results.push(await measure('promptcast FAST_PATH=off', n, workDir, 130));
  } finally {
    if (!keep) rmSync(workDir, { recursive: true, force: true });
  }
  return report(results, { n, build, rows: Number(option(argv, 'rows', 30)), keptIn: keep ? workDir : undefined });
}

const b1 = (x) => x.toFixed(1);

function table(r, rows) {
  const shown = r.rows.filter((x) => Math.abs(x.bytes) >= 1 || Math.abs(x.count) >= 0.5).slice(0, rows);
  const rest = r.rows.filter((x) => !shown.includes(x));
  const restBytes = rest.reduce((a, x) => a + x.bytes, 0);
  const cells = shown.map((x) => [x.name.replaceAll('|', '\\|'), x.native ? 'native' : 'JS', x.count.toFixed(2), b1(x.bytes)]);
  cells.push([`(${rest.length} other groups)`, '', '', b1(restBytes)]);
  return markdownTable(['constructor / type', 'heap', 'objects per conn', 'self bytes per conn'], cells);
}

function report(results, { n, build, rows, keptIn }) {
  const [pc, raw] = results;
  const summary = results.map((r) => [
    r.kind,
    r.opened,
    b1(r.jsBytes),
    b1(r.nativeBytes),
    b1(r.rssPerConnection),
    b1(r.rssPerConnection - r.jsBytes - r.nativeBytes),
    r.files.map((f) => (f.bytes / 2 ** 20).toFixed(0)).join(' / '),
  ]);
  const sections = results.map(
    (r) => `### ${r.kind}: per idle subscriber, by constructor / type (after − before) / ${r.opened}\n\n${table(r, rows)}`,
  );
  return {
    title: 'Heap per idle subscriber (bench/capacity/heap.mjs)',
    sizes: `${n} idle subscribers asked per server; ${build}${n < 10_000 ? ' — a development run, not the 10k figures' : ''}`,
    table: [
      markdownTable(
        [
          'server',
          'held',
          'JS heap B/conn',
          'native (embedder-reported) B/conn',
          'RSS B/conn',
          'RSS not in the snapshot B/conn',
          'snapshot MiB (0 / N)',
        ],
        summary,
      ),
      ...sections,
    ].join('\n\n'),
    notes: [
      `Promptcast keeps ${b1(pc.jsBytes)} B of JS heap per idle subscriber against ${b1(raw.jsBytes)} B raw (${(pc.jsBytes / raw.jsBytes).toFixed(2)}×); RSS ${b1(pc.rssPerConnection)} B against ${b1(raw.rssPerConnection)} B (${(pc.rssPerConnection / raw.rssPerConnection).toFixed(2)}×).`,
      'Self sizes of live objects only (V8 collects garbage before a snapshot); what a connection retains through shared objects is not split out. "native" rows are what Node reports for its C++ objects (handle wraps); socket and kernel buffers, libuv handles and malloc overhead are in RSS but not in the snapshot: that is the "RSS not in the snapshot" column. RSS here is read after the first snapshot and before the second; bench/capacity/run.mjs is the figure of record for RSS.',
      ...(keptIn ? [`Snapshots kept in ${keptIn} (open two in DevTools → Memory → Comparison).`] : []),
    ],
    figures: { results: results.map(({ rows: all, ...r }) => ({ ...r, rows: all.slice(0, 100) })) },
  };
}

if (isMain(import.meta.url)) {
  run({ argv: process.argv })
    .then((r) => console.log(`## ${r.title}\n\n${r.sizes}\n\n${r.table}\n\n${r.notes.join('\n')}`))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
