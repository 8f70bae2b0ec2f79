import type { ChangeRecord } from '../store/prompt-store.js';
import { ChangeSequencer } from './change-sequencer.js';

function change(revision: number): ChangeRecord {
  return { revision, key: `K${revision}`, kind: 'update', version: revision, author: 'test', at: '2026-01-01T00:00:00.000Z', text: `t${revision}` };
}

/** A change log holding revisions 1..n, as the store would. */
function logOf(n: number): { changesAfter: (after: number, limit: number) => Promise<ChangeRecord[]>; reads: number } {
  const log = {
    reads: 0,
    changesAfter: async (after: number, limit: number) => {
      log.reads += 1;
      return Array.from({ length: n }, (_, i) => change(i + 1)).filter((c) => c.revision > after).slice(0, limit);
    },
  };
  return log;
}

function sequencer(log: ReturnType<typeof logOf>, from: number): { seq: ChangeSequencer; emitted: number[]; errors: unknown[] } {
  const emitted: number[] = [];
  const errors: unknown[] = [];
  const seq = new ChangeSequencer(log, (c) => emitted.push(c.revision), (e) => errors.push(e));
  seq.start(Promise.resolve(from));
  return { seq, emitted, errors };
}

describe('ChangeSequencer', () => {
  it('passes changes delivered in order straight through, without reading the log', async () => {
    const log = logOf(3);
    const { seq, emitted } = sequencer(log, 0);
    [1, 2, 3].forEach((r) => seq.accept(change(r)));
    await seq.idle();
    expect(emitted).toEqual([1, 2, 3]);
    expect(log.reads).toBe(0);
    expect(seq.revision).toBe(3);
  });

  it('fills a gap from the log and drops the late delivery as a duplicate', async () => {
    const log = logOf(4);
    const { seq, emitted } = sequencer(log, 1);
    [4, 2, 3].forEach((r) => seq.accept(change(r)));
    await seq.idle();
    expect(emitted).toEqual([2, 3, 4]);
    expect(log.reads).toBe(1);
  });

  it('drops repeats and anything at or below where it started', async () => {
    const { seq, emitted } = sequencer(logOf(6), 5);
    [3, 5, 6, 6].forEach((r) => seq.accept(change(r)));
    await seq.idle();
    expect(emitted).toEqual([6]);
  });

  it('waits for its starting revision before ordering anything accepted earlier', async () => {
    let resolveStart: (n: number) => void = () => undefined;
    const emitted: number[] = [];
    const seq = new ChangeSequencer(logOf(3), (c) => emitted.push(c.revision), () => undefined);
    seq.start(new Promise((resolve) => { resolveStart = resolve; }));
    [2, 3].forEach((r) => seq.accept(change(r)));
    resolveStart(2);
    await seq.idle();
    expect(emitted).toEqual([3]);
  });

  it('reports a failed gap fill, then emits the next change even when the log no longer holds the ones before it', async () => {
    const errors: unknown[] = [];
    const emitted: number[] = [];
    let fail = true;
    const log = {
      changesAfter: async () => {
        if (fail) { fail = false; throw new Error('database is locked'); }
        return [];
      },
    };
    const seq = new ChangeSequencer(log, (c) => emitted.push(c.revision), (e) => errors.push(e));
    seq.start(Promise.resolve(0));
    seq.accept(change(5));
    seq.accept(change(7));
    await seq.idle();
    expect(errors).toHaveLength(1);
    expect(emitted).toEqual([7]);
  });
});
