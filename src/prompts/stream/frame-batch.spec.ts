import { FrameBatch } from './frame-batch.js';
import type { Frame } from './sse-frames.js';

const frame = (revision: number, key: string): Frame => ({ revision, key, event: 'prompt.updated', bytes: Buffer.from(`<${revision}${key}>`) });
const reader = (lastRevision: number, keys?: string[]) => ({
  lastRevision, keys: keys ? new Set(keys) : undefined, keysSignature: keys ? keys.join(',') : '*',
});

describe('FrameBatch', () => {
  const batch = new FrameBatch([frame(5, 'A'), frame(6, 'B'), frame(7, 'A')]);

  it('gives subscribers with the same keys the very same buffer', () => {
    const all = batch.bytesFor(reader(4));
    expect(all?.toString()).toBe('<5A><6B><7A>');
    expect(batch.bytesFor(reader(4))).toBe(all);
    expect(batch.bytesFor(reader(4, ['A']))?.toString()).toBe('<5A><7A>');
    expect(batch.bytesFor(reader(4, ['A']))).toBe(batch.bytesFor(reader(4, ['A'])));
  });

  it('skips what a subscriber already has and returns nothing when none is for it', () => {
    expect(batch.bytesFor(reader(5))?.toString()).toBe('<6B><7A>');
    expect(batch.bytesFor(reader(4, ['C']))).toBeUndefined();
    expect(batch.bytesFor(reader(7))).toBeUndefined();
    expect(batch.lastRevision).toBe(7);
  });

  it('counts the events each subscriber gets, for the delivered-events metric', () => {
    expect(batch.selectionFor(reader(4))?.count).toBe(3);
    expect(batch.selectionFor(reader(4, ['A']))?.count).toBe(2);
    expect(batch.selectionFor(reader(6))?.count).toBe(1);
    expect(batch.selectionFor(reader(7))).toBeUndefined();
  });
});
