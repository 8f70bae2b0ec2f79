import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Seconds; from well under a millisecond (an idle fan-out) to a slow disk or a stalled change feed. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const HTTP_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Every Prometheus metric the server exports, on a registry of its own: one
 * per app instance, so apps booted side by side (tests) never share or clash
 * in prom-client's global registry. Names and meanings: docs/operations.md.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly subscribers = new Gauge({
    name: 'promptcast_stream_subscribers',
    help: 'Open SSE streams.',
    registers: [this.registry],
  });

  readonly feedReadFailures = new Counter({
    name: 'promptcast_change_feed_read_failures_total',
    help: 'Reads of the change log by the change feed that failed; delivery waits and retries, it never skips.',
    registers: [this.registry],
  });

  readonly eventsPublished = new Counter({
    name: 'promptcast_stream_events_published_total',
    help: 'Changes the stream hub put out, in revision order, by event type.',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  readonly eventsDelivered = new Counter({
    name: 'promptcast_stream_events_delivered_total',
    help: 'Live change events written to subscribers (one per event per subscriber).',
    registers: [this.registry],
  });

  readonly publishToFlush = new Histogram({
    name: 'promptcast_stream_publish_to_flush_seconds',
    help: 'From the change feed hearing of a change to its frame being written to every open stream.',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly slowDrops = new Counter({
    name: 'promptcast_stream_slow_subscriber_drops_total',
    help: 'Subscribers disconnected for leaving too much unread.',
    registers: [this.registry],
  });

  readonly stalledDrops = new Counter({
    name: 'promptcast_stream_stalled_drops_total',
    help: 'Streams ended for holding unsent bytes without progress for two heartbeat intervals, in any phase.',
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'promptcast_http_request_duration_seconds',
    help: 'HTTP requests by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });

  readonly pollResponses = new Counter({
    name: 'promptcast_poll_responses_total',
    help: 'GET /api/prompts answers: 304 (unchanged) or 200 (full body).',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly guardEvaluations = new Counter({
    name: 'promptcast_rollout_guard_evaluations_total',
    help: 'Rollout guard evaluations by outcome: wait (a side below minSessions), keep (no significant increase), abort.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly storeErrors = new Counter({
    name: 'promptcast_store_errors_total',
    help: 'Store calls that threw, by operation.',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });

  readonly webhookDeliveries = new Counter({
    name: 'promptcast_webhook_deliveries_total',
    help: 'Webhook POSTs the receiver answered with 2xx.',
    labelNames: ['target'] as const,
    registers: [this.registry],
  });

  readonly webhookFailures = new Counter({
    name: 'promptcast_webhook_failures_total',
    help: 'Webhook attempts that failed (non-2xx, network error or timeout); each retry counts.',
    labelNames: ['target', 'reason'] as const,
    registers: [this.registry],
  });

  readonly webhookDropped = new Counter({
    name: 'promptcast_webhook_dropped_total',
    help: 'Webhook deliveries abandoned: queue_full, gave_up (attempts exhausted) or shutdown.',
    labelNames: ['target', 'reason'] as const,
    registers: [this.registry],
  });

  readonly webhookQueued = new Gauge({
    name: 'promptcast_webhook_queue_depth',
    help: 'Deliveries waiting per receiver, the one in flight included.',
    labelNames: ['target'] as const,
    registers: [this.registry],
  });

  readonly connectionsRefused = new Counter({
    name: 'promptcast_connections_refused_total',
    help: 'Sockets closed with a 429 by the per-address caps: pending (CONN_MAX_PENDING_PER_ADDRESS) or total (CONN_MAX_PER_ADDRESS).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** The exposition content type, `text/plain; version=0.0.4`. */
  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
