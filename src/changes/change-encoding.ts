import type { ChangeEvent } from '../protocol/events.js';
import type { ChangeRecord } from '../store/prompt-store.js';

/** A change with its wire event, serialised once for every stream and webhook that carries it. */
export interface EncodedChange {
  change: ChangeRecord;
  event: ChangeEvent;
  /** `JSON.stringify(event.data)`: a stream frame's `data:` line and a webhook's body. */
  json: string;
}

/** The one encoder of a change: `prompt.updated` for a create, update or rollback; `prompt.deleted` for a delete. */
export function encodeChange(change: ChangeRecord): EncodedChange {
  const event = changeEvent(change);
  return { change, event, json: JSON.stringify(event.data) };
}

function changeEvent(change: ChangeRecord): ChangeEvent {
  const { revision, key } = change;
  if (change.kind === 'delete') return { event: 'prompt.deleted', data: { revision, key } };
  return {
    event: 'prompt.updated',
    data: { revision, key, version: change.version, text: change.text ?? '', updatedAt: change.at, author: change.author },
  };
}
