import { EventEmitter } from 'node:events';
import type { PromptChange, PromptClient } from '../client/index.js';
import type { ApplyOutcome, ApplyReceipt } from '../protocol/sessions.js';
import type { AgentLogger } from './agent-logger.js';
import type { ApplyPolicy } from './agent-env.js';
import { AGENT_INSTRUCTION } from './friday-prompts.js';
import type { SessionRegistry } from './session-registry.js';

/** One session that now runs a change. */
export interface AppliedChange {
  sessionId: string;
  revision: number | null;
  policy: ApplyPolicy;
}

/** A change this process has finished handling, whatever its apply scope did with it. */
export interface SettledChange {
  key: string;
  revision: number | null;
  /** The scope the change was applied under: the server's, else the worker's default. */
  policy: ApplyPolicy;
  /** How many live sessions now run it (0 under `next-session`). */
  applied: number;
}

export interface PromptApplierEvents {
  applied: [AppliedChange];
  settled: [SettledChange];
}

/**
 * Friday's view of its calls taking a change. Each call's `livePrompts`
 * binding applies the change itself (src/livekit/); this waits until every
 * live call has handled it, logs what became of it and emits `settled` —
 * what the tests, the fleet report and bench/edit-to-apply wait on.
 */
export class PromptApplier extends EventEmitter<PromptApplierEvents> {
  private queue: Promise<void> = Promise.resolve();
  private readonly onChange = (change: PromptChange): void => {
    // ordering: the bindings hear the same emit after this listener; the next microtask sees their queues hold it.
    this.queue = this.queue.then(() => this.settle(change));
  };

  constructor(
    private readonly client: PromptClient,
    private readonly registry: SessionRegistry,
    readonly policy: ApplyPolicy,
    private readonly log: AgentLogger,
  ) {
    super();
    client.on('change', this.onChange);
  }

  /** Stops listening and waits for the change being settled, if any. */
  async stop(): Promise<void> {
    this.client.off('change', this.onChange);
    await this.queue;
  }

  private async settle(change: PromptChange): Promise<void> {
    const { key, revision } = change;
    const policy = change.apply ?? this.policy;
    const sessions = this.registry.list();
    const outcomes = await Promise.all(
      sessions.map(async (live) => {
        await live.prompts.idle();
        return live.prompts.receipts.findLast((r: ApplyReceipt) => r.revision === revision && r.key === key)?.outcome;
      }),
    );
    let applied = 0;
    outcomes.forEach((outcome: ApplyOutcome | undefined, i) => {
      if (outcome !== 'applied') return;
      applied += 1;
      this.log.info({ session: sessions[i].id, revision, policy }, 'applied prompt change');
      this.emit('applied', { sessionId: sessions[i].id, revision, policy });
    });
    if (key === AGENT_INSTRUCTION && policy === 'next-session') {
      this.log.info({ revision, policy, running: sessions.length }, 'prompt change held for new sessions');
    } else if (key === AGENT_INSTRUCTION && change.text === undefined) {
      this.log.warn({ revision, key }, 'prompt deleted and no default; live sessions keep their instructions');
    }
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome === 'failed' || outcome === 'unsupported') {
        const receipt = sessions[i].prompts.receipts.findLast((r) => r.revision === revision);
        this.log.warn({ session: sessions[i].id, revision, outcome, detail: receipt?.detail }, 'could not apply prompt change');
      }
    }
    this.emit('settled', { key, revision, policy, applied });
  }
}
