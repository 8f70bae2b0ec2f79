import type { ChangeEvent, PromptUpdatedData } from '../protocol/events.js';
import type { ChangeRecord } from '../store/prompt-store.js';

/** A change with its wire event, serialised once for every stream and webhook that carries it. */
export interface EncodedChange {
  change: ChangeRecord;
  event: ChangeEvent;
  /** `JSON.stringify(event.data)`: a stream frame's `data:` line and a webhook's body. */
  json: string;
  /** The labels whose view the change moved: only their subscribers get it on the stream. */
  labels: ReadonlySet<string>;
}

/**
 * The one encoder of a change. One event per change, since every label a
 * change moves goes the same way: to the version it saved or pointed at
 * (`prompt.updated`), or nowhere (`prompt.deleted`: a delete, a label
 * removed). A draft moves no label: `prompt.saved`, which only webhooks hear.
 */
export function encodeChange(change: ChangeRecord): EncodedChange {
  const event = changeEvent(change);
  return { change, event, json: JSON.stringify(event.data), labels: new Set(change.moves.map((m) => m.label)) };
}

function changeEvent(change: ChangeRecord): ChangeEvent {
  const { revision, key, kind } = change;
  const labels = change.moves.map((m) => m.label);
  if (change.text === null) return { event: 'prompt.deleted', data: { revision, key, labels, kind } };
  const { version, text, author } = change;
  const data: PromptUpdatedData = { revision, key, version, text, updatedAt: change.at, author, variables: change.variables ?? {}, labels, kind };
  // A rollout step carries the label's offer after it (null once it ended) and which step it was; any change may carry its apply scope.
  if (change.rollout) Object.assign(data, { rollout: change.rollout.offer, step: change.rollout.step });
  if (change.apply) data.apply = change.apply;
  return { event: labels.length > 0 ? 'prompt.updated' : 'prompt.saved', data };
}
