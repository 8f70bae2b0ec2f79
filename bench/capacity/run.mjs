// Connection capacity: idle subscribers one server process holds, and the RSS
// each costs, for Promptcast and the raw node:http baseline. The load is split
// over several processes on core 1 (the fd limit is per process), each from
// its own source address 127.0.0.x; the server runs on core 0.
//   node bench/capacity/run.mjs [--full] [--subscribers=5000]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isMain, option } from '../support/cli.mjs';
import { fdHardLimit, root, rssBytes, startPromptcast, startRaw } from '../support/processes.mjs';
import { markdownTable } from '../support/stats.mjs';

const here = join(root, 'bench', 'capacity');
const PER_PROCESS = 8_000;
const GiB = 1024 ** 3;

/** The raw node:http baseline on core 0 (`nodeOptions` e.g. for heap snapshots, see heap.mjs). */
/** Opens `n` subscribers over ceil(n / PER_PROCESS) processes; resolves once all are connected. */
export async function openSubscribers(url, n, firstAddress) {
  const loads = [];
  for (let p = 0; p * PER_PROCESS < n; p++) {
    const count = Math.min(PER_PROCESS, n - p * PER_PROCESS);
    const child = spawn('sh', ['-c', `exec taskset -c 1 node '${join(here, 'load.mjs')}' '${url}' ${count} 127.0.0.${firstAddress + p}`], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    loads.push({ child, line: once(child.stdout, 'data').then(([d]) => JSON.parse(String(d))) });
  }
  const lines = await Promise.all(loads.map((l) => l.line));
  const close = async () =>
    Promise.all(
      loads.map(async (l) => {
        l.child.stdin.end();
        await once(l.child, 'exit');
      }),
    );
  return { opened: lines.reduce((a, l) => a + l.opened, 0), seconds: Math.max(...lines.map((l) => l.seconds)), close };
}

async function measure(kind, n, dataDir, firstAddress) {
  const server = kind === 'promptcast' ? await startPromptcast({ dataDir }) : await startRaw();
  try {
    await sleep(500);
    const before = rssBytes(server.pid);
    const subs = await openSubscribers(server.url, n, firstAddress);
    // Let the connect burst's garbage settle before reading the idle footprint.
    await sleep(2000);
    const after = rssBytes(server.pid);
    await subs.close();
    const perSubscriber = (after - before) / Math.max(1, subs.opened);
    return {
      kind,
      asked: n,
      opened: subs.opened,
      connectSeconds: subs.seconds,
      rssBefore: before,
      rssAfter: after,
      perSubscriber,
      withinGiB: Math.floor((GiB - before) / perSubscriber),
    };
  } finally {
    await server.stop();
  }
}

export async function run({ full = false, argv = [] } = {}) {
  const fdLimit = await fdHardLimit();
  // The server needs a few dozen fds of its own (store files, listener, stdio).
  const ceiling = fdLimit - 100;
  const n = Math.min(Number(option(argv, 'subscribers', full ? 20_000 : 4_000)), ceiling);
  const dataDir = mkdtempSync(join(tmpdir(), 'promptcast-capacity-'));
  const results = [];
  try {
    // Fresh source addresses for each server, so neither meets the other's TIME_WAIT ports.
    results.push(await measure('promptcast', n, dataDir, 10));
    results.push(await measure('raw', n, dataDir, 40));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return report(results, fdLimit, n === ceiling && ceiling < 20_000);
}

function report(results, fdLimit, capped) {
  const kb = (b) => (b / 1024).toFixed(1);
  const [pc, raw] = results;
  const rows = results.map((r) => [
    r.kind,
    r.asked,
    r.opened,
    r.connectSeconds.toFixed(1),
    (r.rssBefore / 2 ** 20).toFixed(0),
    (r.rssAfter / 2 ** 20).toFixed(0),
    kb(r.perSubscriber),
    r.withinGiB.toLocaleString('en'),
  ]);
  return {
    title: 'Connection capacity (bench/capacity)',
    sizes: `${pc.asked} idle subscribers per server, load over ${Math.ceil(pc.asked / PER_PROCESS)} processes; server fd hard limit ${fdLimit}`,
    table: markdownTable(
      ['server', 'asked', 'held', 'connect s', 'RSS before MiB', 'RSS with all MiB', 'RSS/idle sub KB', 'subscribers within 1 GiB (extrapolated)'],
      rows,
    ),
    notes: [
      `Promptcast: ${kb(pc.perSubscriber)} KB per idle subscriber (goal ≤ 16 KB: ${pc.perSubscriber <= 16 * 1024 ? 'met' : 'NOT met'}), ${(pc.perSubscriber / raw.perSubscriber).toFixed(2)}× the raw baseline.`,
      `Step 6 goals (issue 17), against the raw baseline in this run: RSS per idle subscriber ${(pc.perSubscriber / raw.perSubscriber).toFixed(2)}× (goal ≤ 1.3×: ${pc.perSubscriber / raw.perSubscriber <= 1.3 ? 'met' : 'NOT met'}); connecting ${pc.opened.toLocaleString('en')} took ${(pc.connectSeconds / raw.connectSeconds).toFixed(2)}× as long (goal ≤ 1.5×: ${pc.connectSeconds / raw.connectSeconds <= 1.5 ? 'met' : 'NOT met'}).`,
      `Subscribers in one process: ${pc.opened.toLocaleString('en')} held${capped ? ` (the most the fd hard limit, ${fdLimit}, lets one process hold here)` : ' (the size asked; --full asks for 20k)'}; within 1 GiB RSS about ${pc.withinGiB.toLocaleString('en')} by extrapolation (goal ≥ 20k: ${pc.withinGiB >= 20_000 ? 'met by extrapolation' : 'NOT met'}${pc.opened < 20_000 ? ', not measured at 20k' : ''}).`,
    ],
    figures: { results, fdLimit },
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
