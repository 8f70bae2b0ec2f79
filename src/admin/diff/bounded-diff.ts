import { diffArrays, type ChangeObject } from 'diff';

/** Time left of one diff's budget, in whole ms as jsdiff's `timeout` takes them (jsdiff reads `Date.now()` too). */
export class Budget {
  private readonly deadline: number;

  constructor(ms: number) {
    this.deadline = Date.now() + ms;
  }

  remainingMs(): number {
    return Math.max(0, this.deadline - Date.now());
  }
}

/**
 * jsdiff's Myers diff of two token lists (lines, or words), or undefined when
 * it would need more than `maxEdits` edits or more time than the budget has
 * left. Myers' cost grows with the square of the edits, so a hopeless case is
 * refused before it starts when it can be seen cheaply.
 */
export function boundedDiff(before: string[], after: string[], maxEdits: number, budget: Budget): ChangeObject<string[]>[] | undefined {
  if (unmatched(before, after) > maxEdits) return undefined;
  const timeout = budget.remainingMs();
  if (timeout <= 0) return undefined;
  return diffArrays(before, after, { maxEditLength: maxEdits, timeout });
}

/**
 * A lower bound on the edits between two token lists, in linear time: every
 * token with no equal partner left on the other side is removed or added.
 */
export function unmatched(before: string[], after: string[]): number {
  const counts = new Map<string, number>();
  for (const token of before) counts.set(token, (counts.get(token) ?? 0) + 1);
  let added = 0;
  for (const token of after) {
    const left = counts.get(token) ?? 0;
    if (left > 0) counts.set(token, left - 1);
    else added++;
  }
  let removed = 0;
  for (const left of counts.values()) removed += left;
  return added + removed;
}

/** How many lines (or tokens) two lists share at their start and, after that, at their end. */
export function commonEnds(before: string[], after: string[]): { head: number; tail: number } {
  let head = 0;
  while (head < before.length && head < after.length && before[head] === after[head]) head++;
  let tail = 0;
  while (tail < before.length - head && tail < after.length - head && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  return { head, tail };
}
