import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ChangeFeed, type FeedItem } from '../changes/change-feed.js';
import { AppConfig } from '../config/app-config.js';
import { Metrics } from '../metrics/metrics.js';
import { reportFor, targetLabel } from './webhook-report.js';
import { signatureOf } from './webhook-signature.js';
import { WebhookTarget } from './webhook-target.js';

/**
 * Outbound webhooks: every change the change feed hands out (in revision
 * order, with no gap: a feed that cannot read the log waits rather than skip)
 * is POSTed with the payload the feed encoded, signed once, and queued for
 * each receiver in WEBHOOK_URLS. Idle when none is configured. Queues live in
 * memory: what is still queued at shutdown is dropped and counted (receivers
 * see the jump in revisions and reconcile with `GET /api/prompts`).
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private readonly targets: WebhookTarget[];
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly feed: ChangeFeed,
    private readonly config: AppConfig,
    metrics: Metrics,
  ) {
    const { webhooks } = config.ops;
    this.targets = webhooks.urls.map((raw) => {
      const url = new URL(raw);
      return new WebhookTarget(url, webhooks, reportFor(targetLabel(url), metrics, this.logger));
    });
  }

  onApplicationBootstrap(): void {
    if (this.targets.length === 0) return;
    this.unsubscribe = this.feed.subscribe((item) => this.dispatch(item));
    this.logger.log(`delivering changes to ${this.targets.length} webhook receiver(s)`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    await Promise.all(this.targets.map((t) => t.close()));
  }

  private dispatch({ change, event, json }: FeedItem): void {
    const body = Buffer.from(json, 'utf8');
    const delivery = { revision: change.revision, event: event.event, body, signature: signatureOf(body, this.config.ops.webhooks.secret) };
    for (const target of this.targets) target.enqueue(delivery);
  }
}
