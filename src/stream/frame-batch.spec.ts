import { FrameBatch } from './frame-batch.js';
import type { Frame } from './sse-frames.js';

const frame = (revision: number, key: string, labels = ['production']): Frame => ({
  revision,
  key,
  event: 'prompt.updated',
  labels: new Set(labels),
  bytes: Buffer.from(`<${revision}${key}>`),
});
const reader = (coveredRevision: number, keys?: string[], label = 'production') => ({
  coveredRevision,
  label,
  keys: keys ? new Set(keys) : undefined,
  viewSignature: `${label}:${keys ? keys.join(',') : '*'}`,
});

describe('FrameBatch', () => {
  const batch = new FrameBatch([frame(5, 'A'), frame(6, 'B'), frame(7, 'A'), frame(8, 'B', ['staging'])]);

  it('gives subscribers with the same view the very same buffer', () => {
    const all = batch.selectionFor(reader(4))?.bytes;
    expect(all?.toString()).toBe('<5A><6B><7A>');
    expect(batch.selectionFor(reader(4))?.bytes).toBe(all);
    expect(batch.selectionFor(reader(4, ['A']))?.bytes?.toString()).toBe('<5A><7A>');
    expect(batch.selectionFor(reader(4, ['A']))?.bytes).toBe(batch.selectionFor(reader(4, ['A']))?.bytes);
  });

  it('gives each label only the changes that moved it', () => {
    expect(batch.selectionFor(reader(4, undefined, 'staging'))?.bytes?.toString()).toBe('<8B>');
    expect(batch.selectionFor(reader(4, ['A'], 'staging'))).toBeUndefined();
  });

  it('skips what a subscriber already has and returns nothing when none is for it', () => {
    expect(batch.selectionFor(reader(5))?.bytes?.toString()).toBe('<6B><7A>');
    expect(batch.selectionFor(reader(4, ['C']))?.bytes).toBeUndefined();
    expect(batch.selectionFor(reader(7))?.bytes).toBeUndefined();
    expect(batch.lastRevision).toBe(8);
  });

  it('counts the events each subscriber gets and the revision of the last, for its heartbeats', () => {
    expect(batch.selectionFor(reader(4))).toMatchObject({ count: 3, lastRevision: 7 });
    expect(batch.selectionFor(reader(4, ['A']))).toMatchObject({ count: 2, lastRevision: 7 });
    expect(batch.selectionFor(reader(6))).toMatchObject({ count: 1, lastRevision: 7 });
    expect(batch.selectionFor(reader(7))).toBeUndefined();
  });
});
