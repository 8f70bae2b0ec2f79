import { voice } from '@livekit/agents';
import type { LivePrompts } from '../livekit/index.js';
import type { FridayAgent } from './friday-agent.js';

/** One running call in this worker process. */
export interface LiveSession {
  readonly id: string;
  readonly session: voice.AgentSession;
  readonly agent: FridayAgent;
  /** The call's binding to AGENT_INSTRUCTION: its version, variant, receipts, turns and metrics. */
  readonly prompts: LivePrompts;
}

/**
 * The sessions running in this process. A session leaves the registry when it
 * emits `close`, so a worker that serves thousands of calls holds only the live ones.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, LiveSession>();

  /** Registers a session (before `start()`, so no change can slip between start and registration). */
  register(entry: LiveSession): LiveSession {
    this.sessions.set(entry.id, entry);
    entry.session.once(voice.AgentSessionEventTypes.Close, () => this.unregister(entry.id));
    return entry;
  }

  /** For a session that never started: `close` is only emitted by a session that did. */
  unregister(id: string): void {
    this.sessions.delete(id);
  }

  list(): LiveSession[] {
    return [...this.sessions.values()];
  }

  get size(): number {
    return this.sessions.size;
  }

  /** The oldest revision any live session runs; `undefined` with no sessions, `null` if one runs on defaults. */
  oldestRevision(): number | null | undefined {
    let oldest: number | undefined;
    for (const { prompts } of this.sessions.values()) {
      if (prompts.revision === null) return null;
      if (oldest === undefined || prompts.revision < oldest) oldest = prompts.revision;
    }
    return oldest;
  }
}
