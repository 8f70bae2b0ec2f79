import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { Metrics } from '../metrics/metrics.js';
import { ChangeSignal, type ChangeHint } from '../store/change-signal.js';
import { ChangeLog, type ChangeRecord } from '../store/prompt-store.js';
import { encodeChange, type EncodedChange } from './change-encoding.js';
import { ReceiptTimes } from './receipt-times.js';

/** One change as the feed hands it out: encoded once, with when it was first heard of. */
export interface FeedItem extends EncodedChange {
  /** `performance.now()` when the feed first heard of the change, for delivery-latency metrics. */
  receivedAt: number;
}

export type FeedListener = (item: FeedItem) => void;

/** Changes read from the log per query; a longer backlog is read in several. */
const PAGE = 500;
/** Wait before reading the log again after a failed read. */
const RETRY_MS = 1000;

/**
 * The one place that puts changes in order. A signal (in-process callback or
 * PostgreSQL NOTIFY) says something committed; the feed reads what is new
 * from the change log, which is gap-free and in commit order, and hands each
 * change to every listener exactly once, in strictly increasing revision
 * order, encoded once. A signal that carries the very next change is used as
 * it is, with no read. Duplicates and late hints are dropped.
 *
 * Failure policy, the same for every listener (stream and webhooks alike): a
 * failed read is retried until it succeeds; nothing after the gap goes out
 * meanwhile, so no listener ever skips a revision. The log is never pruned,
 * so every gap can be filled.
 */
@Injectable()
export class ChangeFeed implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ChangeFeed');
  private readonly listeners = new Set<FeedListener>();
  private readonly receipts = new ReceiptTimes();
  private readonly closing = new AbortController();
  private last = 0;
  private started = false;
  /** The highest revision a hint has named; the log is read until the feed reaches it. */
  private wanted = 0;
  /** A hint named no revision (a signal that reconnected): read the log whatever `wanted` says. */
  private unknown = false;
  private draining: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly log: ChangeLog,
    private readonly signal: ChangeSignal,
    @Optional() private readonly metrics?: Metrics,
    @Optional() private readonly retryMs: number = RETRY_MS,
  ) {}

  /** The last revision handed out. */
  get revision(): number {
    return this.last;
  }

  /** Number of listeners, so tests can prove nothing is left subscribed. */
  get listenerCount(): number {
    return this.listeners.size;
  }

  async onApplicationBootstrap(): Promise<void> {
    // ordering: subscribe before reading the revision, so a commit in between is signalled, not lost.
    this.unsubscribe = this.signal.subscribe((hint) => this.heard(hint));
    this.last = await this.log.revision();
    this.started = true;
    // Hints that came during the read may name changes after it.
    this.requestDrain();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    this.closing.abort();
    // ordering: a log read in flight ends before the store closes under it.
    await this.draining;
  }

  /** Listeners hear every change after the revision the feed stood at when they subscribed. Returns the unsubscribe function. */
  subscribe(listener: FeedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private heard(hint: ChangeHint): void {
    if (hint.revision === undefined) {
      this.unknown = true;
    } else {
      if (hint.revision <= this.last) return;
      this.receipts.mark(hint.revision);
      this.wanted = Math.max(this.wanted, hint.revision);
    }
    const next = hint.change;
    if (this.started && !this.draining && next?.revision === this.last + 1) return this.emit(next);
    this.requestDrain();
  }

  private get behind(): boolean {
    return this.unknown || this.wanted > this.last;
  }

  private requestDrain(): void {
    if (this.draining || !this.started || !this.behind || this.closing.signal.aborted) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      // A hint that came after the last read began still needs a read of its own.
      this.requestDrain();
    });
  }

  private async drain(): Promise<void> {
    while (this.behind && !this.closing.signal.aborted) {
      this.unknown = false;
      const page = await this.readAfter(this.last);
      if (page === undefined) return;
      for (const change of page) if (change.revision > this.last) this.emit(change);
      // A full page may not be the end of the log.
      if (page.length === PAGE) this.unknown = true;
    }
  }

  /** The log after `after`; retried until it answers or the feed closes (then undefined). */
  private async readAfter(after: number): Promise<ChangeRecord[] | undefined> {
    for (;;) {
      try {
        return await this.log.changesAfter(after, PAGE);
      } catch (err) {
        this.metrics?.feedReadFailures.inc();
        this.logger.warn(`reading the change log after revision ${after} failed (${errorText(err)}); delivery waits and retries`);
      }
      try {
        await sleep(this.retryMs, undefined, { signal: this.closing.signal });
      } catch {
        return undefined;
      }
    }
  }

  private emit(change: ChangeRecord): void {
    if (change.revision !== this.last + 1) {
      // Revisions are gap-free by construction; say so loudly if a store ever breaks that.
      this.logger.error(`the change log jumps from revision ${this.last} to ${change.revision}`);
    }
    this.last = change.revision;
    const item: FeedItem = { ...encodeChange(change), receivedAt: this.receipts.take(change.revision) };
    for (const listener of this.listeners) {
      try {
        listener(item);
      } catch (err) {
        this.logger.error(`a change listener threw at revision ${change.revision}: ${errorText(err)}`);
      }
    }
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
