import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WebhooksConfig } from '../config/app-config.js';
import { backoffDelay } from '../protocol/backoff.js';
import { postWebhook } from './post-webhook.js';

/** One change, serialised and signed once, sent to every receiver. */
export interface Delivery {
  revision: number;
  event: string;
  body: Buffer;
  signature: string;
}

export type FailureReason = 'status' | 'network';
export type DropReason = 'queue_full' | 'gave_up' | 'shutdown';

/** What a target reports; the dispatcher turns it into metrics and log lines. */
export interface TargetReport {
  delivered(delivery: Delivery, attempt: number): void;
  failed(delivery: Delivery, reason: FailureReason, detail: string, attempt: number, retryInMs: number | undefined): void;
  dropped(delivery: Delivery, reason: DropReason): void;
  depth(waiting: number): void;
}

type Policy = Pick<WebhooksConfig, 'maxAttempts' | 'backoffMs' | 'backoffMaxMs' | 'queueMax' | 'timeoutMs'>;

/**
 * One receiver's ordered queue. Deliveries go out one at a time in the order
 * they were queued (revision order); the head is retried with exponential
 * backoff and full jitter while the rest wait behind it, so a receiver never sees revision
 * R+1 before R. At most `queueMax` wait; beyond that the oldest waiting one
 * is dropped. Nothing here is awaited by the write path.
 */
export class WebhookTarget {
  private readonly waiting: Delivery[] = [];
  private readonly agent: http.Agent;
  private readonly abort = new AbortController();
  private inFlight: Delivery | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly url: URL,
    private readonly policy: Policy,
    private readonly report: TargetReport,
    private readonly random: () => number = Math.random,
  ) {
    const Agent = url.protocol === 'https:' ? https.Agent : http.Agent;
    this.agent = new Agent({ keepAlive: true, maxSockets: 1 });
  }

  enqueue(delivery: Delivery): void {
    if (this.closed) return;
    if (this.waiting.length >= this.policy.queueMax) this.report.dropped(this.waiting.shift() as Delivery, 'queue_full');
    this.waiting.push(delivery);
    this.report.depth(this.depth());
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
  }

  /** Stops retrying, aborts the POST in flight or the wait before a retry, and reports what was still queued as dropped. */
  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    // ordering: the worker must have let go of the head before it is counted as dropped.
    await this.running;
    for (const delivery of this.waiting.splice(0)) this.report.dropped(delivery, 'shutdown');
    this.report.depth(0);
    this.agent.destroy();
  }

  private depth(): number {
    return this.waiting.length + (this.inFlight ? 1 : 0);
  }

  private async drain(): Promise<void> {
    while (!this.closed) {
      const next = this.waiting.shift();
      if (!next) return;
      this.inFlight = next;
      await this.deliver(next);
      this.inFlight = undefined;
      this.report.depth(this.depth());
    }
  }

  private async deliver(delivery: Delivery): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const failure = await this.attempt(delivery, attempt);
      if (!failure) return this.report.delivered(delivery, attempt);
      if (this.closed) return this.report.dropped(delivery, 'shutdown');
      const retryInMs = attempt < this.policy.maxAttempts ? this.backoff(attempt) : undefined;
      this.report.failed(delivery, failure.reason, failure.detail, attempt, retryInMs);
      if (retryInMs === undefined) return this.report.dropped(delivery, 'gave_up');
      await this.pause(retryInMs);
      if (this.closed) return this.report.dropped(delivery, 'shutdown');
    }
  }

  private async attempt(delivery: Delivery, attempt: number): Promise<{ reason: FailureReason; detail: string } | undefined> {
    try {
      const status = await postWebhook(this.url, delivery.body, {
        headers: headersOf(delivery, attempt),
        agent: this.agent,
        signal: this.abort.signal,
        timeoutMs: this.policy.timeoutMs,
      });
      return status >= 200 && status < 300 ? undefined : { reason: 'status', detail: `answered HTTP ${status}` };
    } catch (err) {
      return { reason: 'network', detail: err instanceof Error ? err.message : String(err) };
    }
  }

  /**
   * Up to `backoffMs` after the first failed attempt, doubling per failure up to
   * `backoffMaxMs`; jittered so replicas that all deliver to one receiver do not
   * retry in lock-step once it is back.
   */
  private backoff(attempt: number): number {
    return backoffDelay(attempt - 1, { initialMs: this.policy.backoffMs, maxMs: this.policy.backoffMaxMs }, this.random);
  }

  /** Resolves after `ms`, or at once when close() aborts; the caller checks `closed` either way. */
  private async pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.abort.signal }).catch(() => {});
  }
}

function headersOf(delivery: Delivery, attempt: number): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'User-Agent': 'promptcast-webhooks',
    'X-Promptcast-Event': delivery.event,
    'X-Promptcast-Revision': String(delivery.revision),
    'X-Promptcast-Signature': delivery.signature,
    'X-Promptcast-Attempt': String(attempt),
  };
}
