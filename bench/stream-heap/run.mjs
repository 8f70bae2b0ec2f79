// What an idle stream holds on the JS heap, fast path on and off: a diagnostic
// for the connect's per-connection cost (issue 17), not a throughput figure.
//   npm run build && node bench/stream-heap/run.mjs [--n=1000] [--snapshot]
// Each mode runs the built app in a process of its own (node --expose-gc), opens
// --n streams from a client process, and reads heapUsed after full GCs before and
// after. --snapshot also diffs two heap snapshots of the fast-path server and
// prints the per-subscriber cost by object type (writes ~100 MB to a temp dir).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeHeapSnapshot } from 'node:v8';
import { option } from '../support/cli.mjs';
import { root } from '../support/processes.mjs';

const self = fileURLToPath(import.meta.url);
const [mode, ...args] = process.argv.slice(2);

/** Client: opens `n` streams to `url`, says "ready" once every head is in, holds them until stdin ends. */
function client(url, n) {
  let opened = 0;
  const held = [];
  for (let i = 0; i < n; i++) {
    get(url, { agent: false }, (res) => {
      held.push(res.resume());
      if (++opened === n) process.stdout.write('ready\n');
    }).once('error', (err) => {
      console.error(err.message);
      process.exit(1);
    });
  }
  process.stdin.resume().once('end', () => process.exit(0));
}

/** Opens `n` streams from a client process; resolves with a function that closes them. */
async function holdStreams(url, n) {
  const child = spawn(process.execPath, [self, 'client', url, String(n)], { stdio: ['pipe', 'pipe', 'inherit'] });
  await once(child.stdout, 'data');
  return async () => {
    child.stdin.end();
    await once(child, 'exit');
  };
}

async function settledHeap() {
  for (let i = 0; i < 3; i++) {
    global.gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

/** Server: the built app on a fresh SQLite file; prints {fastPath, heapPerSubscriber, byType?} as JSON. */
async function server(fastPath, n, snapshot) {
  const { createApp } = await import(pathToFileURL(join(root, 'dist/app.factory.js')).href);
  const { loadConfig } = await import(pathToFileURL(join(root, 'dist/config/load-config.js')).href);
  const dir = mkdtempSync(join(tmpdir(), 'promptcast-heap-'));
  const env = { SEED: 'false', FAST_PATH: fastPath, SQLITE_PATH: join(dir, 'p.db'), STREAM_MAX_PER_TOKEN: '1000000' };
  const app = await createApp(loadConfig({ ...env, CONN_MAX_PER_ADDRESS: '1000000', CONN_MAX_PENDING_PER_ADDRESS: '1000000' }, []), {
    logger: false,
  });
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${app.getHttpServer().address().port}/api/prompts/stream`;
  // Warm up: the first streams create the shared state (snapshot cache, heartbeat, compiled code).
  await (
    await holdStreams(url, 50)
  )();
  const before = await settledHeap();
  const beforeFile = snapshot ? writeHeapSnapshot(join(dir, 'before.heapsnapshot')) : undefined;
  const release = await holdStreams(url, n);
  const after = await settledHeap();
  const byType = snapshot ? perType(beforeFile, writeHeapSnapshot(join(dir, 'after.heapsnapshot')), n) : undefined;
  await release();
  await app.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify({ fastPath, heapPerSubscriber: Math.round((after - before) / n), byType }));
}

/** Self size per subscriber by (node type, constructor name), the largest first. */
function perType(beforeFile, afterFile, n) {
  const totals = (file) => {
    const { snapshot, nodes, strings } = JSON.parse(readFileSync(file, 'utf8'));
    const fields = snapshot.meta.node_fields;
    const types = snapshot.meta.node_types[0];
    const [type, name, size] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
    const sums = new Map();
    for (let i = 0; i < nodes.length; i += fields.length) {
      const t = types[nodes[i + type]];
      const key = t.includes('string') ? t : `${t} ${strings[nodes[i + name]].slice(0, 40)}`;
      const sum = sums.get(key) ?? { count: 0, bytes: 0 };
      sum.count++;
      sum.bytes += nodes[i + size];
      sums.set(key, sum);
    }
    return sums;
  };
  const [a, b] = [totals(beforeFile), totals(afterFile)];
  return [...b]
    .map(([key, { count, bytes }]) => ({
      key,
      count: +((count - (a.get(key)?.count ?? 0)) / n).toFixed(2),
      bytes: Math.round((bytes - (a.get(key)?.bytes ?? 0)) / n),
    }))
    .filter((r) => r.bytes >= 16)
    .sort((x, y) => y.bytes - x.bytes)
    .slice(0, 25);
}

async function main() {
  const n = Number(option(args, 'n', '1000'));
  const snapshot = args.includes('--snapshot');
  const results = {};
  for (const fastPath of ['on', 'off']) {
    const child = spawn(
      process.execPath,
      ['--expose-gc', self, 'server', fastPath, String(n), ...(snapshot && fastPath === 'on' ? ['--snapshot'] : [])],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    await once(child, 'exit');
    results[fastPath] = JSON.parse(out.trim().split('\n').at(-1));
  }
  console.log(`N = ${n} idle streams; JS heap per subscriber after GC`);
  console.log(
    `fast path: ${(results.on.heapPerSubscriber / 1024).toFixed(1)} KB; FAST_PATH=off: ${(results.off.heapPerSubscriber / 1024).toFixed(1)} KB`,
  );
  for (const r of results.on.byType ?? []) console.log(`  ${String(r.bytes).padStart(6)} B  ${String(r.count).padStart(6)} ×  ${r.key}`);
}

if (mode === 'client') client(args[0], Number(args[1]));
else if (mode === 'server') await server(args[0], Number(args[1]), args.includes('--snapshot'));
else await main();
