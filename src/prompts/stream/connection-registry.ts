import { Injectable, Logger } from '@nestjs/common';
import { Metrics } from '../../metrics/metrics.js';
import type { ConnectionInfo, StreamSession } from './stream-session.js';

/**
 * Every open stream. The hub adds and removes; anyone may read (the admin UI
 * and /health show who is subscribed).
 */
@Injectable()
export class ConnectionRegistry {
  private readonly logger = new Logger('Stream');
  private readonly sessions = new Set<StreamSession>();

  constructor(private readonly metrics: Metrics) {}

  get count(): number {
    return this.sessions.size;
  }

  list(): ConnectionInfo[] {
    return [...this.sessions].map((s) => s.info());
  }

  all(): Iterable<StreamSession> {
    return this.sessions;
  }

  add(session: StreamSession): void {
    this.sessions.add(session);
    this.metrics.subscribers.set(this.count);
    const { id, agent, remoteAddress } = session.subscriber;
    this.logger.log(`subscriber ${id} connected (agent ${agent || '-'} from ${remoteAddress}); ${this.count} connected`);
  }

  remove(session: StreamSession): void {
    if (!this.sessions.delete(session)) return;
    this.metrics.subscribers.set(this.count);
    const { id } = session.subscriber;
    this.logger.log(`subscriber ${id} disconnected (${session.closeReason}) at revision ${session.lastRevision}; ${this.count} connected`);
  }
}
