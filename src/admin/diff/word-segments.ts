import { wordsWithSpaceDiff } from 'diff';
import { boundedDiff, type Budget } from './bounded-diff.js';
import type { DiffSegment } from './diff-model.js';

export interface WordSegments {
  del: DiffSegment[];
  add: DiffSegment[];
}

/**
 * The words that differ between a removed line and the added line paired with
 * it, for both sides; undefined when finding them would take more than
 * `maxEdits` edits or the budget's time (the caller then shows both lines whole).
 */
export function wordSegments(before: string, after: string, maxEdits: number, budget: Budget): WordSegments | undefined {
  const parts = boundedDiff(words(before), words(after), maxEdits, budget);
  if (!parts) return undefined;
  const del = parts.filter((p) => !p.added).map((p) => ({ text: p.value.join(''), changed: p.removed }));
  const add = parts.filter((p) => !p.removed).map((p) => ({ text: p.value.join(''), changed: p.added }));
  return { del: mergeAcrossSpaces(del), add: mergeAcrossSpaces(add) };
}

/** Words, punctuation marks and runs of spaces, as jsdiff's diffWordsWithSpace splits them. */
function words(text: string): string[] {
  return [...wordsWithSpaceDiff.tokenize(text)];
}

/** "calm· ·and" reads better as one highlight "calm and": absorb the spaces between changed words. */
function mergeAcrossSpaces(parts: DiffSegment[]): DiffSegment[] {
  const out: DiffSegment[] = [];
  parts.forEach((part, i) => {
    const bridges = !part.changed && /^\s+$/.test(part.text) && out.at(-1)?.changed && parts[i + 1]?.changed;
    const segment = bridges ? { text: part.text, changed: true } : part;
    const last = out.at(-1);
    if (last && last.changed === segment.changed) last.text += segment.text;
    else out.push({ ...segment });
  });
  return out;
}
