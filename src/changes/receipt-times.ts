import { performance } from 'node:perf_hooks';

/**
 * When the feed first heard of each revision from the signal, so delivery
 * latency is timed from receipt, not from after the feed's ordering. A change
 * the feed read from the log before its own signal arrived starts its clock
 * when it is taken. Entries at or below a taken revision go with it,
 * so duplicates never accumulate.
 */
export class ReceiptTimes {
  private readonly times = new Map<number, number>();

  mark(revision: number): void {
    if (!this.times.has(revision)) this.times.set(revision, performance.now());
  }

  take(revision: number): number {
    const at = this.times.get(revision) ?? performance.now();
    for (const r of this.times.keys()) if (r <= revision) this.times.delete(r);
    return at;
  }
}
