import { diffLines, diffWordsWithSpace } from 'diff';

export type DiffLineKind = 'same' | 'add' | 'del' | 'skip';

/** A piece of one line; `changed` marks the words that differ from the paired line. */
export interface DiffSegment {
  text: string;
  changed: boolean;
}

export interface DiffLine {
  kind: DiffLineKind;
  oldNo: number | null;
  newNo: number | null;
  segments: DiffSegment[];
  /** For `skip` rows: how many unchanged lines were folded away. */
  skipped: number;
}

export interface LineDiff {
  lines: DiffLine[];
  added: number;
  removed: number;
  identical: boolean;
}

/**
 * A readable line diff with word highlights, as plain data for the template
 * (which escapes every segment). Removed lines directly followed by added ones
 * are paired up, and their words diffed, so a one-word edit in a long
 * paragraph shows as that word. Unchanged runs beyond `context` lines fold.
 */
export function lineDiff(before: string, after: string, context = 3): LineDiff {
  const lines: DiffLine[] = [];
  // Prompts rarely end in a newline, so without this, appending a line would show the old last line removed and re-added.
  const changes = diffLines(before, after, { ignoreNewlineAtEof: true });
  let oldNo = 1;
  let newNo = 1;
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i];
    const next = changes[i + 1];
    if (change.removed && next?.added) {
      const paired = pairLines(splitLines(change.value), splitLines(next.value), oldNo, newNo);
      lines.push(...paired);
      oldNo += splitLines(change.value).length;
      newNo += splitLines(next.value).length;
      i++;
      continue;
    }
    for (const text of splitLines(change.value)) {
      const kind: DiffLineKind = change.added ? 'add' : change.removed ? 'del' : 'same';
      lines.push(row(kind, kind === 'add' ? null : oldNo, kind === 'del' ? null : newNo, [{ text, changed: false }]));
      if (kind !== 'add') oldNo++;
      if (kind !== 'del') newNo++;
    }
  }
  const added = lines.filter((l) => l.kind === 'add').length;
  const removed = lines.filter((l) => l.kind === 'del').length;
  return { lines: fold(lines, context), added, removed, identical: before === after };
}

function pairLines(dels: string[], adds: string[], oldStart: number, newStart: number): DiffLine[] {
  const delRows: DiffLine[] = [];
  const addRows: DiffLine[] = [];
  dels.forEach((text, i) => {
    const partner = adds[i];
    const segments = partner === undefined ? [{ text, changed: false }] : wordSegments(text, partner, 'del');
    delRows.push(row('del', oldStart + i, null, segments));
  });
  adds.forEach((text, i) => {
    const partner = dels[i];
    const segments = partner === undefined ? [{ text, changed: false }] : wordSegments(partner, text, 'add');
    addRows.push(row('add', null, newStart + i, segments));
  });
  return [...delRows, ...addRows];
}

function wordSegments(before: string, after: string, side: 'add' | 'del'): DiffSegment[] {
  const parts = diffWordsWithSpace(before, after)
    .filter((part) => (side === 'del' ? !part.added : !part.removed))
    .map((part) => ({ text: part.value, changed: side === 'del' ? part.removed : part.added }));
  return mergeAcrossSpaces(parts);
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

/** Replaces unchanged lines further than `context` from any change with one `skip` row per run. */
function fold(lines: DiffLine[], context: number): DiffLine[] {
  const near = lines.map(() => false);
  lines.forEach((line, i) => {
    if (line.kind === 'same') return;
    for (let j = Math.max(0, i - context); j <= Math.min(lines.length - 1, i + context); j++) near[j] = true;
  });
  const out: DiffLine[] = [];
  lines.forEach((line, i) => {
    if (line.kind !== 'same' || near[i]) {
      out.push(line);
      return;
    }
    const last = out[out.length - 1];
    if (last?.kind === 'skip') last.skipped++;
    else out.push({ ...row('skip', null, null, []), skipped: 1 });
  });
  return out;
}

function splitLines(value: string): string[] {
  if (value === '') return [];
  return (value.endsWith('\n') ? value.slice(0, -1) : value).split('\n');
}

function row(kind: DiffLineKind, oldNo: number | null, newNo: number | null, segments: DiffSegment[]): DiffLine {
  return { kind, oldNo, newNo, segments, skipped: 0 };
}
