import { DEFAULT_LABEL } from '../protocol/labels.js';
import { keyList } from '../protocol/prompts.js';
import { Backoff } from './backoff.js';
import { TimerSlots } from './clock.js';
import { PromptClientAuthError, PromptClientError } from './errors.js';
import { parseStreamEvent, type SnapshotEvent, type StreamEvent } from './events.js';
import { CLIENT_DEFAULTS, type ResolvedOptions } from './options.js';
import { pollOnce } from './poll.js';
import { openStream, type StreamConnection, type StreamFailure } from './stream-connection.js';
import type { ClientMode, LogLevel } from './types.js';
import { endpointUrl } from './endpoint.js';

/**
 * The link's states. `connecting` → `open` → (drop) → `waiting` → `connecting`
 * …; `stopped` (the server refused the token) and `closed` are final.
 * Polling runs beside `connecting`/`waiting` once a connection attempt failed.
 */
export type LinkPhase = 'idle' | 'connecting' | 'open' | 'waiting' | 'stopped' | 'closed';

/** What the link tells its owner. */
export interface LinkHandlers {
  /** The revision to resume from (`Last-Event-ID`, `If-None-Match`); `null` for a fresh start. */
  resumeFrom(): number | null;
  /** A prompt event or snapshot from the stream. */
  event(event: StreamEvent): void;
  /** A whole state from a poll. */
  polled(snapshot: SnapshotEvent): void;
  mode(mode: ClientMode, previous: ClientMode): void;
  problem(error: PromptClientError): void;
  /** Neither the stream nor a poll reached the server. */
  unreachable(): void;
  stopped(error: PromptClientAuthError): void;
  log(message: string, level: LogLevel): void;
}

type Timer = 'reconnect' | 'stall' | 'poll';

/**
 * The connection state machine: one SSE stream at a time, client-owned
 * reconnection with backoff, stall detection, and polling while the stream is
 * down. It knows nothing about prompts; the client applies what it reports.
 */
export class Link {
  private phase: LinkPhase = 'idle';
  private currentMode: ClientMode = 'offline';
  private connection: StreamConnection | undefined;
  private openedAt = 0;
  private failedAttempts = 0;
  private polling = false;
  private pollOk = false;
  private pollAbort: AbortController | undefined;
  private outageReported = false;
  private stallMs: number;
  private readonly timers: TimerSlots<Timer>;
  private readonly backoff: Backoff;
  private readonly headers: Record<string, string>;
  /** Epoch ms of the last stream event or successful poll. */
  lastHeardAt: number | null = null;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly on: LinkHandlers,
  ) {
    this.timers = new TimerSlots(options.clock);
    this.backoff = new Backoff(options.backoff, options.random);
    this.stallMs = options.heartbeatMs * CLIENT_DEFAULTS.stallFactor;
    this.headers = {
      ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
      ...(options.agentId ? { 'X-Agent-Id': options.agentId } : {}),
    };
  }

  get mode(): ClientMode {
    return this.currentMode;
  }

  get state(): LinkPhase {
    return this.phase;
  }

  start(): void {
    if (this.phase !== 'idle') return;
    if (this.options.transport === 'auto') return this.connect();
    // Polling only: the link waits for good and the poll timer is its only schedule.
    this.phase = 'waiting';
    this.startPolling();
  }

  close(): void {
    this.shutdown('closed');
  }

  private connect(): void {
    if (this.phase !== 'idle' && this.phase !== 'waiting') return;
    this.phase = 'connecting';
    const resume = this.on.resumeFrom();
    const headers = resume === null ? this.headers : { ...this.headers, 'Last-Event-ID': String(resume) };
    this.on.log(`connecting to ${this.streamUrl().href}${resume === null ? '' : ` from revision ${resume}`}`, 'debug');
    // A server that accepts the connection and then says nothing is as dead as one that refuses it.
    this.timers.set('stall', this.stallMs, () => this.failed({ status: undefined, message: '' }, true));
    this.connection = openStream(this.streamUrl(), headers, this.options.fetch, {
      onOpen: () => this.opened(),
      onEvent: (type, data) => this.received(type, data),
      onFailure: (failure) => this.failed(failure, false),
    });
  }

  private opened(): void {
    if (this.phase !== 'connecting') return;
    this.phase = 'open';
    this.openedAt = this.options.clock.now();
    this.failedAttempts = 0;
    this.outageReported = false;
    this.lastHeardAt = this.openedAt;
    this.stopPolling();
    this.armStall();
    this.on.log('stream open', 'info');
    this.updateMode();
  }

  private received(type: string, data: string): void {
    if (this.phase !== 'open') return;
    this.lastHeardAt = this.options.clock.now();
    this.armStall();
    let event: StreamEvent;
    try {
      event = parseStreamEvent(type, data);
    } catch (err) {
      this.on.problem(err as PromptClientError);
      return;
    }
    if (event.type === 'heartbeat' && event.intervalMs !== undefined) {
      this.stallMs = event.intervalMs * CLIENT_DEFAULTS.stallFactor;
    }
    this.on.event(event);
  }

  private failed(failure: StreamFailure, stalled: boolean): void {
    if (this.phase !== 'connecting' && this.phase !== 'open') return;
    const wasOpen = this.phase === 'open';
    this.connection?.close();
    this.connection = undefined;
    this.timers.clear('stall');
    if (failure.status === 401 || failure.status === 403) {
      this.stop(new PromptClientAuthError(failure.status, this.options.url));
      return;
    }
    const now = this.options.clock.now();
    if (wasOpen) this.backoff.connectionEnded(this.openedAt, now);
    else this.failedAttempts += 1;
    this.reportOutage(
      stalled
        ? new PromptClientError('STREAM_STALLED', `the stream sent nothing for ${this.stallMs} ms; reconnecting`)
        : new PromptClientError('STREAM_FAILED', `the stream ${wasOpen ? 'dropped' : 'failed'}: ${failure.message}`, failure.status),
    );
    this.phase = 'waiting';
    const delay = this.backoff.next();
    this.on.log(`reconnecting in ${delay} ms (retry ${this.backoff.attempts})`, 'debug');
    this.timers.set('reconnect', delay, () => this.connect());
    if (this.failedAttempts >= 1) this.startPolling();
    this.updateMode();
  }

  private armStall(): void {
    this.timers.set('stall', this.stallMs, () => this.failed({ status: undefined, message: '' }, true));
  }

  private startPolling(): void {
    if (this.polling) return;
    this.polling = true;
    const why = this.options.transport === 'poll' ? 'transport is poll' : 'stream down';
    this.on.log(`${why}; polling every ${this.options.pollIntervalMs} ms`, 'info');
    void this.poll();
  }

  private stopPolling(): void {
    this.polling = false;
    this.pollOk = false;
    this.pollAbort?.abort();
    this.pollAbort = undefined;
    this.timers.clear('poll');
  }

  private async poll(): Promise<void> {
    const abort = new AbortController();
    this.pollAbort = abort;
    try {
      const result = await pollOnce(this.options.fetch, this.listUrl(), this.headers, this.on.resumeFrom(), abort.signal);
      if (abort.signal.aborted) return;
      this.lastHeardAt = this.options.clock.now();
      this.pollOk = true;
      if (result.kind === 'state') this.on.polled(result.snapshot);
    } catch (err) {
      if (abort.signal.aborted) return;
      if (err instanceof PromptClientAuthError) return this.stop(err);
      this.pollOk = false;
      this.reportOutage(err as PromptClientError);
      this.on.unreachable();
    }
    if (!this.polling) return;
    this.updateMode();
    this.timers.set('poll', this.options.pollIntervalMs, () => void this.poll());
  }

  private reportOutage(error: PromptClientError): void {
    this.on.log(error.message, 'warn');
    if (this.outageReported) return;
    this.outageReported = true;
    this.on.problem(error);
  }

  private stop(error: PromptClientAuthError): void {
    this.shutdown('stopped');
    this.on.log(error.message, 'error');
    this.on.stopped(error);
  }

  private shutdown(phase: 'stopped' | 'closed'): void {
    if (this.phase === 'stopped' || this.phase === 'closed') return;
    const notify = phase === 'stopped';
    this.phase = phase;
    this.connection?.close();
    this.connection = undefined;
    this.stopPolling();
    this.timers.shutdown();
    if (notify) this.updateMode();
    else this.currentMode = 'offline';
  }

  private updateMode(): void {
    const mode: ClientMode = this.phase === 'open' ? 'streaming' : this.polling && this.pollOk ? 'polling' : 'offline';
    if (mode === this.currentMode) return;
    const previous = this.currentMode;
    this.currentMode = mode;
    this.on.log(`mode ${previous} → ${mode}`, 'info');
    this.on.mode(mode, previous);
  }

  private streamUrl(): URL {
    const url = this.endpoint('/api/prompts/stream');
    this.setView(url);
    if (this.options.agentId) url.searchParams.set('agent', this.options.agentId);
    return url;
  }

  private listUrl(): URL {
    const url = this.endpoint('/api/prompts');
    // The server filters the poll as it filters the stream, so a poll downloads only what this client follows.
    this.setView(url);
    return url;
  }

  /** `?label=` (unless it is the default, which old servers also serve) and `?keys=`: the view this client follows. */
  private setView(url: URL): void {
    if (this.options.label !== DEFAULT_LABEL) url.searchParams.set('label', this.options.label);
    const keys = keyList(this.options.keys);
    if (keys !== undefined) url.searchParams.set('keys', keys);
  }

  private endpoint(path: string): URL {
    return endpointUrl(this.options.url, path);
  }
}
