// Edit → applied latency: a REST save of AGENT_INSTRUCTION until
// updateInstructions has resolved in every live Friday session.
//   npm run bench:apply                          200 edits into 10 sessions
//   npm run bench:apply -- --edits=500 --sessions=50 --warmup=20
// `npm run bench` calls run() with 100 edits (500 into 50 sessions with --full).
// The server runs as its own process (dist/main.js, SQLite in a temp dir, on
// core 0); this process is the agent, assembled by createFriday as a job
// process is (PromptClient + FridayRuntime), with real voice.AgentSessions (no
// room, a FakeLLM). Edits are sequential: each one is
// saved only after the previous one was applied everywhere.
import { initializeLogger, voice } from '@livekit/agents';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createFriday } from '../../dist/worker/friday.js';
import { isMain, option } from '../support/cli.mjs';
import { root, send, startPromptcast } from '../support/processes.mjs';
import { percentiles } from '../support/stats.mjs';

const here = join(root, 'bench', 'edit-to-apply');

/** Saves one edit; returns [ms until the REST answer, ms until applied in every session]. */
async function oneEdit(url, runtime, sessionCount, i) {
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

/** The agent side: Friday as a job process builds it, with `count` live sessions. */
async function startAgent(url, count) {
  const friday = await createFriday({ client: { url, agentId: 'bench' }, policy: 'live' });
  const sessions = [];
  for (let i = 0; i < count; i++) {
    const session = new voice.AgentSession({ llm: new voice.testing.FakeLLM(), vad: null });
    sessions.push(session);
    await friday.runtime.startSession(session, { id: `bench-${i}` });
  }
  return {
    runtime: friday.runtime,
    close: async () => {
      await Promise.all(sessions.map((s) => s.close()));
      await friday.close();
    },
  };
}

/** `defaults`: the sizes without --full; returns the runner's report. */
export async function run({ full = false, argv = [], defaults = { edits: 200, sessions: 10, warmup: 10 } } = {}) {
  const edits = Number(option(argv, 'edits', full ? 500 : defaults.edits));
  const sessionCount = Number(option(argv, 'sessions', full ? 50 : defaults.sessions));
  const warmup = Number(option(argv, 'warmup', full ? 20 : defaults.warmup));
  initializeLogger({ pretty: false, level: 'silent' });
  const dataDir = mkdtempSync(join(tmpdir(), 'promptcast-bench-'));
  const server = await startPromptcast({ dataDir });
  let agent;
  try {
    await send(server.url, 'POST', '/api/prompts', { key: 'AGENT_INSTRUCTION', text: 'You are Friday.' });
    agent = await startAgent(server.url, sessionCount);
    const save = [];
    const apply = [];
    for (let i = 0; i < warmup + edits; i++) {
      const [saved, applied] = await oneEdit(server.url, agent.runtime, sessionCount, i);
      if (i >= warmup) (save.push(saved), apply.push(applied));
    }
    return report({ edits, sessions: sessionCount, warmup, save: percentiles(save), apply: percentiles(apply) });
  } finally {
    await agent?.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function report(result) {
  const ms = (v) => v.toFixed(1);
  const run = { date: new Date().toISOString(), node: process.version, cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`, ...result };
  writeFileSync(join(here, 'last-run.json'), `${JSON.stringify(run, null, 2)}\n`);
  return {
    title: 'Edit → applied in every Friday session (bench/edit-to-apply)',
    sizes: `${result.edits} edits (after ${result.warmup} warm-up) into ${result.sessions} live sessions`,
    table: [
      '| measured from the PUT | p50 ms | p90 ms | p99 ms | max ms |',
      '|---|---|---|---|---|',
      `| REST answer (durable save) | ${ms(result.save.p50)} | ${ms(result.save.p90)} | ${ms(result.save.p99)} | ${ms(result.save.max)} |`,
      `| applied in every session | ${ms(result.apply.p50)} | ${ms(result.apply.p90)} | ${ms(result.apply.p99)} | ${ms(result.apply.max)} |`,
    ].join('\n'),
    notes: [`Goal p99 ≤ 100 ms: ${result.apply.p99 <= 100 ? 'met' : 'NOT met'} (${ms(result.apply.p99)} ms).`],
    figures: result,
  };
}

if (isMain(import.meta.url)) {
  run({ full: process.argv.includes('--full'), argv: process.argv })
    .then((r) => {
      const text = `${new Date().toISOString()} — Node ${process.version}; ${r.sizes}\n\n${r.table}\n\n${r.notes.join('\n')}\n`;
      writeFileSync(join(here, 'last-run.md'), text);
      console.log(text);
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
