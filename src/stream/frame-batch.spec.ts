import { FrameBatch } from './frame-batch.js';
import type { Frame } from './sse-frames.js';

const frame = (revision: number, key: string): Frame => ({ revision, key, event: 'prompt.updated', bytes: Buffer.from(`<${revision}${key}>`) });
const reader = (lastRevision: number, keys?: string[]) => ({
  lastRevision,
  keys: keys ? new Set(keys) : undefined,
  keysSignature: keys ? keys.join(',') : '*',
});

describe('FrameBatch', () => {
  const batch = new FrameBatch([frame(5, 'A'), frame(6, 'B'), frame(7, 'A')]);

  it('gives subscribers with the same keys the very same buffer', () => {
    const all = batch.selectionFor(reader(4))?.bytes;
    expect(all?.toString()).toBe('<5A><6B><7A>');
    expect(batch.selectionFor(reader(4))?.bytes).toBe(all);
    expect(batch.selectionFor(reader(4, ['A']))?.bytes?.toString()).toBe('<5A><7A>');
    expect(batch.selectionFor(reader(4, ['A']))?.bytes).toBe(batch.selectionFor(reader(4, ['A']))?.bytes);
  });

  it('skips what a subscriber already has and returns nothing when none is for it', () => {
    expect(batch.selectionFor(reader(5))?.bytes?.toString()).toBe('<6B><7A>');
    expect(batch.selectionFor(reader(4, ['C']))?.bytes).toBeUndefined();
    expect(batch.selectionFor(reader(7))?.bytes).toBeUndefined();
    expect(batch.lastRevision).toBe(7);
  });

  it('counts the events each subscriber gets, for the delivered-events metric', () => {
    expect(batch.selectionFor(reader(4))?.count).toBe(3);
    expect(batch.selectionFor(reader(4, ['A']))?.count).toBe(2);
    expect(batch.selectionFor(reader(6))?.count).toBe(1);
    expect(batch.selectionFor(reader(7))).toBeUndefined();
  });
});
