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
  /** On a block row (see `LineDiff.tooDifferent`): how many lines its one segment holds. */
  block?: number;
}

export interface LineDiff {
  lines: DiffLine[];
  added: number;
  removed: number;
  identical: boolean;
  /**
   * The texts differ too much to list line by line within the limits: the
   * common lines at both ends are kept, and the rest is one removed block
   * followed by one added block.
   */
  tooDifferent: boolean;
  /** Rewritten lines (a removed line and the added line it pairs with) shown whole, without word highlights. */
  wordsSkipped: number;
}

/** Replaces unchanged lines further than `context` from any change with one `skip` row per run. */
export function fold(lines: DiffLine[], context: number): DiffLine[] {
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

/** The lines of a text; a final newline ends the last line rather than starting an empty one. */
export function splitLines(value: string): string[] {
  if (value === '') return [];
  return (value.endsWith('\n') ? value.slice(0, -1) : value).split('\n');
}

export function row(kind: DiffLineKind, oldNo: number | null, newNo: number | null, segments: DiffSegment[]): DiffLine {
  return { kind, oldNo, newNo, segments, skipped: 0 };
}

export function plain(text: string): DiffSegment[] {
  return [{ text, changed: false }];
}
