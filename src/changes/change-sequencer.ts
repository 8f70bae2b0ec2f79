import type { ChangeRecord, PromptStore } from '../store/prompt-store.js';

type ChangeLog = Pick<PromptStore, 'changesAfter'>;

/**
 * Turns what the bus delivers (at-least-once, possibly out of order or with
 * gaps when writes are concurrent or come from other replicas) into a strictly
 * increasing, gap-free sequence. A gap is filled from the change log, which is
 * the source of truth; anything at or below the last emitted revision is a
 * duplicate and dropped.
 *
 * It relies on revisions becoming visible in revision order (a store commits
 * them in that order), so that a change read from the log is never followed by
 * the commit of a lower one.
 */
export class ChangeSequencer {
  private last = 0;
  // Every step runs after the previous one, so emits never interleave.
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly log: ChangeLog,
    private readonly emit: (change: ChangeRecord) => void,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** The last revision emitted. */
  get revision(): number {
    return this.last;
  }

  /** Sets the starting point; changes accepted before it resolves wait for it. */
  start(from: Promise<number>): void {
    this.enqueue(async () => {
      this.last = await from;
    });
  }

  accept(change: ChangeRecord): void {
    this.enqueue(() => this.advance(change));
  }

  /** Resolves once everything accepted so far has been emitted (or failed). */
  idle(): Promise<void> {
    return this.tail;
  }

  private enqueue(step: () => Promise<void>): void {
    this.tail = this.tail.then(step).catch(this.onError);
  }

  private async advance(change: ChangeRecord): Promise<void> {
    if (change.revision <= this.last) return;
    const batch = change.revision === this.last + 1 ? [change] : await this.fill(change);
    for (const c of batch) {
      if (c.revision <= this.last) continue;
      this.last = c.revision;
      this.emit(c);
    }
  }

  /** The log's changes from the last emitted one up to `change`, ending with `change` itself. */
  private async fill(change: ChangeRecord): Promise<ChangeRecord[]> {
    const missing = (await this.log.changesAfter(this.last, change.revision - this.last))
      .filter((c) => c.revision <= change.revision);
    // A change pruned from the log (or not yet readable on a lagging replica) still goes out.
    return missing.at(-1)?.revision === change.revision ? missing : [...missing, change];
  }
}
