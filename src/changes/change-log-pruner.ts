import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { PromptStore, type ChangeRecord } from '../store/prompt-store.js';
import { ChangeBus } from '../store/change-bus.js';

/**
 * Keeps the change log at STREAM_RETENTION entries. It trims on write, driven
 * by the bus, in steps of about 1% of the retention, so the log holds between
 * `retention` and `retention + step` entries and a write costs a prune only
 * once per step. Older resumes get a snapshot.
 */
@Injectable()
export class ChangeLogPruner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ChangeLog');
  private readonly step: number;
  private nextAt = 0;
  private running: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly store: PromptStore,
    private readonly bus: ChangeBus,
    private readonly config: AppConfig,
  ) {
    this.step = Math.max(1, Math.ceil(config.stream.retention / 100));
  }

  onApplicationBootstrap(): Promise<void> {
    this.unsubscribe = this.bus.subscribe((change) => this.onChange(change));
    return this.prune();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    // ordering: a prune in flight finishes before the store closes.
    await this.running;
  }

  private onChange(change: ChangeRecord): void {
    if (change.revision < this.nextAt) return;
    this.nextAt = change.revision + this.step;
    this.running = this.running.then(() => this.prune());
  }

  private async prune(): Promise<void> {
    try {
      const removed = await this.store.pruneChanges(this.config.stream.retention);
      if (removed > 0) this.logger.debug(`pruned ${removed} change-log entries`);
    } catch (err) {
      this.logger.error(`pruning the change log failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
