import type { SessionRecord, SessionReport } from '../../src/protocol/sessions.js';

/** A call as an agent reports it: defaults spread before overrides (metrics merged). */
export function aSession(overrides: Partial<SessionRecord> & { sessionId?: string } = {}): SessionRecord {
  const { metrics, ...rest } = overrides;
  return {
    sessionId: 'room-1',
    startedAt: new Date(Date.now() - 60_000).toISOString(),
    endedAt: null,
    label: 'production',
    prompts: { AGENT_INSTRUCTION: 1 },
    receipts: [],
    turns: [],
    ...rest,
    metrics: { turns: 0, userInterruptions: 0, agentErrors: 0, durationMs: 0, endReason: null, custom: {}, ...metrics },
  };
}

export const aSessionReport = (sessions: SessionRecord[], agentId = 'friday-1'): SessionReport => ({ agentId, sessions });

/** An ISO time `minutesAgo` minutes before now. */
export const minutesAgo = (minutes: number): string => new Date(Date.now() - minutes * 60_000).toISOString();
