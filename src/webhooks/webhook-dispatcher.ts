import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { Metrics } from '../metrics/metrics.js';
import { PromptStore, type ChangeRecord } from '../store/prompt-store.js';
import { ChangeBus } from '../store/change-bus.js';
import { ChangeSequencer } from '../changes/change-sequencer.js';
import { changeEvent } from '../stream/sse-frames.js';
import { reportFor, targetLabel } from './webhook-report.js';
import { signatureOf } from './webhook-signature.js';
import { WebhookTarget } from './webhook-target.js';

/**
 * Outbound webhooks: every change, in revision order and without gaps (the
 * same sequencer the stream uses, filling gaps from the change log), is
 * serialised as the stream's `prompt.updated` / `prompt.deleted` payload,
 * signed once, and queued for each receiver in WEBHOOK_URLS. Idle when none
 * is configured. Queues live in memory: what is still queued at shutdown is
 * dropped and counted (receivers reconcile with `GET /api/prompts`).
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private readonly targets: WebhookTarget[];
  private readonly sequencer: ChangeSequencer;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly store: PromptStore,
    private readonly bus: ChangeBus,
    private readonly config: AppConfig,
    metrics: Metrics,
  ) {
    const { webhooks } = config.ops;
    this.targets = webhooks.urls.map((raw) => {
      const url = new URL(raw);
      return new WebhookTarget(url, webhooks, reportFor(targetLabel(url), metrics, this.logger));
    });
    this.sequencer = new ChangeSequencer(store, (c) => this.dispatch(c), (err) => this.lostOrder(err));
  }

  onApplicationBootstrap(): void {
    if (this.targets.length === 0) return;
    // ordering: subscribe before reading the revision, so a change committed in between is queued, not lost.
    this.unsubscribe = this.bus.subscribe((change) => this.sequencer.accept(change));
    this.sequencer.start(this.store.revision());
    this.logger.log(`delivering changes to ${this.targets.length} webhook receiver(s)`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    // ordering: changes already accepted reach the queues (and any log read ends) before the store closes.
    await this.sequencer.idle();
    await Promise.all(this.targets.map((t) => t.close()));
  }

  private dispatch(change: ChangeRecord): void {
    const { event, data } = changeEvent(change);
    const body = Buffer.from(JSON.stringify(data), 'utf8');
    const delivery = { revision: change.revision, event, body, signature: signatureOf(body, this.config.ops.webhooks.secret) };
    for (const target of this.targets) target.enqueue(delivery);
  }

  private lostOrder(err: unknown): void {
    this.logger.error(`filling a gap from the change log failed; receivers may miss changes before the next one: ${
      err instanceof Error ? err.message : String(err)}`);
  }
}
