import type { Logger } from '@nestjs/common';
import type { Metrics } from '../metrics/metrics.js';
import type { TargetReport } from './webhook-target.js';

/** A receiver's name in metrics and logs: no credentials, no query string (either may hold a token). */
export function targetLabel(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** Turns one target's reports into metric samples and log lines. */
export function reportFor(target: string, metrics: Metrics, logger: Logger): TargetReport {
  return {
    delivered(delivery, attempt) {
      metrics.webhookDeliveries.inc({ target });
      if (attempt > 1) logger.log(`revision ${delivery.revision} delivered to ${target} on attempt ${attempt}`);
    },
    failed(delivery, reason, detail, attempt, retryInMs) {
      metrics.webhookFailures.inc({ target, reason });
      const next = retryInMs === undefined ? 'giving up' : `retrying in ${retryInMs} ms`;
      logger.warn(`revision ${delivery.revision} to ${target} failed on attempt ${attempt}: ${detail}; ${next}`);
    },
    dropped(delivery, reason) {
      metrics.webhookDropped.inc({ target, reason });
      logger.error(`revision ${delivery.revision} (${delivery.event}) to ${target} dropped: ${reason}`);
    },
    depth(waiting) {
      metrics.webhookQueued.set({ target }, waiting);
    },
  };
}
