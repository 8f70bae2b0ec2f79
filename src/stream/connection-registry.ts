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
  private readonly perBudget = new Map<string, number>();

  constructor(private readonly metrics: Metrics) {}

  get count(): number {
    return this.sessions.size;
  }

  list(): ConnectionInfo[] {
    return [...this.sessions].map((s) => s.info());
  }

  /** Open streams that use one budget (a token's, or an address's: see streamBudget). */
  countIn(budgetKey: string): number {
    return this.perBudget.get(budgetKey) ?? 0;
  }

  all(): Iterable<StreamSession> {
    return this.sessions;
  }

  add(session: StreamSession): void {
    if (this.sessions.has(session)) return;
    this.sessions.add(session);
    this.metrics.subscribers.set(this.count);
    const { id, agent, remoteAddress, budget } = session.subscriber;
    this.perBudget.set(budget.key, this.countIn(budget.key) + 1);
    this.logger.log(`subscriber ${id} connected (agent ${agent || '-'} from ${remoteAddress}); ${this.count} connected`);
  }

  remove(session: StreamSession): void {
    if (!this.sessions.delete(session)) return;
    this.metrics.subscribers.set(this.count);
    const { id, budget } = session.subscriber;
    const left = this.countIn(budget.key) - 1;
    if (left > 0) this.perBudget.set(budget.key, left);
    else this.perBudget.delete(budget.key);
    this.logger.log(`subscriber ${id} disconnected (${session.closeReason}) at revision ${session.lastRevision}; ${this.count} connected`);
  }
}
