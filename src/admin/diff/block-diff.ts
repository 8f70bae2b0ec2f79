import { fold, plain, row, type DiffLine, type LineDiff } from './diff-model.js';

/**
 * The coarse diff, linear in the texts' length: the lines both texts start
 * and end with (`head`, `tail`) are kept, and folded, and everything between
 * is one removed block followed by one added block. Shown when a line-by-line
 * diff would cost more than its limits allow.
 */
export function blockDiff(old: string[], cur: string[], ends: { head: number; tail: number }, context: number): LineDiff {
  const { head, tail } = ends;
  const removed = old.slice(head, old.length - tail);
  const added = cur.slice(head, cur.length - tail);
  const lines: DiffLine[] = old.slice(0, head).map((text, i) => row('same', i + 1, i + 1, plain(text)));
  if (removed.length) lines.push({ ...row('del', head + 1, null, plain(removed.join('\n'))), block: removed.length });
  if (added.length) lines.push({ ...row('add', null, head + 1, plain(added.join('\n'))), block: added.length });
  old.slice(old.length - tail).forEach((text, i) => {
    lines.push(row('same', old.length - tail + i + 1, cur.length - tail + i + 1, plain(text)));
  });
  return { lines: fold(lines, context), added: added.length, removed: removed.length, identical: false, tooDifferent: true, wordsSkipped: 0 };
}
