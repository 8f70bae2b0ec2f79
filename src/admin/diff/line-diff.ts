import type { ChangeObject } from 'diff';
import { blockDiff } from './block-diff.js';
import { Budget, boundedDiff, commonEnds } from './bounded-diff.js';
import { DIFF_LIMITS, type DiffLimits } from './diff-limits.js';
import { fold, plain, row, splitLines, type DiffLine, type LineDiff } from './diff-model.js';
import { wordSegments } from './word-segments.js';

export type { DiffLine, DiffSegment, LineDiff } from './diff-model.js';

export interface LineDiffOptions {
  /** Unchanged lines kept around each change; longer unchanged runs fold. */
  context?: number;
  limits?: Partial<DiffLimits>;
}

/** A removed line and the added line it is shown against, word by word. */
type Pair = [DiffLine, DiffLine];

/**
 * A readable line diff with word highlights, as plain data for the template
 * (which escapes every segment). Removed lines directly followed by added ones
 * are paired up, and their words diffed, so a one-word edit in a long
 * paragraph shows as that word. Unchanged runs beyond `context` lines fold.
 * Bounded (`DIFF_LIMITS`): the line pass and then the word passes share one
 * time budget, and past a limit the answer is coarser rather than late.
 */
export function lineDiff(before: string, after: string, options: LineDiffOptions = {}): LineDiff {
  const context = options.context ?? 3;
  const limits = { ...DIFF_LIMITS, ...options.limits };
  if (before === after) return { lines: [], added: 0, removed: 0, identical: true, tooDifferent: false, wordsSkipped: 0 };
  const budget = new Budget(limits.budgetMs);
  // Compared without their line breaks: prompts rarely end in one, and appending a line must not show the old last line replaced.
  const old = splitLines(before);
  const cur = splitLines(after);
  const ends = commonEnds(old, cur);
  const changes = boundedDiff(
    old.slice(ends.head, old.length - ends.tail),
    cur.slice(ends.head, cur.length - ends.tail),
    limits.maxLineEdits,
    budget,
  );
  if (!changes) return blockDiff(old, cur, ends, context);
  const { lines, pairs } = toRows(old, cur, ends, changes);
  const folded = fold(lines, context);
  // Checked before the word pass, so no budget goes to rows that will not be shown.
  if (folded.length > limits.maxRows) return blockDiff(old, cur, ends, context);
  const added = lines.filter((l) => l.kind === 'add').length;
  const removed = lines.filter((l) => l.kind === 'del').length;
  const wordsSkipped = highlightWords(pairs, limits.maxWordEdits, budget);
  return { lines: folded, added, removed, identical: false, tooDifferent: false, wordsSkipped };
}

/** One row per line, numbered on both sides; a removed run directly followed by an added one is paired line by line. */
function toRows(old: string[], cur: string[], ends: { head: number; tail: number }, changes: ChangeObject<string[]>[]) {
  const lines: DiffLine[] = old.slice(0, ends.head).map((text, i) => row('same', i + 1, i + 1, plain(text)));
  const pairs: Pair[] = [];
  let oldNo = ends.head + 1;
  let newNo = ends.head + 1;
  changes.forEach((change, i) => {
    const kind = change.added ? 'add' : change.removed ? 'del' : 'same';
    const rows = change.value.map((text) => row(kind, kind === 'add' ? null : oldNo++, kind === 'del' ? null : newNo++, plain(text)));
    const previous = changes[i - 1];
    if (kind === 'add' && previous?.removed) {
      const dels = lines.slice(lines.length - previous.value.length);
      rows.slice(0, dels.length).forEach((add, j) => pairs.push([dels[j], add]));
    }
    lines.push(...rows);
  });
  old.slice(old.length - ends.tail).forEach((text) => lines.push(row('same', oldNo++, newNo++, plain(text))));
  return { lines, pairs };
}

/** The word pass over every pair, in order, while the budget lasts; returns how many pairs went without. */
function highlightWords(pairs: Pair[], maxWordEdits: number, budget: Budget): number {
  let skipped = 0;
  for (const [del, add] of pairs) {
    const words = wordSegments(del.segments[0].text, add.segments[0].text, maxWordEdits, budget);
    if (!words) {
      skipped++;
      continue;
    }
    del.segments = words.del;
    add.segments = words.add;
  }
  return skipped;
}
