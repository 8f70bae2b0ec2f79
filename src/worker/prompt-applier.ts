import { EventEmitter } from 'node:events';
import type { PromptChange, PromptClient } from '../client/index.js';
import type { AgentLogger } from './agent-logger.js';
import type { ApplyPolicy } from './agent-env.js';
import { AGENT_INSTRUCTION } from './friday-prompts.js';
import type { LiveSession, SessionRegistry } from './session-registry.js';

/** One session that now runs a change. */
export interface AppliedChange {
  sessionId: string;
  revision: number | null;
  policy: ApplyPolicy;
}

/** A change this process has finished handling, whatever the policy did with it. */
export interface SettledChange {
  key: string;
  revision: number | null;
  policy: ApplyPolicy;
  /** How many live sessions now run it (0 under `next-session`). */
  applied: number;
}

export interface PromptApplierEvents {
  applied: [AppliedChange];
  settled: [SettledChange];
}

/**
 * Turns PromptClient `change` events into `updateInstructions` calls on the
 * live sessions, according to the apply policy. Changes are handled one at a
 * time in arrival order, so a burst of saves can never land out of order.
 */
export class PromptApplier extends EventEmitter<PromptApplierEvents> {
  private queue: Promise<void> = Promise.resolve();
  private readonly onChange = (change: PromptChange): void => {
    this.queue = this.queue.then(() => this.handle(change));
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

  /** Stops listening and waits for the change being applied, if any. */
  async stop(): Promise<void> {
    this.client.off('change', this.onChange);
    await this.queue;
  }

  private async handle(change: PromptChange): Promise<void> {
    const { key, revision } = change;
    const sessions = this.registry.list();
    let applied = 0;
    if (this.policy === 'next-session') {
      if (key === AGENT_INSTRUCTION) {
        this.log.info({ revision, policy: this.policy, running: sessions.length }, 'prompt change held for new sessions');
      }
    } else if (key === AGENT_INSTRUCTION && change.text === undefined) {
      this.log.warn({ revision, key }, 'prompt deleted and no default; live sessions keep their instructions');
    } else if (key === AGENT_INSTRUCTION) {
      const results = await Promise.all(sessions.map((s) => this.applyTo(s, revision)));
      applied = results.filter(Boolean).length;
    } else {
      // Other keys (the greeting) are read when a session starts; running sessions are already current.
      for (const s of sessions) s.revision = revision;
    }
    this.emit('settled', { key, revision, policy: this.policy, applied });
  }

  /** Renders the new text with this call's own variables; a version that needs one the call lacks is not applied. */
  private async applyTo(live: LiveSession, revision: number | null): Promise<boolean> {
    try {
      const text = this.client.render(AGENT_INSTRUCTION, live.variables);
      if (text === undefined) return false;
      await live.agent.updateInstructions(text);
    } catch (error) {
      this.log.warn({ session: live.id, revision, error: (error as Error).message }, 'could not apply prompt change');
      return false;
    }
    live.revision = revision;
    this.log.info({ session: live.id, revision, policy: this.policy }, 'applied prompt change');
    this.emit('applied', { sessionId: live.id, revision, policy: this.policy });
    return true;
  }
}
