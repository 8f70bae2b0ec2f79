/** One live stream subscriber, as the admin UI shows it. */
export interface ConnectedAgent {
  id: string;
  /** The name the agent gave (`?agent=` or `X-Agent-Id`); null when it gave none. */
  agent: string | null;
  address: string;
  connectedAt: string;
  /** The revision of the last event written to it. */
  lastRevision: number;
}

/**
 * What the admin UI needs from the stream's connection registry (it is the
 * DI token too), so the pages do not depend on how the stream keeps sessions.
 */
export abstract class SubscriberDirectory {
  abstract list(): ConnectedAgent[];
}
