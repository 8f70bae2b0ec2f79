import type { FleetReport } from '../protocol/fleet.js';

/** The latest report of one agent, as the server keeps it. */
export interface AgentEntry extends FleetReport {
  /** Epoch ms the report arrived. */
  reportedAt: number;
  /** The address the report came from. */
  address: string;
}

/**
 * The latest report per agent, forgetting agents silent for longer than the
 * TTL. Pure (time is passed in) so expiry is tested without waiting. Entries
 * stay in arrival order — a report moves its agent to the end — so expiry and
 * the size cap only ever look at the front.
 */
export class AgentRoster {
  private readonly entries = new Map<string, AgentEntry>();

  constructor(
    private readonly ttlMs: number,
    /** Bounds memory against a flood of made-up agent ids; the least recently heard is dropped. */
    private readonly maxAgents = 10_000,
  ) {}

  upsert(entry: AgentEntry): void {
    this.entries.delete(entry.agentId);
    this.entries.set(entry.agentId, entry);
    this.expire(entry.reportedAt);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxAgents) break;
      this.entries.delete(oldest);
    }
  }

  /** Agents heard within the TTL, most recently heard last. */
  list(now: number): AgentEntry[] {
    this.expire(now);
    return [...this.entries.values()];
  }

  private expire(now: number): void {
    for (const [id, entry] of this.entries) {
      if (now - entry.reportedAt <= this.ttlMs) break;
      this.entries.delete(id);
    }
  }
}
