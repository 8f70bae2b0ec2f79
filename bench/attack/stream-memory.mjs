// The "resume from far back and never read" attack (Step 2, item 1): a key
// with ~520 versions of ~32 KB, then 50 streams sending Last-Event-ID: 0 that
// never read a byte. Prints RSS before, at peak and after the clients leave,
// how many streams the server still holds after a few heartbeats, and the
// latency of /health meanwhile.
//   node bench/attack/stream-memory.mjs [--versions=520] [--streams=50] [--keys=1] [--main=dist/main.js]
// With --keys=N > 1 the store first gets N prompts of ~32 KB and the streams
// resume from just after them, so the replay of the versions is smaller than
// the snapshot and is what the server sends: the stalled-replay path.
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isMain, option } from '../support/cli.mjs';
import { rssBytes, send, startPromptcast } from '../support/processes.mjs';

const MB = 2 ** 20;
const HEARTBEAT_MS = 1000;

async function silentStream(url, from) {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  socket.pause();
  socket.on('error', () => undefined);
  socket.write(`GET /api/prompts/stream HTTP/1.1\r\nHost: ${hostname}:${port}\r\nLast-Event-ID: ${from}\r\n\r\n`);
  return socket;
}

async function subscribers(url) {
  const res = await fetch(`${url}/health`);
  return (await res.json()).subscribers;
}

async function healthLatency(url) {
  const t0 = performance.now();
  await fetch(`${url}/health`);
  return performance.now() - t0;
}

/** Samples RSS and /health latency every 100 ms for `ms`. */
async function watch(url, pid, ms) {
  let peak = 0;
  let worstHealth = 0;
  for (const end = Date.now() + ms; Date.now() < end;) {
    peak = Math.max(peak, rssBytes(pid));
    worstHealth = Math.max(worstHealth, await healthLatency(url));
    await sleep(100);
  }
  return { peak, worstHealth };
}

export async function run({ argv = process.argv } = {}) {
  const versions = Number(option(argv, 'versions', '520'));
  const streams = Number(option(argv, 'streams', '50'));
  const keys = Number(option(argv, 'keys', '1'));
  const main = option(argv, 'main', 'dist/main.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'promptcast-attack-'));
  const server = await startPromptcast({
    dataDir,
    main: 'bench/support/gc-main.mjs',
    nodeOptions: ['--expose-gc'],
    env: { PROMPTCAST_MAIN: main, STREAM_HEARTBEAT_MS: String(HEARTBEAT_MS), STREAM_MAX_PER_TOKEN: '1000' },
  });
  const rssAfterGc = async () => {
    process.kill(server.pid, 'SIGWINCH');
    await sleep(1000);
    return rssBytes(server.pid);
  };
  try {
    const text = (i) => `${i} ${'x'.repeat(32_000)}`;
    for (let k = 1; k < keys; k++) await send(server.url, 'POST', '/api/prompts', { key: `K${k}`, text: text(k) });
    const from = keys > 1 ? keys - 1 : 0;
    await send(server.url, 'POST', '/api/prompts', { key: 'BIG', text: text(0) });
    for (let i = 1; i < versions; i++) await send(server.url, 'PUT', '/api/prompts/BIG', { text: text(i) });
    const before = await rssAfterGc();
    const sockets = [];
    for (let i = 0; i < streams; i++) sockets.push(await silentStream(server.url, from));
    const during = await watch(server.url, server.pid, 5 * HEARTBEAT_MS);
    const heldAfter = await subscribers(server.url);
    for (const s of sockets) s.destroy();
    // Give the server a few heartbeats to notice every socket is gone before measuring.
    await sleep(5 * HEARTBEAT_MS);
    const after = await rssAfterGc();
    const row = `| ${main} | ${keys} keys, ${versions} versions × 32 KB, resume from ${from} | ${streams} | ${(before / MB).toFixed(0)} | ${(during.peak / MB).toFixed(0)} | ${(after / MB).toFixed(0)} (${((after / before - 1) * 100).toFixed(0)}%) | ${heldAfter} | ${during.worstHealth.toFixed(0)} |`;
    return {
      title: 'Attack: resume from far back, never read',
      sizes: `${streams} silent streams with Last-Event-ID: ${from}; heartbeat ${HEARTBEAT_MS} ms`,
      table: [
        '| build | history | streams | RSS before (after GC), MB | RSS peak, MB | RSS after they left (after GC), MB | streams held after 5 heartbeats | worst /health, ms |',
        '|---|---|---|---|---|---|---|---|',
        row,
      ].join('\n'),
      notes: [],
    };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  const result = await run();
  console.log(`${result.sizes}\n\n${result.table}`);
}
