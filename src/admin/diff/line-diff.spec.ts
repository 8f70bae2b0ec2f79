import { lineDiff } from './line-diff.js';

describe('lineDiff', () => {
  it('pairs a changed line and highlights only the changed word', () => {
    const d = lineDiff('You are Friday.\nBe brief.\n', 'You are Saturday.\nBe brief.\n');
    expect(d).toMatchObject({ added: 1, removed: 1, identical: false });
    const [del, add, same] = d.lines;
    expect(del).toMatchObject({ kind: 'del', oldNo: 1, newNo: null });
    expect(del.segments.filter((s) => s.changed).map((s) => s.text)).toEqual(['Friday']);
    expect(add).toMatchObject({ kind: 'add', oldNo: null, newNo: 1 });
    expect(add.segments.filter((s) => s.changed).map((s) => s.text)).toEqual(['Saturday']);
    expect(same).toMatchObject({ kind: 'same', oldNo: 2, newNo: 2 });
  });

  it('joins changed words separated only by spaces into one highlight', () => {
    const [del, add] = lineDiff('You are kind.', 'You are calm and brief.').lines;
    expect(add.segments).toEqual([{ text: 'You are ', changed: false }, { text: 'calm and brief', changed: true }, { text: '.', changed: false }]);
    expect(del.segments).toEqual([{ text: 'You are ', changed: false }, { text: 'kind', changed: true }, { text: '.', changed: false }]);
  });

  it('folds unchanged runs far from any change into one skip row', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n');
    const after = before.replace('line 20', 'line twenty');
    const d = lineDiff(before, after, 2);
    expect(d.lines[0]).toMatchObject({ kind: 'skip', skipped: 17 });
    expect(d.lines.map((l) => l.kind)).toEqual(['skip', 'same', 'same', 'del', 'add']);
  });

  it('reports identical texts and numbers pure additions', () => {
    expect(lineDiff('a\n', 'a\n')).toMatchObject({ identical: true, added: 0, removed: 0 });
    const d = lineDiff('a', 'a\nb');
    expect(d.added + d.removed).toBeGreaterThan(0);
    expect(d.lines.at(-1)).toMatchObject({ kind: 'add', newNo: 2, segments: [{ text: 'b', changed: false }] });
  });
});
