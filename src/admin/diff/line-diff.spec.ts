import { lineDiff } from './line-diff.js';

describe('lineDiff', () => {
  it('pairs a changed line and highlights only the changed word', () => {
    const d = lineDiff('You are Friday.\nBe brief.\n', 'You are Saturday.\nBe brief.\n');
    expect(d).toMatchObject({ added: 1, removed: 1, identical: false });
    expect(d.lines).toHaveLength(3);
    const [del, add, same] = d.lines;
    expect(del).toMatchObject({ kind: 'del', oldNo: 1, newNo: null });
    expect(del.segments).toEqual([
      { text: 'You are ', changed: false },
      { text: 'Friday', changed: true },
      { text: '.', changed: false },
    ]);
    expect(add).toMatchObject({ kind: 'add', oldNo: null, newNo: 1 });
    expect(add.segments).toEqual([
      { text: 'You are ', changed: false },
      { text: 'Saturday', changed: true },
      { text: '.', changed: false },
    ]);
    expect(same).toMatchObject({ kind: 'same', oldNo: 2, newNo: 2, segments: [{ text: 'Be brief.', changed: false }] });
  });

  it('joins changed words separated only by spaces into one highlight', () => {
    const { lines } = lineDiff('You are kind.', 'You are calm and brief.');
    expect(lines.map((l) => l.kind)).toEqual(['del', 'add']);
    const [del, add] = lines;
    expect(add.segments).toEqual([
      { text: 'You are ', changed: false },
      { text: 'calm and brief', changed: true },
      { text: '.', changed: false },
    ]);
    expect(del.segments).toEqual([
      { text: 'You are ', changed: false },
      { text: 'kind', changed: true },
      { text: '.', changed: false },
    ]);
  });

  it('folds unchanged runs far from any change into one skip row', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n');
    const after = before.replace('line 20', 'line twenty');
    const d = lineDiff(before, after, 2);
    expect(d.lines.map((l) => l.kind)).toEqual(['skip', 'same', 'same', 'del', 'add']);
    // 17 folded + the 2 context lines kept + the changed line = all 20 old lines.
    expect(d.lines[0]).toMatchObject({ kind: 'skip', skipped: 17 });
    expect(d.lines.slice(1, 3).map((l) => l.oldNo)).toEqual([18, 19]);
  });

  it('reports identical texts and numbers pure additions', () => {
    expect(lineDiff('a\n', 'a\n')).toMatchObject({ identical: true, added: 0, removed: 0 });
    expect(lineDiff('a\n', 'b\n')).toMatchObject({ identical: false });
    // With and without a final newline: appending a line removes nothing.
    for (const [before, after] of [
      ['a\n', 'a\nb\n'],
      ['a', 'a\nb'],
    ]) {
      const d = lineDiff(before, after);
      expect(d).toMatchObject({ identical: false, added: 1, removed: 0 });
      expect(d.lines).toEqual([
        { kind: 'same', oldNo: 1, newNo: 1, segments: [{ text: 'a', changed: false }], skipped: 0 },
        { kind: 'add', oldNo: null, newNo: 2, segments: [{ text: 'b', changed: false }], skipped: 0 },
      ]);
    }
  });
});
