import type { EncodedChange } from '../changes/change-encoding.js';
import type { SnapshotData } from '../protocol/events.js';
import { sseFrame, sseRetryFrame } from '../protocol/sse.js';
import type { Snapshot } from '../store/prompt-store.js';

/** One serialised SSE event, written as the same bytes to every subscriber that wants it. */
export interface Frame {
  revision: number;
  /** The prompt the event is about; filtered subscribers compare it with their keys. */
  key: string;
  event: 'prompt.updated' | 'prompt.deleted';
  /** The labels whose subscribers take it. */
  labels: ReadonlySet<string>;
  bytes: Buffer;
  /** `performance.now()` when the feed heard of the change, for the publish→flush histogram. */
  receivedAt?: number;
}

/** A change's frame, around the JSON the change feed encoded once; none for a draft, which no label's view shows. */
export function changeFrame({ change, event, json, labels }: EncodedChange, receivedAt?: number): Frame | undefined {
  if (event.event === 'prompt.saved') return undefined;
  const bytes = Buffer.from(sseFrame(change.revision, event.event, json), 'utf8');
  return { revision: change.revision, key: change.key, event: event.event, labels, bytes, receivedAt };
}

/** A label's view (already limited to the subscriber's keys) as one event; its id is the view's revision. */
export function snapshotFrame(view: Snapshot): Buffer {
  const data: SnapshotData = { revision: view.revision, prompts: {} };
  for (const p of view.prompts) {
    data.prompts[p.key] = { text: p.text, version: p.version, updatedAt: p.updatedAt, variables: p.variables };
    // Only keys in a rollout carry an offer: a snapshot of a label without one stays as small as before.
    if (p.rollout) data.prompts[p.key].rollout = p.rollout;
  }
  return Buffer.from(sseFrame(view.revision, 'snapshot', JSON.stringify(data)), 'utf8');
}

/**
 * A heartbeat whose id is the revision this stream has delivered up to, so a
 * client that resumes from it can never skip a change it was not sent.
 */
export function heartbeatFrame(revision: number): Buffer {
  return Buffer.from(sseFrame(revision, 'heartbeat', JSON.stringify({ revision })), 'utf8');
}

/** The reconnection delay hint, sent once before any event. */
export function retryFrame(ms: number): Buffer {
  return Buffer.from(sseRetryFrame(ms), 'utf8');
}

/** A uniformly drawn delay in [min, max], so a fleet cut off together does not reconnect together. */
export function retryDelay(min: number, max: number, random: () => number = Math.random): number {
  return min + Math.floor(random() * (max - min + 1));
}
