import {
  BeforeApplicationShutdown,
  HttpException,
  HttpStatus,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { ChangeFeed, type FeedItem } from '../changes/change-feed.js';
import { AppConfig } from '../config/app-config.js';
import { Metrics } from '../metrics/metrics.js';
import { PromptStore } from '../store/prompt-store.js';
import { catchUp } from './catch-up.js';
import { CatchUpGate } from './catch-up-gate.js';
import { ConnectionRegistry } from './connection-registry.js';
import { FanOut } from './fan-out.js';
import { Heartbeat } from './heartbeat.js';
import { SnapshotFrames } from './snapshot-frames.js';
import { changeFrame, heartbeatFrame, retryDelay, retryFrame, type Frame } from './sse-frames.js';
import { StreamSession, type Subscriber } from './stream-session.js';

const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  // nginx would otherwise buffer the stream and deliver events late, in clumps.
  'X-Accel-Buffering': 'no',
  // The only one of the app's security headers that means anything on an event stream.
  'X-Content-Type-Options': 'nosniff',
};

/** Catch-ups that may read and encode at the same time (see CatchUpGate). */
const CATCH_UPS_AT_ONCE = 4;

/** Counters that show the hub holds nothing it should have let go of. */
export interface StreamStats {
  subscribers: number;
  /** The last revision sent to live subscribers. */
  revision: number;
  heartbeatActive: boolean;
  /** Subscribers disconnected for not reading, since start. */
  slowDropped: number;
}

/**
 * The SSE fan-out: one change-feed subscription for the whole server (the feed
 * orders and encodes each change once), framed once per change and written to
 * every open stream; plus catch-up for new connections, heartbeats and shutdown.
 */
@Injectable()
export class StreamHub implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Stream');
  private readonly fanOut: FanOut;
  private readonly heartbeat: Heartbeat;
  private readonly snapshots: SnapshotFrames;
  private readonly gate = new CatchUpGate(CATCH_UPS_AT_ONCE);
  private unsubscribe: (() => void) | undefined;
  private closing = false;
  private slowDropped = 0;

  constructor(
    private readonly store: PromptStore,
    private readonly feed: ChangeFeed,
    private readonly registry: ConnectionRegistry,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {
    this.fanOut = new FanOut(registry, (frames, delivered) => this.flushed(frames, delivered));
    this.heartbeat = new Heartbeat(config.stream.heartbeatMs, () => this.beat());
    this.snapshots = new SnapshotFrames(store);
  }

  onApplicationBootstrap(): void {
    this.unsubscribe = this.feed.subscribe((item) => this.publish(item));
  }

  /** Serves one stream until the client goes; resolves once it is live. */
  async open(res: ServerResponse, subscriber: Subscriber): Promise<void> {
    const refused = this.refusal(subscriber);
    if (refused === 'closing') throw new ServiceUnavailableException('the server is shutting down; reconnect');
    // A client that left while the request was being routed would never fire 'close' for us.
    if (!res.socket || res.socket.destroyed) return;
    if (refused) {
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(this.config.stream.retryMaxMs / 1000))));
      throw new HttpException(refused.message, HttpStatus.TOO_MANY_REQUESTS);
    }
    const session = new StreamSession(subscriber, res, this.config.stream.maxBufferBytes);
    res.writeHead(200, SSE_HEADERS);
    res.write(retryFrame(retryDelay(this.config.stream.retryMinMs, this.config.stream.retryMaxMs)));
    res.on('close', () => this.release(session));
    // ordering: join the fan-out before reading the log, so a change committed during the read is held, not missed.
    this.registry.add(session);
    this.heartbeat.start();
    try {
      const { retention, maxBufferBytes } = this.config.stream;
      await catchUp({ store: this.store, snapshots: this.snapshots, gate: this.gate }, session, { maxReplay: retention, maxBufferBytes });
      session.goLive();
    } catch (err) {
      this.logError(`catching up subscriber ${subscriber.id}`, err);
      session.drop('error');
    }
  }

  stats(): StreamStats {
    return {
      subscribers: this.registry.count,
      revision: this.feed.revision,
      heartbeatActive: this.heartbeat.active,
      slowDropped: this.slowDropped,
    };
  }

  /** Ends every stream so clients reconnect (to another replica if there is one) and refuses new ones. */
  beforeApplicationShutdown(): void {
    this.closing = true;
    this.unsubscribe?.();
    this.heartbeat.stop();
    for (const session of this.registry.all()) session.end();
  }

  /** Answers HEAD as GET would begin, and ends: no stream, no slot. */
  describe(res: ServerResponse): void {
    res.writeHead(200, SSE_HEADERS);
    res.end();
  }

  /**
   * Why `open` would refuse this subscriber now, touching nothing: the server is
   * closing (503), or its budget is used up (429; a runaway reconnect loop or a
   * leaking process cannot hold every socket, see streamBudget). The fast path
   * asks before it writes anything, and leaves a refusal to the framework route.
   */
  refusal(subscriber: Subscriber): 'closing' | { message: string } | undefined {
    if (this.closing) return 'closing';
    const { budget } = subscriber;
    const held = this.registry.countIn(budget.key);
    return held < budget.max ? undefined : { message: budget.refusal(held) };
  }

  private release(session: StreamSession): void {
    session.markClosed();
    if (session.closeReason === 'slow') {
      this.slowDropped += 1;
      this.metrics.slowDrops.inc();
    }
    if (session.closeReason === 'stalled') this.metrics.stalledDrops.inc();
    this.registry.remove(session);
    if (this.registry.count === 0) this.heartbeat.stop();
  }

  private publish(item: FeedItem): void {
    // A draft is in no label's view: webhooks hear of it, streams do not.
    const frame = changeFrame(item, item.receivedAt);
    if (!frame) return;
    this.metrics.eventsPublished.inc({ type: frame.event });
    this.fanOut.push(frame);
  }

  private flushed(frames: readonly Frame[], delivered: number): void {
    this.metrics.eventsDelivered.inc(delivered);
    const now = performance.now();
    for (const f of frames) this.metrics.publishToFlush.observe((now - (f.receivedAt ?? now)) / 1000);
  }

  private beat(): void {
    // Almost every subscriber is at the same revision, so this serialises about once per beat.
    const frames = new Map<number, Buffer>();
    const frameFor = (revision: number): Buffer => {
      let frame = frames.get(revision);
      if (!frame) frames.set(revision, (frame = heartbeatFrame(revision)));
      return frame;
    };
    for (const session of this.registry.all()) {
      // ordering: judge progress before the heartbeat adds bytes of its own.
      session.checkProgress();
      session.heartbeat(frameFor);
      void session.recheck();
    }
  }

  private logError(doing: string, err: unknown): void {
    this.logger.error(`${doing} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
