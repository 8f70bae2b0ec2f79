import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Metrics } from '../metrics/metrics.js';
import { guardVerdict } from '../sessions/rollout-figures.js';
import { SessionStore } from '../sessions/session-store.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { PromptStore } from '../store/prompt-store.js';
import { RolloutsService } from './rollouts.service.js';

/** At most one evaluation per rollout per this many ms; reports in between are coalesced into the next one. */
export const GUARD_INTERVAL_MS = 1000;
/** The author a guard's abort is recorded under (the audit trail, the rollout's history, the webhook). */
export const GUARD_AUTHOR = 'guard';

interface Watch {
  last: number;
  timer?: NodeJS.Timeout;
}

/**
 * The guarded canary (docs/rollouts.md, "The guard"): after each stored session
 * report that names a rollout, it reads that rollout's figures and asks the
 * guard's test (sessions/rollout-figures.ts); when the candidate is worse, it
 * aborts the rollout itself, as author `guard`, with the figures as the reason.
 * The abort is an ordinary rollout step, so its change, audit row, webhook and
 * stream event follow as for any other. Evaluations are throttled per rollout.
 */
@Injectable()
export class GuardRunner implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('RolloutGuard');
  private readonly watches = new Map<string, Watch>();
  private readonly running = new Set<Promise<void>>();
  private unsubscribe?: () => void;
  private closed = false;

  constructor(
    private readonly sessions: SessionsService,
    private readonly figures: SessionStore,
    private readonly store: PromptStore,
    private readonly rollouts: RolloutsService,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.sessions.onReported((ids) => ids.forEach((id) => this.schedule(id)));
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    for (const watch of this.watches.values()) clearTimeout(watch.timer);
    this.watches.clear();
    await Promise.all([...this.running]);
  }

  /** Evaluates rollout `id` soon: now if it was not evaluated in the last interval, else once the interval is over. */
  private schedule(id: string): void {
    if (this.closed) return;
    const watch = this.watches.get(id) ?? { last: 0 };
    this.watches.set(id, watch);
    if (watch.timer) return;
    const wait = Math.max(0, watch.last + GUARD_INTERVAL_MS - Date.now());
    watch.timer = setTimeout(() => {
      watch.timer = undefined;
      watch.last = Date.now();
      const run = this.evaluate(id).catch((err: unknown) => this.logger.warn(`rollout ${id}: ${err instanceof Error ? err.message : String(err)}`));
      this.running.add(run);
      void run.finally(() => this.running.delete(run));
    }, wait);
    watch.timer.unref();
  }

  private async evaluate(id: string): Promise<void> {
    const rollout = await this.store.getRollout(id);
    // Unknown ids (an agent may report anything), ended or unguarded rollouts: nothing to watch.
    if (!rollout || rollout.status !== 'active' || !rollout.guard) {
      this.forget(id);
      return;
    }
    const verdict = guardVerdict(rollout.guard, await this.figures.rolloutFigures(id, rollout.guard.metric));
    if (!verdict.abort) {
      this.metrics.guardEvaluations.inc({ outcome: verdict.ready ? 'keep' : 'wait' });
      return;
    }
    const actor = { author: GUARD_AUTHOR, address: null, scopes: ['write', 'publish'] as const };
    await this.rollouts.step(rollout.key, id, { action: 'abort', reason: `guard: ${verdict.reason}`, apply: 'live' }, actor);
    this.metrics.guardEvaluations.inc({ outcome: 'abort' });
    this.logger.warn(`aborted rollout ${id} of ${rollout.key} (${rollout.label}): ${verdict.reason}`);
    this.forget(id);
  }

  private forget(id: string): void {
    const watch = this.watches.get(id);
    if (watch && !watch.timer) this.watches.delete(id);
  }
}
