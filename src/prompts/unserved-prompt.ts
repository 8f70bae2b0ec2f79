import { NotFoundException } from '@nestjs/common';
import type { KeyLabels } from '../store/prompt-store.js';

/** Labels a 404 names before it only counts the rest: a key may carry many, the message stays one line. */
const LABELS_NAMED = 5;

/**
 * The 404 for a read of `label` that points at no version of `key`, saying
 * what the key has instead: its versions and where its labels point (or that
 * it is deleted), so "not found" is never said of a key that holds drafts or
 * a staging version. `state` is the key's row of the label index (undefined:
 * the key never existed).
 */
export function unservedPrompt(key: string, label: string, state: KeyLabels | undefined): NotFoundException {
  if (!state) return new NotFoundException(`prompt "${key}" not found`);
  const versions = state.head === 1 ? 'version 1' : `versions 1–${state.head}`;
  if (state.deleted) return new NotFoundException(`prompt "${key}" was deleted (it has ${versions}; a rollback restores it)`);
  return new NotFoundException(`prompt "${key}" has no version labelled ${label} (it has ${versions}; ${labelsOf(state)})`);
}

function labelsOf(state: KeyLabels): string {
  const pointers = Object.entries(state.labels).sort(([a], [b]) => (a < b ? -1 : 1));
  if (pointers.length === 0) return state.head === 1 ? 'no label points at it: a draft' : 'no label points at any: all drafts';
  const named = pointers.slice(0, LABELS_NAMED).map(([label, version]) => `${label} → ${version}`);
  const more = pointers.length > LABELS_NAMED ? ` and ${pointers.length - LABELS_NAMED} more` : '';
  return `labels: ${named.join(', ')}${more}`;
}
