import type { ChangeRecord, Snapshot } from '../store/prompt-store.js';

/** One serialised SSE event, written as the same bytes to every subscriber that wants it. */
export interface Frame {
  revision: number;
  /** The prompt the event is about; filtered subscribers compare it with their keys. */
  key: string;
  event: ChangeEvent['event'];
  bytes: Buffer;
  /** `performance.now()` when the hub received the change, for the publish→flush histogram. */
  receivedAt?: number;
}

/** A change as the stream (and a webhook) names and carries it: DESIGN.md "Stream events". */
export type ChangeEvent =
  | { event: 'prompt.updated'; data: { revision: number; key: string; version: number; text: string | null; updatedAt: string; author: string } }
  | { event: 'prompt.deleted'; data: { revision: number; key: string } };

/** The wire shape of the `snapshot` event's prompts: DESIGN.md "Stream events". */
export interface SnapshotPrompt {
  text: string;
  version: number;
  updatedAt: string;
}

// JSON.stringify escapes every newline, so the payload is always one `data:` line.
function encode(id: number, event: string, data: unknown): Buffer {
  return Buffer.from(`id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`, 'utf8');
}

/** `prompt.updated` for a create, update or rollback; `prompt.deleted` for a delete. */
export function changeEvent(change: ChangeRecord): ChangeEvent {
  const { revision, key } = change;
  if (change.kind === 'delete') return { event: 'prompt.deleted', data: { revision, key } };
  return {
    event: 'prompt.updated',
    data: { revision, key, version: change.version, text: change.text, updatedAt: change.at, author: change.author },
  };
}

export function changeFrame(change: ChangeRecord): Frame {
  const { event, data } = changeEvent(change);
  return { revision: change.revision, key: change.key, event, bytes: encode(change.revision, event, data) };
}

/** The whole state at `snapshot.revision`, limited to `keys` when the subscriber filters. */
export function snapshotFrame(snapshot: Snapshot, keys: ReadonlySet<string> | undefined): Buffer {
  const prompts: Record<string, SnapshotPrompt> = {};
  for (const p of snapshot.prompts) {
    if (!keys || keys.has(p.key)) prompts[p.key] = { text: p.text, version: p.version, updatedAt: p.updatedAt };
  }
  return encode(snapshot.revision, 'snapshot', { revision: snapshot.revision, prompts });
}

/**
 * A heartbeat whose id is the revision this stream has delivered up to, so a
 * client that resumes from it can never skip a change it was not sent.
 */
export function heartbeatFrame(revision: number): Buffer {
  return encode(revision, 'heartbeat', { revision });
}

/** The reconnection delay hint, sent once before any event. */
export function retryFrame(ms: number): Buffer {
  return Buffer.from(`retry: ${ms}\n\n`, 'utf8');
}

/** A uniformly drawn delay in [min, max], so a fleet cut off together does not reconnect together. */
export function retryDelay(min: number, max: number, random: () => number = Math.random): number {
  return min + Math.floor(random() * (max - min + 1));
}
