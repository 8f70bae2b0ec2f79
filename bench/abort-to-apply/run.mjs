// Abort → applied: a rollout abort (POST …/rollouts/:id/abort) until every
// canary session of a live Friday process runs the baseline again, beside the
// plain edit → applied figure measured the same way in the same run.
//   npm run bench:abort                          20 rounds, 20 sessions
//   npm run bench:abort -- --rounds=50 --sessions=100
// The server runs as its own process (dist/main.js, SQLite in a temp dir);
// this process is the agent, assembled by createFriday as a job process is,
// with real voice.AgentSessions (no room, a FakeLLM) bound by livePrompts.
// Each round starts a rollout at 50 % (a fresh rollout id, so a fresh half of
// the sessions are canaries), waits until every session settled it, then
// aborts it and times each canary session's `applied` receipt for the abort.
import { initializeLogger, voice } from '@livekit/agents';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createFriday } from '../../dist/worker/friday.js';
import { isMain, option } from '../support/cli.mjs';
import { root, send, startPromptcast } from '../support/processes.mjs';
import { percentiles } from '../support/stats.mjs';

const here = join(root, 'bench', 'abort-to-apply');
const KEY = 'AGENT_INSTRUCTION';

/**
 * Every `settled` change and every receipt, timestamped as they happen, so a
 * step's revision (known only from the REST answer) can be matched afterwards.
 */
function recorder(runtime) {
  const settled = new Map();
  const receipts = new Map();
  let wake = () => {};
  runtime.applier.on('settled', (change) => {
    if (change.key === KEY) settled.set(change.revision, performance.now());
    wake();
  });
  const watch = (live) =>
    live.prompts.on('receipt', (receipt) => {
      receipts.set(`${live.id}@${receipt.revision}`, [receipt.outcome, performance.now()]);
      wake();
    });
  /** Resolves once `ready()` holds, re-checked after every event. */
  const until = (ready) =>
    new Promise((resolve) => {
      const check = () => {
        if (!ready()) return;
        wake = () => {};
        resolve();
      };
      wake = check;
      check();
    });
  return { settled, receipts, watch, until };
}

const stepRevision = (rollout, action) => rollout.history.findLast((step) => step.action === action).revision;

async function oneRound(url, runtime, seen) {
  const rollout = await send(url, 'POST', `/api/prompts/${KEY}/rollouts`, { version: 2, percent: 50 });
  const started = stepRevision(rollout, 'start');
  await seen.until(() => seen.settled.has(started));
  const canaries = runtime.registry.list().filter((s) => s.prompts.variant?.rolloutId === rollout.id && s.prompts.variant.variant === 'candidate');
  const t0 = performance.now();
  const aborted = await send(url, 'POST', `/api/prompts/${KEY}/rollouts/${rollout.id}/abort`, { reason: 'bench' });
  const t1 = performance.now();
  const revision = stepRevision(aborted, 'abort');
  await seen.until(() => seen.settled.has(revision) && canaries.every((s) => seen.receipts.has(`${s.id}@${revision}`)));
  const received = canaries.map((s) => seen.receipts.get(`${s.id}@${revision}`));
  if (received.some(([outcome]) => outcome !== 'applied')) throw new Error(`abort ${rollout.id} not applied everywhere: ${JSON.stringify(received)}`);
  const perSession = received.map(([, t]) => t - t0);
  return { rest: t1 - t0, perSession, all: Math.max(...perSession), canaries: canaries.length };
}

async function oneEdit(url, seen, i) {
  const t0 = performance.now();
  const saved = await send(url, 'PUT', `/api/prompts/${KEY}`, { text: `You are Friday, edit ${i}.` });
  await seen.until(() => seen.settled.has(saved.revision));
  return seen.settled.get(saved.revision) - t0;
}

export async function run({ full = false, argv = [], defaults = { rounds: 20, sessions: 20, warmup: 3 } } = {}) {
  const rounds = Number(option(argv, 'rounds', full ? 50 : defaults.rounds));
  const sessionCount = Number(option(argv, 'sessions', full ? 100 : defaults.sessions));
  const warmup = Number(option(argv, 'warmup', defaults.warmup));
  initializeLogger({ pretty: false, level: 'silent' });
  const dataDir = mkdtempSync(join(tmpdir(), 'promptcast-bench-'));
  const server = await startPromptcast({ dataDir });
  const sessions = [];
  let friday;
  try {
    await send(server.url, 'POST', '/api/prompts', { key: KEY, text: 'You are Friday.' });
    await send(server.url, 'PUT', `/api/prompts/${KEY}`, { text: 'You are Friday, the candidate.', labels: [] });
    friday = await createFriday({ client: { url: server.url, agentId: 'bench' }, policy: 'live' });
    const seen = recorder(friday.runtime);
    for (let i = 0; i < sessionCount; i++) {
      const session = new voice.AgentSession({ llm: new voice.testing.FakeLLM(), vad: null });
      sessions.push(session);
      seen.watch(await friday.runtime.startSession(session, { id: `bench-${i}` }));
    }
    const perSession = [];
    const all = [];
    const rest = [];
    let canaries = 0;
    for (let i = 0; i < warmup + rounds; i++) {
      const round = await oneRound(server.url, friday.runtime, seen);
      if (i < warmup) continue;
      perSession.push(...round.perSession);
      all.push(round.all);
      rest.push(round.rest);
      canaries += round.canaries;
    }
    // The edit → applied figure, same process, same sessions; then the rollout's candidate (v2) stays valid for no further rounds.
    const edits = [];
    for (let i = 0; i < warmup + rounds; i++) {
      const t = await oneEdit(server.url, seen, i);
      if (i >= warmup) edits.push(t);
    }
    return report({
      rounds,
      sessions: sessionCount,
      warmup,
      canaries: canaries / rounds,
      rest: percentiles(rest),
      perSession: percentiles(perSession),
      all: percentiles(all),
      edit: percentiles(edits),
    });
  } finally {
    await Promise.all(sessions.map((s) => s.close()));
    await friday?.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function report(result) {
  const ms = (v) => v.toFixed(1);
  const run = { date: new Date().toISOString(), node: process.version, cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`, ...result };
  writeFileSync(join(here, 'last-run.json'), `${JSON.stringify(run, null, 2)}\n`);
  const row = (name, p) => `| ${name} | ${ms(p.p50)} | ${ms(p.p90)} | ${ms(p.p99)} | ${ms(p.max)} |`;
  return {
    title: 'Rollout abort → baseline applied in every canary session (bench/abort-to-apply)',
    sizes: `${result.rounds} aborts (after ${result.warmup} warm-up) at 50 % into ${result.sessions} live sessions (${result.canaries.toFixed(1)} canaries a round on average); ${result.rounds} edits for comparison`,
    table: [
      '| measured from the request | p50 ms | p90 ms | p99 ms | max ms |',
      '|---|---|---|---|---|',
      row('abort: REST answer', result.rest),
      row('abort: applied, per canary session', result.perSession),
      row('abort: applied in every canary session', result.all),
      row('edit: applied in every session', result.edit),
    ].join('\n'),
    notes: [
      `An abort travels the edit's path (one prompt.updated on the stream, one updateInstructions per canary call): compare its p99 (${ms(result.all.p99)} ms) with the edit's (${ms(result.edit.p99)} ms).`,
    ],
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
