import type { LabelEntry, LabelSnapshot, Snapshot } from './prompt-store.js';
import { offerOf, type OfferColumns } from './rollout-rows.js';
import { decodeVariables } from './version-rows.js';

/**
 * A label's view of the keys in `keys` (every key when absent): the prompts
 * it points at, and the revision of the last change to that view. That
 * revision is the view's ETag and its snapshot's id: a draft, or a move of
 * another label, leaves it where it was; a step of a rollout of this label
 * moves it (the step touches the label's row, and the offer changes).
 */
export function labelView(snapshot: LabelSnapshot, keys?: ReadonlySet<string>): Snapshot {
  let revision = 0;
  const prompts = [];
  for (const entry of snapshot.entries) {
    if (keys && !keys.has(entry.key)) continue;
    revision = Math.max(revision, entry.revision);
    if (entry.prompt) prompts.push(entry.prompt);
  }
  return { revision, prompts };
}

/** A label row joined with the version it points at (and the candidate of its active rollout), as both stores read it. */
export interface LabelEntryRow extends OfferColumns {
  key: string;
  version: number | null;
  revision: number;
  text: string | null;
  author: string;
  message: string | null;
  createdAt: string;
  /** The revision that saved the version. */
  vrev: number;
  /** The version's variables, as JSON. */
  variables: string | null;
}

export function toLabelEntry(r: LabelEntryRow): LabelEntry {
  if (r.version === null || r.text === null) return { key: r.key, version: null, revision: r.revision };
  const variables = decodeVariables(r.variables);
  const prompt = {
    key: r.key,
    text: r.text,
    version: r.version,
    author: r.author,
    message: r.message,
    updatedAt: r.createdAt,
    revision: r.vrev,
    variables,
    rollout: offerOf(r),
  };
  return { key: r.key, version: r.version, revision: r.revision, prompt };
}
