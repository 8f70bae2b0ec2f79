import fc from 'fast-check';
import { startApp, type TestApp } from './support/app.js';
import { authEnv } from './support/auth.js';
import { openStreams, seedPrompts, signIn } from './support/fuzz/fixture.js';
import { fuzzRequest, requestsFor } from './support/fuzz/request.js';
import { ROUTE_NAMES } from './support/fuzz/routes.js';
import { ErrorLog, FuzzRunner } from './support/fuzz/runner.js';
import { FUZZ_PROMPT_MAX_BYTES } from './support/fuzz/values.js';
import { storeTargets } from './support/store-targets.js';
import { waitFor } from './support/wait-for.js';

/**
 * A property-based fuzzer over the whole HTTP surface (docs/architecture.md):
 * random methods, paths, query strings, headers, credentials, CSRF tokens and
 * bodies, sent one at a time to the real app. For every answer: no 5xx, no
 * hang, a JSON API error is `{statusCode, error, message}`, and a 4xx (or a
 * GET) wrote nothing; after every batch /health still answers.
 *
 * FUZZ_SECONDS (default 30) is the whole budget, shared by the store targets;
 * FUZZ_SEED (default fixed) picks the sequence. The same seed replays the same
 * requests in the same order, so a failure reproduces with the seed it prints.
 */
const SECONDS = envNumber('FUZZ_SECONDS', 30, (n) => n > 0);
const SEED = envNumber('FUZZ_SEED', 20_260_711, (n) => Number.isSafeInteger(n));
const BUDGET_MS = (SECONDS * 1000) / storeTargets.length;

const FUZZ_ENV = authEnv({
  PROMPT_MAX_BYTES: String(FUZZ_PROMPT_MAX_BYTES),
  // Limits that would otherwise turn most of the run into 429s; their own suites test them.
  RATE_LIMIT_WRITES_PER_MIN: '1000000',
  RATE_LIMIT_LOGIN_PER_MIN: '1000000',
  AGENT_REPORT_TTL_MS: String(24 * 60 * 60 * 1000),
  // A stream with nothing to replay still sends an event soon, so "close after the first event" never waits long.
  STREAM_HEARTBEAT_MS: '500',
  LOG_LEVEL: 'error',
  LOG_FORMAT: 'json',
});

function envNumber(name: string, fallback: number, valid: (n: number) => boolean): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!valid(n)) throw new Error(`${name}=${raw} is not valid: give ${name === 'FUZZ_SEED' ? 'an integer' : 'a positive number of seconds'}`);
  return n;
}

describe.each(storeTargets.map((target) => [target.name, target] as const))('Fuzzing the HTTP surface (%s)', (name, target) => {
  let t: TestApp;
  let runner: FuzzRunner;

  beforeAll(async () => {
    const errors = new ErrorLog();
    t = await startApp({ target, env: FUZZ_ENV, logDestination: errors });
    await seedPrompts(t.url);
    runner = new FuzzRunner(t.url, await signIn(t.url), errors, { timeoutMs: 10_000 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it(
    `answers ${(BUDGET_MS / 1000).toFixed(0)} s of random requests without a 5xx, a hang or a write on a 4xx (seed ${SEED})`,
    async () => {
      const batches = fc.array(fuzzRequest, { minLength: 1, maxLength: 8 });
      const details = await fc.check(
        fc.asyncProperty(batches, (batch) => runner.runBatch(batch)),
        { seed: SEED, numRuns: Number.MAX_SAFE_INTEGER, plugins: [fc.interruptAfterTimeLimit(BUDGET_MS)] },
      );
      await runner.settled();
      // A slow machine reaches fewer routes in the budget: every route it missed still gets requests from the same generator.
      const missed = [...ROUTE_NAMES].filter((route) => !runner.routes.has(route));
      for (const route of missed) await runner.runBatch(requestsFor(route, SEED, 8));
      if (missed.length > 0) process.stderr.write(`fuzz (${name}): the timed run missed ${missed.join(', ')}; swept them with 8 requests each\n`);
      process.stderr.write(`fuzz (${name}, seed ${SEED}, ${(BUDGET_MS / 1000).toFixed(1)} s): ${runner.summary()}\n`);
      if (details.failed) {
        const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
        const report = `${fc.defaultReportMessage(details) ?? 'failed'}\n\nThe shrunk counterexample failed with:\n${cause}`;
        const replay = `Replay: FUZZ_SEED=${SEED} FUZZ_SECONDS=${SECONDS} NODE_OPTIONS=--experimental-vm-modules npx jest test/fuzz.e2e-spec.ts`;
        throw new Error(`${replay}\n${report.length > 20_000 ? `${report.slice(0, 20_000)}…` : report}`);
      }
      // The sweep must have reached every route; a route no generated request reaches has not been fuzzed.
      expect([...ROUTE_NAMES].filter((route) => !runner.routes.has(route))).toEqual([]);
      await waitFor(async () => (await openStreams(t.url)) === 0, 'every fuzzed event stream to be released');
    },
    BUDGET_MS + 120_000,
  );
});
