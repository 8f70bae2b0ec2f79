import { ChangeLog, type ChangeRecord, type PromptStore } from '../../src/store/prompt-store.js';

/** A real store's change log that counts its reads and fails the next `failures` of them, as a locked or unreachable database would. */
export class FlakyChangeLog extends ChangeLog {
  reads = 0;
  failures = 0;

  constructor(private readonly store: PromptStore) {
    super();
  }

  revision(): Promise<number> {
    return this.store.revision();
  }

  async changesAfter(after: number, limit: number): Promise<ChangeRecord[]> {
    this.reads += 1;
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('database is locked');
    }
    return this.store.changesAfter(after, limit);
  }
}
