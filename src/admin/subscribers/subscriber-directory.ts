/** One live stream subscriber, as the admin UI shows it. */
export interface ConnectedAgent {
  id: string;
  /** The name the agent gave (`?agent=` or `X-Agent-Id`); null when it gave none. */
  agent: string | null;
  address: string;
  connectedAt: string;
  /** The revision of the last event written to it. */
  lastRevision: number;
  /** The label whose view it follows. */
  label: string;
  /** The global revision its stream has been brought up to (changes outside its view count as covered). */
  coveredRevision: number;
  /** Bytes written for it that it has not read yet. */
  pendingBytes: number;
}

/**
 * What the admin UI needs from the stream's connection registry (it is the
 * DI token too), so the pages do not depend on how the stream keeps sessions.
 */
export abstract class SubscriberDirectory {
  abstract list(): ConnectedAgent[];
}

/**
 * A stream is behind while a change is not yet through it: not yet handed to
 * it (it follows its own label and keys, so a change outside its view counts
 * as handed over at once), or written but not yet read by the agent.
 */
export function isBehind(agent: Pick<ConnectedAgent, 'coveredRevision' | 'pendingBytes'>, revision: number): boolean {
  return agent.coveredRevision < revision || agent.pendingBytes > 0;
}
