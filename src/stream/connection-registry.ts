import { Injectable, Logger } from '@nestjs/common';
import { Metrics } from '../metrics/metrics.js';
import type { ConnectionInfo, StreamSession } from './stream-session.js';

/**
 * Every open stream. The hub adds and removes; anyone may read (the admin UI
 * and /health show who is subscribed).
 */
@Injectable()
export class ConnectionRegistry {
  private readonly logger = new Logger('Stream');
  private readonly sessions = new Set<StreamSession>();
  private readonly perAddress = new Map<string, number>();

  constructor(private readonly metrics: Metrics) {}

  get count(): number {
    return this.sessions.size;
  }

  list(): ConnectionInfo[] {
    return [...this.sessions].map((s) => s.info());
  }

  /** Open streams from one client address (STREAM_MAX_PER_ADDRESS bounds it). */
  countFrom(address: string): number {
    return this.perAddress.get(address) ?? 0;
  }

  all(): Iterable<StreamSession> {
    return this.sessions;
  }

  add(session: StreamSession): void {
    if (this.sessions.has(session)) return;
    this.sessions.add(session);
    this.metrics.subscribers.set(this.count);
    const { id, agent, remoteAddress } = session.subscriber;
    this.perAddress.set(remoteAddress, this.countFrom(remoteAddress) + 1);
    this.logger.log(`subscriber ${id} connected (agent ${agent || '-'} from ${remoteAddress}); ${this.count} connected`);
  }

  remove(session: StreamSession): void {
    if (!this.sessions.delete(session)) return;
    this.metrics.subscribers.set(this.count);
    const { id, remoteAddress } = session.subscriber;
    const left = this.countFrom(remoteAddress) - 1;
    if (left > 0) this.perAddress.set(remoteAddress, left);
    else this.perAddress.delete(remoteAddress);
    this.logger.log(`subscriber ${id} disconnected (${session.closeReason}) at revision ${session.lastRevision}; ${this.count} connected`);
  }
}
