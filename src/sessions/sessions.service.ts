import {
  BadRequestException,
  ConflictException,
  Injectable,
  Logger,
  NotFoundException,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { RequestActor } from '../auth/actor.decorator.js';
import { AppConfig } from '../config/app-config.js';
import { checkSessionReport } from '../protocol/session-report.js';
import { SESSION_ID_PATTERN, SESSION_ID_RULE, type SessionList, type StoredSession } from '../protocol/sessions.js';
import { decodeCursor, encodeCursor } from './session-cursor.js';
import { SessionStore } from './session-store.js';
import { SESSION_PAGE_DEFAULT, type SessionListQuery } from './dto/session-list-query.dto.js';

/** Sessions deleted per statement when pruning, and statements per run: a run never holds the database long. */
export const PRUNE_BATCH = 1000;
const PRUNE_BATCHES_PER_RUN = 10;
/** How often retention runs: on a report at most this often, and on a timer when no report comes. */
const PRUNE_INTERVAL_MS = 10 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export type ReportedListener = (rolloutIds: string[]) => void;

/**
 * Session reports (docs/rollouts.md, "Session reports"): checks a report
 * (protocol/session-report.ts), stores it, tells the rollout guard which
 * rollouts it touched, and keeps SESSION_RETENTION_DAYS of calls.
 */
@Injectable()
export class SessionsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SessionsService');
  private readonly listeners = new Set<ReportedListener>();
  private lastPrune = 0;
  private pruning: Promise<number> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly store: SessionStore,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.pruneSoon(), PRUNE_INTERVAL_MS).unref();
    void this.pruneSoon();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.pruning;
  }

  /**
   * Calls `listener` after each stored report that names a rollout, with the
   * ids it names (each once). Returns the unsubscribe function.
   */
  onReported(listener: ReportedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stores a report: 400 naming the first wrong field, 409 naming a session another token reported. */
  async report(body: unknown, actor: RequestActor): Promise<void> {
    const checked = checkSessionReport(body, Date.now());
    if (!checked.ok) throw new BadRequestException(checked.error);
    const { agentId, sessions } = checked.report;
    // An open server has no tokens to tell apart: any caller may update any session.
    const token = actor.via === 'open' ? null : actor.author;
    const outcome = await this.store.save({ agentId, token }, sessions, new Date().toISOString());
    if (!outcome.ok) {
      throw new ConflictException(
        `session "${outcome.sessionId}" was reported with another token; a session belongs to the token that first reported it, so nothing in this report was stored`,
      );
    }
    // ordering: listeners hear of a report only once it is committed, so the figures they read include it.
    const rolloutIds = [...new Set(sessions.flatMap((s) => Object.values(s.rollouts ?? {}).map((v) => v.rolloutId)))];
    if (rolloutIds.length > 0) this.notify(rolloutIds);
    void this.pruneSoon();
  }

  async list(query: SessionListQuery): Promise<SessionList> {
    if (query.version !== undefined && query.key === undefined) throw new BadRequestException('version needs key: the version of which prompt?');
    const before = query.before === undefined ? undefined : decodeCursor(query.before);
    if (query.before !== undefined && !before) throw new BadRequestException('before must be the `next` of an earlier page, as the server sent it');
    const limit = query.limit ?? SESSION_PAGE_DEFAULT;
    // One more than the page: whether it exists says whether there is a next page.
    const rows = await this.store.list({ key: query.key, version: query.version, label: query.label, limit: limit + 1, before });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { sessions: page, next: rows.length > limit && last ? encodeCursor(last) : null };
  }

  async get(sessionId: string): Promise<StoredSession> {
    if (!SESSION_ID_PATTERN.test(sessionId)) throw new BadRequestException(`session id must be ${SESSION_ID_RULE}`);
    const session = await this.store.get(sessionId);
    if (!session) throw new NotFoundException(`no session "${sessionId}": it was never reported, or it is older than SESSION_RETENTION_DAYS`);
    return session;
  }

  /**
   * Deletes calls that started more than SESSION_RETENTION_DAYS ago, in
   * batches of PRUNE_BATCH and at most PRUNE_BATCHES_PER_RUN of them, so one
   * run is bounded; what is left goes in the next run. Returns how many went.
   */
  async pruneExpired(now = Date.now()): Promise<number> {
    const before = new Date(now - this.config.agents.sessionRetentionDays * DAY_MS).toISOString();
    let total = 0;
    for (let i = 0; i < PRUNE_BATCHES_PER_RUN; i += 1) {
      const deleted = await this.store.prune(before, PRUNE_BATCH);
      total += deleted;
      if (deleted < PRUNE_BATCH) break;
    }
    return total;
  }

  /** Runs retention unless it ran within PRUNE_INTERVAL_MS or is running; a failure is logged and retried next time. */
  private pruneSoon(): Promise<number> | undefined {
    if (this.pruning || Date.now() - this.lastPrune < PRUNE_INTERVAL_MS) return this.pruning;
    this.lastPrune = Date.now();
    this.pruning = this.pruneExpired()
      .catch((err: unknown) => {
        this.logger.warn(`session retention failed: ${err instanceof Error ? err.message : String(err)}`);
        return 0;
      })
      .finally(() => (this.pruning = undefined));
    return this.pruning;
  }

  private notify(rolloutIds: string[]): void {
    for (const listener of this.listeners) {
      try {
        listener(rolloutIds);
      } catch (err) {
        this.logger.error(`a session-report listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
