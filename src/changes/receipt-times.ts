import { performance } from 'node:perf_hooks';

/**
 * When the hub first heard of each revision from the bus, so the publish→flush
 * histogram starts its clock at receipt, not after the sequencer's ordering.
 * A change the sequencer read from the log before the bus delivered it starts
 * its clock when it is taken. Entries at or below a taken revision go with it,
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
