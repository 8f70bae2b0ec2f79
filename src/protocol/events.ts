/**
 * The stream's events: names and `data:` payloads. The server encodes them,
 * the clients parse them, the OpenAPI schemas implement them and webhooks
 * POST the change events' payloads as their bodies. docs/architecture.md
 * ("Stream events") describes them in words.
 */

/** The event names, as a client registers listeners for them. */
export const STREAM_EVENTS = ['snapshot', 'prompt.updated', 'prompt.deleted', 'heartbeat'] as const;
export type StreamEventName = (typeof STREAM_EVENTS)[number];

/** One prompt in a `snapshot`. */
export interface SnapshotPrompt {
  text: string;
  version: number;
  updatedAt: string;
}

/** The whole state at `revision`, limited to the subscriber's keys. */
export interface SnapshotData {
  revision: number;
  prompts: Record<string, SnapshotPrompt>;
}

/** A create, update or rollback: the version now served and its text. */
export interface PromptUpdatedData {
  revision: number;
  key: string;
  version: number;
  text: string;
  updatedAt: string;
  author: string;
}

export interface PromptDeletedData {
  revision: number;
  key: string;
}

export interface HeartbeatData {
  /** The revision this stream has delivered up to. */
  revision: number;
  /** The server's heartbeat interval, when it says; a client times stalls from it. */
  intervalMs?: number;
}

export interface StreamEventMap {
  snapshot: SnapshotData;
  'prompt.updated': PromptUpdatedData;
  'prompt.deleted': PromptDeletedData;
  heartbeat: HeartbeatData;
}

/** The events that announce one change (the stream's and the webhooks'). */
export type ChangeEventName = 'prompt.updated' | 'prompt.deleted';

/** One change as the wire names and carries it. */
export type ChangeEvent = { [E in ChangeEventName]: { event: E; data: StreamEventMap[E] } }[ChangeEventName];

/** An event with its name folded in as `type`: the shape clients hand to their code. */
export type StreamMessage = { [E in StreamEventName]: { type: E } & StreamEventMap[E] }[StreamEventName];
