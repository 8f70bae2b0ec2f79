// Edit → applied latency: a REST save of AGENT_INSTRUCTION until
// updateInstructions has resolved in every live Friday session.
//   npm run bench:apply                          200 edits into 10 sessions
//   npm run bench:apply -- --edits=500 --sessions=50 --warmup=20
// The server runs as its own process (dist/main.js, SQLite in a temp dir);
// this process is the agent: PromptClient + FridayRuntime + real
// voice.AgentSessions (no room, a FakeLLM). Edits are sequential: each one is
// saved only after the previous one was applied everywhere.
import { initializeLogger, voice } from '@livekit/agents';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { FRIDAY_DEFAULTS, FRIDAY_KEYS } from '../../dist/agent/friday-prompts.js';
import { FridayRuntime } from '../../dist/agent/friday-runtime.js';
import { PromptClient } from '../../dist/client/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const arg = (name, fallback) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const edits = arg('edits', 200);
const sessionCount = arg('sessions', 10);
const warmup = arg('warmup', 10);

async function freePort() {
  const srv = createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address();
  srv.close();
  return port;
}

async function startServer(port, dataDir) {
  const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', SQLITE_PATH: join(dataDir, 'bench.db'), SEED: 'false',
    // All load comes from 127.0.0.1: lift the per-address limits.
    STREAM_MAX_PER_ADDRESS: '1000000', RATE_LIMIT_WRITES_PER_MIN: '1000000' };
  const child = spawn(process.execPath, ['dist/main.js'], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
  // The server logs "Listening on ..." once it accepts connections; its output is drained after that too.
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => String(chunk).includes('Listening on') && resolve());
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening`)));
  });
  return child;
}

async function send(url, method, path, body) {
  const res = await fetch(`${url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}`);
  return res.json();
}

/** Saves one edit; returns [ms until the REST answer, ms until applied in every session]. */
async function oneEdit(url, runtime, i) {
  // Edits are sequential and this is the only writer, so the next settled change is this edit's.
  const settled = once(runtime.applier, 'settled');
  const t0 = performance.now();
  const saved = await send(url, 'PUT', '/api/prompts/AGENT_INSTRUCTION', { text: `You are Friday, edit ${i}.` });
  const t1 = performance.now();
  const [change] = await settled;
  const t2 = performance.now();
  if (change.revision !== saved.revision || change.applied !== sessionCount) {
    throw new Error(`edit ${i} (revision ${saved.revision}) settled as ${JSON.stringify(change)}`);
  }
  return [t1 - t0, t2 - t0];
}

function percentiles(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return { p50: at(50), p90: at(90), p99: at(99), max: sorted.at(-1) };
}

async function main() {
  initializeLogger({ pretty: false, level: 'silent' });
  const dataDir = mkdtempSync(join(tmpdir(), 'promptcast-bench-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await startServer(port, dataDir);
  const sessions = [];
  let client;
  let runtime;
  try {
    await send(url, 'POST', '/api/prompts', { key: 'AGENT_INSTRUCTION', text: 'You are Friday.' });
    client = new PromptClient({ url, keys: FRIDAY_KEYS, defaults: FRIDAY_DEFAULTS, agentId: 'bench' });
    await client.ready();
    runtime = new FridayRuntime({ client, policy: 'live' });
    for (let i = 0; i < sessionCount; i++) {
      const session = new voice.AgentSession({ llm: new voice.testing.FakeLLM(), vad: null });
      sessions.push(session);
      await runtime.startSession(session, { id: `bench-${i}` });
    }
    const save = [];
    const apply = [];
    for (let i = 0; i < warmup + edits; i++) {
      const [saved, applied] = await oneEdit(url, runtime, i);
      if (i >= warmup) save.push(saved), apply.push(applied);
    }
    report({ save: percentiles(save), apply: percentiles(apply) });
  } finally {
    await Promise.all(sessions.map((s) => s.close()));
    await runtime?.close();
    await client?.close();
    server.kill('SIGTERM');
    await once(server, 'exit');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function report(result) {
  const ms = (v) => v.toFixed(1);
  const run = {
    date: new Date().toISOString(), node: process.version, cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    edits, sessions: sessionCount, warmup, ...result,
  };
  const md = [
    `${run.date} — Node ${run.node}, ${run.cpus}; ${edits} edits (after ${warmup} warm-up) into ${sessionCount} live sessions`,
    '',
    '| measured from the PUT | p50 ms | p90 ms | p99 ms | max ms |',
    '|---|---|---|---|---|',
    `| REST answer (durable save) | ${ms(result.save.p50)} | ${ms(result.save.p90)} | ${ms(result.save.p99)} | ${ms(result.save.max)} |`,
    `| applied in every session | ${ms(result.apply.p50)} | ${ms(result.apply.p90)} | ${ms(result.apply.p99)} | ${ms(result.apply.max)} |`,
    '',
    `Goal p99 ≤ 100 ms: ${result.apply.p99 <= 100 ? 'met' : 'NOT met'}.`,
  ].join('\n');
  writeFileSync(join(here, 'last-run.json'), `${JSON.stringify(run, null, 2)}\n`);
  writeFileSync(join(here, 'last-run.md'), `${md}\n`);
  console.log(md);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
