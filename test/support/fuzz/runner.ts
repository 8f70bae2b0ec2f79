import type { DestinationStream } from 'pino';
import { isAlive, roster, signIn, storeState, type StoreState } from './fixture.js';
import { answerTimeout, knownFinding } from './known-findings.js';
import { isSafeMethod, problemsWith } from './oracle.js';
import type { FuzzRequest } from './request.js';
import { send, type Answer } from './sender.js';
import { describeWire, toWire, type FuzzContext, type WireRequest } from './wire.js';

/** The app's error log lines (run it with LOG_LEVEL=error, LOG_FORMAT=json), so a 500 is reported with its stack. */
export class ErrorLog implements DestinationStream {
  readonly lines: string[] = [];

  write(line: string): void {
    try {
      const { msg, err } = JSON.parse(line) as { msg?: string; err?: { stack?: string } };
      this.lines.push(err?.stack ?? msg ?? line);
    } catch {
      this.lines.push(line);
    }
  }
}

export interface RunnerOptions {
  /** No answer within this long is a hang. */
  timeoutMs: number;
}

/**
 * Sends generated requests one at a time and checks each answer: no 5xx, no
 * hang, the JSON error shape, no write on a 4xx (nor on a safe method), no
 * stored text that is not well-formed Unicode, and /health still answering
 * after every batch. Counts what it did; a problem listed in
 * known-findings.ts is counted instead of failing the run.
 */
export class FuzzRunner {
  readonly statuses = new Map<number, number>();
  readonly routes = new Map<string, number>();
  requests = 0;
  batches = 0;
  /** Known findings met: how often, and the first request of each. */
  readonly known = new Map<string, { count: number; example: string }>();
  streams = 0;
  private inflight: Promise<unknown> = Promise.resolve();
  private readonly base: URL;

  constructor(
    private readonly url: string,
    private ctx: FuzzContext,
    private readonly errors: ErrorLog,
    private readonly options: RunnerOptions,
  ) {
    this.base = new URL(url);
  }

  /** The property: every request of the batch passes, then the server is still alive. */
  runBatch(batch: FuzzRequest[]): Promise<void> {
    const run = this.batch(batch);
    this.inflight = run.catch(() => undefined);
    return run;
  }

  /** Resolves once the batch in flight (one fast-check stopped waiting for at the time limit) is over. */
  settled(): Promise<unknown> {
    return this.inflight;
  }

  private async batch(batch: FuzzRequest[]): Promise<void> {
    this.batches += 1;
    let state = await storeState(this.url);
    for (const req of batch) state = await this.one(req, state);
    if (!(await isAlive(this.url))) throw new Error('the server stopped answering /health after this batch');
  }

  private async one(req: FuzzRequest, before: StoreState): Promise<StoreState> {
    const wire = toWire(req, this.ctx, before);
    // Only a report writes the roster; reading it around every request would halve the requests sent.
    const rosterBefore = /agents/i.test(wire.path) ? await roster(this.url) : undefined;
    const logMark = this.errors.lines.length;
    let answer: Answer;
    try {
      answer = await send(this.base, wire, answerTimeout(wire, this.options.timeoutMs));
    } catch (err) {
      const problems = this.unknown(wire, [err instanceof Error ? err.message : String(err)]);
      if (problems.length > 0) throw this.failure(wire, undefined, problems, logMark);
      return before;
    }
    this.count(req.route, answer);
    const after = await storeState(this.url);
    const rosterAfter = rosterBefore === undefined ? undefined : await roster(this.url);
    const change = [
      ...(after.revision === before.revision ? [] : [`the revision went from ${before.revision} to ${after.revision}`]),
      ...(rosterAfter === rosterBefore ? [] : [`the fleet roster went from ${rosterBefore} to ${rosterAfter}`]),
    ].join('; ');
    const problems = this.unknown(wire, [...problemsWith(wire, answer), ...this.writeProblems(wire, answer, change)]);
    if (problems.length > 0) throw this.failure(wire, answer, problems, logMark);
    if (req.route === 'POST /logout' && answer.status < 400) await this.keepSignedIn();
    return after;
  }

  /** `change` says what moved (empty: nothing did). */
  private writeProblems(wire: WireRequest, answer: Answer, change: string): string[] {
    if (change === '') return [];
    if (answer.status >= 400) return [`answered ${answer.status} but wrote: ${change}`];
    if (isSafeMethod(wire.method)) return [`a ${wire.method} wrote: ${change}`];
    return wire.invalidUnicode ? [`accepted text that is not well-formed Unicode (answered ${answer.status})`] : [];
  }

  /** The problems no known finding explains; the others are counted. */
  private unknown(wire: WireRequest, problems: string[]): string[] {
    return problems.filter((problem) => {
      const known = knownFinding(wire, problem);
      if (!known) return true;
      const seen = this.known.get(known.id);
      this.known.set(known.id, { count: (seen?.count ?? 0) + 1, example: seen?.example ?? `${describeWire(wire)}\n  ✗ ${problem}` });
      return false;
    });
  }

  /** A logout that ends the session server-side would leave the rest of the run signed out: sign in again. */
  private async keepSignedIn(): Promise<void> {
    const res = await fetch(`${this.url}/prompts/new`, {
      redirect: 'manual',
      headers: { Cookie: `promptcast_csrf=${this.ctx.csrfId}; promptcast_session=${this.ctx.session}` },
    });
    if (res.status !== 200) this.ctx = await signIn(this.url);
  }

  private count(route: string, answer: Answer): void {
    this.requests += 1;
    if (answer.stream) this.streams += 1;
    this.statuses.set(answer.status, (this.statuses.get(answer.status) ?? 0) + 1);
    this.routes.set(route, (this.routes.get(route) ?? 0) + 1);
  }

  private failure(wire: WireRequest, answer: Answer | undefined, problems: string[], logMark: number): Error {
    const logged = this.errors.lines.slice(logMark);
    const lines = [
      ...problems.map((p) => `✗ ${p}`),
      'request:',
      describeWire(wire),
      answer
        ? `answer: ${answer.status} ${String(answer.headers['content-type'] ?? '')} ${JSON.stringify(answer.body.subarray(0, 400).toString('utf8'))}`
        : 'answer: none',
      ...(logged.length > 0 ? ['server error log:', ...logged.slice(0, 5)] : []),
    ];
    return new Error(lines.join('\n'));
  }

  /** One paragraph for the test log: what was sent, what came back, what was tolerated. */
  summary(): string {
    const statuses = [...this.statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
    const lines = [`${this.requests} requests (${this.streams} event streams) in ${this.batches} batches; answers ${statuses.join(' ')}`];
    for (const [id, { count, example }] of this.known)
      lines.push(`known finding ${id} (fix pending, not failing the run): ${count}×, first:`, example);
    const errors = [...new Set(this.errors.lines.map((l) => l.split('\n')[0]))];
    if (errors.length > 0) lines.push(`server error log (${this.errors.lines.length} lines), distinct first lines:`, ...errors.slice(0, 10));
    return lines.join('\n');
  }
}
