import { voice } from '@livekit/agents';
import type { TemplateValues } from '../client/index.js';
import type { FridayAgent } from './friday-agent.js';

/** One running call in this worker process. */
export interface LiveSession {
  readonly id: string;
  readonly session: voice.AgentSession;
  readonly agent: FridayAgent;
  /** The revision of the prompts this session's instructions come from; `null` on built-in defaults. */
  revision: number | null;
  /** What its prompts are rendered with (session-variables.ts), for this call's whole life. */
  readonly variables: TemplateValues;
}

/**
 * The sessions running in this process. A session leaves the registry when it
 * emits `close`, so a worker that serves thousands of calls holds only the live ones.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, LiveSession>();
  private seq = 0;

  /** Registers a session (before `start()`, so no change can slip between start and registration). */
  register(
    session: voice.AgentSession,
    agent: FridayAgent,
    revision: number | null,
    options: { id?: string; variables?: TemplateValues } = {},
  ): LiveSession {
    const entry: LiveSession = { id: options.id ?? `session-${++this.seq}`, session, agent, revision, variables: options.variables ?? {} };
    this.sessions.set(entry.id, entry);
    session.once(voice.AgentSessionEventTypes.Close, () => this.unregister(entry.id));
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
    for (const { revision } of this.sessions.values()) {
      if (revision === null) return null;
      if (oldest === undefined || revision < oldest) oldest = revision;
    }
    return oldest;
  }
}
