import type { ChangeKind } from './prompts.js';
import type { ApplyScope, RolloutOffer, RolloutStepName } from './rollouts.js';
import type { Variables } from './template.js';

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
  /** The version's declared variables (docs/variables.md); servers before variables send none, read as `{}`. */
  variables?: Variables;
  /** The candidate of an active rollout of this key on the view's label (docs/rollouts.md); absent or null when none. */
  rollout?: RolloutOffer | null;
}

/** The whole state at `revision`, limited to the subscriber's keys. */
export interface SnapshotData {
  revision: number;
  prompts: Record<string, SnapshotPrompt>;
}

/**
 * A change that points labels at a version: the version now served and its
 * text. A subscriber gets it when its label is in `labels`.
 */
export interface PromptUpdatedData {
  revision: number;
  key: string;
  version: number;
  text: string;
  updatedAt: string;
  author: string;
  /** The version's declared variables: what a client needs to render it. */
  variables?: Variables;
  /** The active rollout of this key on the label, after this change (null: none, or it just ended). */
  rollout?: RolloutOffer | null;
  /** How running calls take this change: at their next turn (`live`) or not at all (`next-session`); absent: the client's own default. */
  apply?: ApplyScope;
  /** For a change of kind `rollout`: which step of the rollout it was. */
  step?: RolloutStepName;
  /** The labels this change moved to `version` (empty for a draft, which only webhooks hear of). */
  labels?: string[];
  /** What the change was (see ChangeKind); webhook receivers tell a save from a label move by it. */
  kind?: ChangeKind;
}

/** A change that leaves labels pointing nowhere (a delete, or a label removed). */
export interface PromptDeletedData {
  revision: number;
  key: string;
  /** The labels that no longer point anywhere. */
  labels?: string[];
  kind?: ChangeKind;
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

/**
 * The events that announce one change: the stream sends `prompt.updated` and
 * `prompt.deleted` to the subscribers of the labels they name; webhooks get
 * every change, a draft included (`prompt.saved`, same payload as updated).
 */
export type ChangeEventName = 'prompt.updated' | 'prompt.deleted' | 'prompt.saved';

interface ChangeEventMap {
  'prompt.updated': PromptUpdatedData;
  'prompt.deleted': PromptDeletedData;
  'prompt.saved': PromptUpdatedData;
}

/** One change as the wire names and carries it. */
export type ChangeEvent = { [E in ChangeEventName]: { event: E; data: ChangeEventMap[E] } }[ChangeEventName];

/** An event with its name folded in as `type`: the shape clients hand to their code. */
export type StreamMessage = { [E in StreamEventName]: { type: E } & StreamEventMap[E] }[StreamEventName];
