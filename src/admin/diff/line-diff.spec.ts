import { lineDiff, type DiffLine } from './line-diff.js';

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
    const d = lineDiff(before, after, { context: 2 });
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

  it('reports which lines it could not compare word by word when the word pass ran out of allowed edits', () => {
    const before = 'Be calm.\nalpha beta gamma delta epsilon\nend';
    const after = 'Be brief.\nzeta eta theta iota kappa\nend';
    const d = lineDiff(before, after, { limits: { maxWordEdits: 4 } });
    expect(d).toMatchObject({ tooDifferent: false, wordsSkipped: 1, added: 2, removed: 2 });
    const [calm, alpha, brief, zeta] = d.lines;
    // The one-word edit still gets its highlight; the rewritten line is shown whole, without highlights.
    expect(calm.segments).toContainEqual({ text: 'calm', changed: true });
    expect(brief.segments).toContainEqual({ text: 'brief', changed: true });
    expect(alpha.segments).toEqual([{ text: 'alpha beta gamma delta epsilon', changed: false }]);
    expect(zeta.segments).toEqual([{ text: 'zeta eta theta iota kappa', changed: false }]);
  });

  it('beyond maxLineEdits keeps the common lines at both ends and shows the middle as one removed and one added block', () => {
    const before = `keep\n${'a\n'.repeat(20)}end`;
    const after = `keep\n${'b\n'.repeat(20)}end`;
    const d = lineDiff(before, after, { limits: { maxLineEdits: 10 } });
    expect(d).toMatchObject({ tooDifferent: true, wordsSkipped: 0, added: 20, removed: 20, identical: false });
    expect(d.lines).toEqual<DiffLine[]>([
      { kind: 'same', oldNo: 1, newNo: 1, segments: [{ text: 'keep', changed: false }], skipped: 0 },
      { kind: 'del', oldNo: 2, newNo: null, segments: [{ text: 'a\n'.repeat(20).slice(0, -1), changed: false }], skipped: 0, block: 20 },
      { kind: 'add', oldNo: null, newNo: 2, segments: [{ text: 'b\n'.repeat(20).slice(0, -1), changed: false }], skipped: 0, block: 20 },
      { kind: 'same', oldNo: 22, newNo: 22, segments: [{ text: 'end', changed: false }], skipped: 0 },
    ]);
    // Within the allowance the same texts diff line by line.
    expect(lineDiff(before, after, { limits: { maxLineEdits: 40 } })).toMatchObject({ tooDifferent: false, added: 20, removed: 20 });
  });

  it('folds the common ends of a block diff like any unchanged run', () => {
    const common = Array.from({ length: 50 }, (_, i) => `same ${i}`).join('\n');
    const d = lineDiff(`${common}\nold one\nold two`, `${common}\nnew one\nnew two\nnew three`, { limits: { maxLineEdits: 2 } });
    expect(d.tooDifferent).toBe(true);
    expect(d.lines.map((l) => l.kind)).toEqual(['skip', 'same', 'same', 'same', 'del', 'add']);
    expect(d.lines[0].skipped).toBe(47);
    expect(d.lines.slice(4).map((l) => [l.oldNo, l.newNo, l.block, l.segments[0].text])).toEqual([
      [51, null, 2, 'old one\nold two'],
      [null, 51, 3, 'new one\nnew two\nnew three'],
    ]);
  });

  it('is bounded by maxLineEdits even when every line has a partner somewhere (lines reordered)', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i}`);
    const d = lineDiff(lines.join('\n'), [...lines].reverse().join('\n'), { limits: { maxLineEdits: 10 } });
    expect(d).toMatchObject({ tooDifferent: true, added: 100, removed: 100 });
  });

  it('answers with blocks when the changes would make more rows than maxRows', () => {
    const before = Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n');
    const after = before.replace(/line (\d*0)$/gm, 'changed $1');
    expect(lineDiff(before, after)).toMatchObject({ tooDifferent: false, added: 4, removed: 4 });
    expect(lineDiff(before, after, { limits: { maxRows: 10 } })).toMatchObject({ tooDifferent: true });
  });

  it('with no time budget at all still answers, with blocks', () => {
    const d = lineDiff('one\ntwo', 'one\nthree', { limits: { budgetMs: 0 } });
    expect(d).toMatchObject({ tooDifferent: true, added: 1, removed: 1 });
    expect(d.lines.map((l) => l.kind)).toEqual(['same', 'del', 'add']);
  });

  // The inputs that froze the server (each under the default 32 KB PROMPT_MAX_BYTES): now coarse, not slow.
  describe('on the inputs that used to take seconds', () => {
    const prose = (seed: number, bytes: number) => {
      const words = ['calm', 'brief', 'agent', 'voice', 'answer', 'the', 'caller', 'never', 'always', 'polite'];
      let text = '';
      for (let i = 0; text.length < bytes; i++) text += `${words[(i * seed + (i >> 3)) % words.length]} `;
      return text.slice(0, bytes);
    };

    it("'a\\n' × 16000 → 'b\\n' × 16000: two blocks", () => {
      const d = lineDiff('a\n'.repeat(16000), 'b\n'.repeat(16000));
      expect(d).toMatchObject({ tooDifferent: true, added: 16000, removed: 16000 });
      expect(d.lines.map((l) => [l.kind, l.block])).toEqual([
        ['del', 16000],
        ['add', 16000],
      ]);
    });

    it.each([
      ['an 8 KB paragraph', 8 * 1024],
      ['a 32 KB line', 32_000],
    ])('%s rewritten: the two lines whole, without word highlights', (_name, bytes) => {
      const before = prose(3, bytes);
      const after = prose(7, bytes);
      const d = lineDiff(before, after);
      expect(d).toMatchObject({ tooDifferent: false, wordsSkipped: 1, added: 1, removed: 1 });
      expect(d.lines.map((l) => l.segments)).toEqual([[{ text: before, changed: false }], [{ text: after, changed: false }]]);
    });
  });
});
