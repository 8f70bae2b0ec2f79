// Fan-out benchmark: Promptcast's stream against a raw node:http broadcaster,
// same load generator, same machine, one after the other for each N.
//   npm run bench:stream                 N = 1000, 5000
//   npm run bench:stream -- --full       N = 1000, 5000, 10000
//   npm run bench:stream -- --sizes=2000 --updates=50 --repeats=3
// The server runs on core 0 and the load generator on core 1 (taskset);
// everything stays on loopback addresses.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const full = process.argv.includes('--full');
const sizes = arg('sizes', full ? '1000,5000,10000' : '1000,5000').split(',').map(Number);
const updates = Number(arg('updates', '30'));
const parsers = Number(arg('parsers', '20'));
const repeats = Number(arg('repeats', '3'));
const FDS = 200_000;

async function freePort() {
  const srv = createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address();
  srv.close();
  return port;
}

/** Runs `node args` on `core` with a raised fd limit. */
function pinned(core, args, env, stdout) {
  const cmd = `ulimit -n ${FDS} 2>/dev/null || ulimit -n $(ulimit -Hn); exec taskset -c ${core} node ${args.map((a) => `'${a}'`).join(' ')}`;
  return spawn('sh', ['-c', cmd], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', stdout, 'inherit'] });
}

async function ready(url) {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/api/prompts`)).ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not come up`);
}

async function startServer(kind, port, dataDir) {
  const url = `http://127.0.0.1:${port}`;
  const child = kind === 'promptcast'
    ? pinned(0, ['dist/main.js'], { PORT: String(port), HOST: '127.0.0.1', SQLITE_PATH: join(dataDir, `${port}.db`), SEED: 'false',
      // Every simulated agent connects from 127.0.0.1: lift the per-address stream and write limits.
      STREAM_MAX_PER_ADDRESS: '1000000', RATE_LIMIT_WRITES_PER_MIN: '1000000' }, 'ignore')
    : pinned(0, [join(here, 'raw-server.mjs')], { PORT: String(port) }, 'ignore');
  await ready(url);
  if (kind === 'promptcast') {
    const res = await fetch(`${url}/api/prompts`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: 'BENCH', text: 'start' }),
    });
    if (res.status !== 201) throw new Error(`creating BENCH answered ${res.status}`);
  }
  return { url, child };
}

async function measure(kind, n, dataDir) {
  const { url, child } = await startServer(kind, await freePort(), dataDir);
  try {
    const load = pinned(1, [join(here, 'load.mjs'), url, String(n), String(updates), String(child.pid), String(Math.min(parsers, n))], {}, 'pipe');
    let out = '';
    load.stdout.on('data', (d) => { out += d; });
    const [code] = await once(load, 'exit');
    if (code !== 0) throw new Error(`load generator for ${kind} N=${n} exited ${code}`);
    return { kind, ...JSON.parse(out.trim().split('\n').at(-1)) };
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The median of every figure across repeated runs (each figure on its own). */
function medianOf(runs) {
  const pick = (f) => median(runs.map(f));
  const stat = (k) => Object.fromEntries(Object.keys(runs[0][k]).map((q) => [q, pick((r) => r[k][q])]));
  return {
    kind: runs[0].kind, n: runs[0].n, m: runs[0].m, runs: runs.length,
    e2e: stat('e2e'), spread: stat('spread'), put: stat('put'),
    rssPerSubscriber: pick((r) => r.rssPerSubscriber), connectSeconds: pick((r) => r.connectSeconds),
    sampleInOrder: runs.every((r) => r.sampleInOrder), each: runs,
  };
}

const ms = (x) => x.toFixed(1);
function table(results) {
  const rows = results.map((r) => `| ${r.kind} | ${r.n} | ${ms(r.e2e.p50)} | ${ms(r.e2e.p99)} | ${ms(r.e2e.max)} | ${ms(r.spread.p50)} | ${ms(r.spread.p99)} | ${ms(r.put.p50)} | ${(r.rssPerSubscriber / 1024).toFixed(1)} | ${r.connectSeconds.toFixed(1)} | ${r.sampleInOrder ? 'yes' : 'NO'} |`);
  return [
    '| server | N | publish→last p50 ms | p99 ms | max ms | first→last p50 ms | p99 ms | PUT answered p50 ms | RSS/idle sub KB | connect s | sample in order |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'promptcast-bench-'));
  const results = [];
  try {
    for (const n of sizes) {
      const runs = { promptcast: [], raw: [] };
      // Alternating the two servers spreads the noise of a shared machine over both.
      for (let r = 0; r < repeats; r++) {
        for (const kind of ['promptcast', 'raw']) {
          process.stderr.write(`${kind} N=${n} run ${r + 1}/${repeats} ...\n`);
          runs[kind].push(await measure(kind, n, dataDir));
        }
      }
      results.push(medianOf(runs.promptcast), medianOf(runs.raw));
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const report = `${table(results)}\n\nMedians of ${repeats} alternating runs per server; ${updates} updates per run; node ${process.version}; ${new Date().toISOString()}\n`;
  writeFileSync(join(here, 'last-run.md'), report);
  writeFileSync(join(here, 'last-run.json'), JSON.stringify(results, null, 2));
  console.log(report);
}

main().catch((err) => { console.error(err); process.exit(1); });
