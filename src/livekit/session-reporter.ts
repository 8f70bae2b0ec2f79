import { endpointUrl } from '../client/index.js';
import { backoffDelay, type BackoffBounds } from '../protocol/backoff.js';
import { SESSION_LIMITS, type SessionRecord, type SessionReport } from '../protocol/sessions.js';

export interface SessionReporterOptions {
  /** Base URL of the Promptcast server. */
  url: string;
  /** An agent token (`POST /api/sessions/report` takes the agent scope). */
  token?: string;
  /** Names the reporting agent in every report. */
  agentId: string;
  /** How long a record may wait to be batched with others. Defaults to `2000` ms. */
  intervalMs?: number;
  /** Records held while the server cannot take them; beyond this the oldest are dropped (and counted). Defaults to `1000`. */
  maxQueue?: number;
  /** Retry schedule after a failed POST. Defaults to 1 s doubling to 60 s. */
  backoff?: BackoffBounds;
  /** Receives a line for every refusal and drop. Defaults to none. */
  log?: (message: string, level: 'debug' | 'warn') => void;
  /** Defaults to `globalThis.fetch`. */
  fetch?: (input: string | URL, init?: RequestInit) => Promise<Response>;
  /** Source of jitter in [0, 1). Defaults to `Math.random`. */
  random?: () => number;
}

/** What a reporter has done so far. */
export interface SessionReporterStats {
  /** Records the server accepted. */
  sent: number;
  /** Records dropped because the queue was full (oldest first). */
  dropped: number;
  /** Records the server refused with a 4xx other than 429: resending would not help. */
  refused: number;
  /** POSTs that failed and will be retried (network errors, 429, 5xx). */
  failures: number;
  /** Records waiting now. */
  queued: number;
}

/** A POST that takes longer than this is abandoned and retried. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Sends session records to `POST /api/sessions/report` in batches
 * (at most SESSION_LIMITS.sessionsPerReport a POST). The queue is bounded:
 * a newer record of a session replaces the queued one, and when the server
 * is away for long the oldest records are dropped and counted, never the
 * agent's memory. A failed POST is retried on the shared backoff schedule;
 * a refusal (4xx but 429) is logged and its records dropped. Telemetry
 * never reaches the call: nothing here throws to the caller.
 */
export class SessionReporter {
  private readonly queue = new Map<string, SessionRecord>();
  private readonly options: Required<Omit<SessionReporterOptions, 'token' | 'log'>> & Pick<SessionReporterOptions, 'token' | 'log'>;
  private readonly counts = { sent: 0, dropped: 0, refused: 0, failures: 0 };
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private attempt = 0;
  private closed = false;

  constructor(options: SessionReporterOptions) {
    this.options = {
      intervalMs: 2000,
      maxQueue: 1000,
      backoff: { initialMs: 1000, maxMs: 60_000 },
      fetch: (input, init) => globalThis.fetch(input, init),
      random: Math.random,
      ...options,
    };
  }

  /** Queues a session's record (replacing an older one of the same session) for the next batch. */
  submit(record: SessionRecord): void {
    if (this.closed) return;
    this.queue.delete(record.sessionId);
    this.queue.set(record.sessionId, record);
    while (this.queue.size > this.options.maxQueue) {
      const oldest = this.queue.keys().next().value as string;
      this.queue.delete(oldest);
      this.counts.dropped += 1;
      this.options.log?.(`session report queue full (${this.options.maxQueue}): dropped the record of ${oldest}`, 'warn');
    }
    this.schedule(this.options.intervalMs);
  }

  /** Sends everything queued now, batch after batch, until the queue is empty or a POST fails. */
  flush(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.inFlight = this.drain().then((retryInMs) => {
      this.inFlight = undefined;
      // ordering: scheduled after inFlight is cleared, or schedule() would see a send in progress and skip it.
      if (retryInMs !== undefined) this.schedule(retryInMs);
    });
    return this.inFlight;
  }

  stats(): SessionReporterStats {
    return { ...this.counts, queued: this.queue.size };
  }

  /** Makes one last attempt to send what is queued, then stops; later records are ignored. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.inFlight;
    await this.flush();
    this.closed = true;
    clearTimeout(this.timer);
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.inFlight || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delayMs);
    // Reports must not keep a job process alive.
    this.timer.unref();
  }

  /** Sends batch after batch; after a failed POST, stops and answers how long to wait before the next try. */
  private async drain(): Promise<number | undefined> {
    while (this.queue.size > 0) {
      const batch = [...this.queue.values()].slice(0, SESSION_LIMITS.sessionsPerReport);
      const outcome = await this.post({ agentId: this.options.agentId, sessions: batch });
      if (outcome === 'retry') {
        this.counts.failures += 1;
        return Math.max(1, backoffDelay(this.attempt++, this.options.backoff, this.options.random));
      }
      this.attempt = 0;
      for (const record of batch) {
        // A newer record of the session that arrived during the POST stays queued.
        if (this.queue.get(record.sessionId) === record) this.queue.delete(record.sessionId);
        if (outcome === 'sent') this.counts.sent += 1;
        else this.counts.refused += 1;
      }
    }
    return undefined;
  }

  private async post(report: SessionReport): Promise<'sent' | 'refused' | 'retry'> {
    const { url, token, log } = this.options;
    try {
      const res = await this.options.fetch(endpointUrl(url, '/api/sessions/report'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(report),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      if (res.ok) {
        await res.body?.cancel();
        return 'sent';
      }
      const reason = (await res.text().catch(() => '')).slice(0, 300);
      if (res.status >= 400 && res.status < 500 && res.status !== 429) {
        log?.(`session report refused (HTTP ${res.status}): ${reason}`, 'warn');
        return 'refused';
      }
      log?.(`session report not accepted (HTTP ${res.status}); retrying`, 'debug');
      return 'retry';
    } catch (error) {
      log?.(`session report not delivered: ${(error as Error).message}; retrying`, 'debug');
      return 'retry';
    }
  }
}
