import { Logger } from '@nestjs/common';
import { hostname } from 'node:os';
import pg from 'pg';
import type { PostgresConfig } from '../../config/app-config.js';
import { CHANGES_CHANNEL, connectionOptions, unavailable } from './postgres.connection.js';
import type { ChangeRecord, PromptStore } from '../prompt-store.js';
import { ChangeBus, type BusStatus, type ChangeListener } from '../change-bus.js';
import { ListenWatchdog } from './listen-watchdog.js';

export interface ReconnectPolicy {
  /** First wait after the LISTEN connection drops. Defaults to `100` ms. */
  firstDelayMs: number;
  /** Longest wait between attempts. Defaults to `5000` ms. */
  maxDelayMs: number;
}

const DEFAULT_RECONNECT: ReconnectPolicy = { firstDelayMs: 100, maxDelayMs: 5000 };
/** How many log entries one read fetches; a longer backlog is read in several. */
const BATCH = 500;

/**
 * The multi-replica bus. Every write notifies CHANGES_CHANNEL with its
 * revision inside its transaction (see PostgresPromptStore); this bus holds
 * one dedicated LISTEN connection per process and, on each notification,
 * reads what is new from the change log and emits it in revision order.
 *
 * `publish()` does nothing: delivery comes from the database, so every
 * replica, including the one that wrote, sees the same ordered stream, and a
 * change is never emitted twice on the writing replica.
 *
 * It reads the log through `store` and closes it on close(): give it a store
 * of its own (one connection is enough), so its reads never queue behind writes.
 *
 * When the LISTEN connection drops it reconnects with backoff, LISTENs again
 * and then reads the log from the last revision it emitted, so changes
 * committed while it was away still reach subscribers, in order. A watchdog
 * pings the connection every PG_LISTEN_PING_MS, so one that died silently
 * takes the same path instead of waiting for TCP keepalive.
 */
export class PostgresChangeBus extends ChangeBus {
  private readonly logger = new Logger('PostgresChangeBus');
  private readonly listeners = new Set<ChangeListener>();
  private readonly options: pg.ClientConfig;
  private readonly watchdog: ListenWatchdog<pg.Client>;
  private client: pg.Client | undefined;
  private state: BusStatus = 'idle';
  private lastSeen = 0;
  private dirty = false;
  private draining: Promise<void> | undefined;
  private reconnecting: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly config: PostgresConfig,
    private readonly store: PromptStore,
    private readonly reconnect: ReconnectPolicy = DEFAULT_RECONNECT,
  ) {
    super();
    // query_timeout bounds the watchdog's ping: no answer within PG_CONNECT_TIMEOUT_MS means a dead connection.
    this.options = { ...connectionOptions(config, listenApplicationName()), keepAlive: true, query_timeout: config.connectTimeoutMs };
    this.watchdog = new ListenWatchdog(config.listenPingMs, (client, err) => this.pingFailed(client, err));
  }

  async start(): Promise<void> {
    this.state = 'starting';
    const startedAt = Date.now();
    try {
      await this.listen();
      // ordering: LISTEN before reading where the log stands, so a commit in between is
      // either inside that revision or notified after it.
      this.lastSeen = await this.store.revision();
    } catch (err) {
      await this.close();
      throw unavailable(this.config, err, startedAt);
    }
    // The connection may already have dropped again; then the reconnect loop owns the state.
    if (this.state === 'starting') this.state = 'listening';
    this.requestDrain();
  }

  async close(): Promise<void> {
    this.state = 'closed';
    this.watchdog.stop();
    clearTimeout(this.timer);
    clearTimeout(this.retryTimer);
    this.wake?.();
    // ordering: let a reconnect attempt and an in-flight log read finish before the
    // store's pool closes under them, then end whichever LISTEN client is current.
    await this.reconnecting;
    await this.draining;
    const client = this.client;
    this.client = undefined;
    if (client) await endWithin(client, this.config.connectTimeoutMs);
    await this.store.close();
  }

  /** Does nothing: subscribers hear every change from the database, this replica's own included. */
  publish(_change: ChangeRecord): void {}

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Where the LISTEN connection stands, for health and tests. */
  get status(): BusStatus {
    return this.state;
  }

  /** The last revision emitted to subscribers. */
  get lastRevision(): number {
    return this.lastSeen;
  }

  private async listen(): Promise<void> {
    const client = new pg.Client(this.options);
    client.on('notification', () => this.requestDrain());
    // A dropped connection emits 'error' and then 'end'; 'end' is the one that acts.
    client.on('error', (err) => this.logger.warn(`LISTEN connection error: ${err.message}`));
    client.on('end', () => this.onEnd(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    this.client = client;
    this.watchdog.watch(client);
  }

  private onEnd(client: pg.Client): void {
    this.lost(client, 'LISTEN connection lost; reconnecting');
  }

  private pingFailed(client: pg.Client, err: unknown): void {
    this.lost(client, `LISTEN connection did not answer a ping (${err instanceof Error ? err.message : String(err)}); reconnecting`);
    // A silently dead connection may never emit 'end'; ending it with the ping still pending destroys its socket.
    void client.end().catch(() => undefined);
  }

  /** Lets go of `client` (if it is still the current one) and starts the reconnect loop. */
  private lost(client: pg.Client, why: string): void {
    if (client !== this.client || this.state === 'closed') return;
    this.client = undefined;
    this.watchdog.stop();
    this.state = 'reconnecting';
    this.logger.warn(why);
    this.reconnecting = this.reconnectLoop().finally(() => {
      this.reconnecting = undefined;
    });
  }

  private async reconnectLoop(): Promise<void> {
    for (let attempt = 0; this.state === 'reconnecting'; attempt++) {
      await this.pause(Math.min(this.reconnect.firstDelayMs * 2 ** attempt, this.reconnect.maxDelayMs));
      if (this.state !== 'reconnecting') return;
      try {
        await this.listen();
      } catch (err) {
        this.logger.warn(`LISTEN reconnect failed (attempt ${attempt + 1}): ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      // close() ends the new client once this loop returns.
      if (this.state !== 'reconnecting') return;
      this.state = 'listening';
      this.logger.log('LISTEN connection restored; catching up from the change log');
      // Catch up: whatever committed while no one was listening is in the log after lastSeen.
      this.requestDrain();
    }
  }

  /** Waits out a backoff delay with jitter; close() cuts it short. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms / 2 + Math.random() * (ms / 2));
    });
  }

  private requestDrain(): void {
    this.dirty = true;
    if (this.draining || (this.state !== 'listening' && this.state !== 'reconnecting')) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      // A notification that arrived after the last read but before this point still needs one.
      if (this.dirty) this.requestDrain();
    });
  }

  private async drain(): Promise<void> {
    while (this.dirty && this.state !== 'closed') {
      this.dirty = false;
      let changes: ChangeRecord[];
      try {
        changes = await this.store.changesAfter(this.lastSeen, BATCH);
      } catch (err) {
        // lastSeen did not move, so the retry (or any notification before it) reads the same changes again.
        this.logger.warn(`could not read the change log: ${err instanceof Error ? err.message : String(err)}`);
        this.retryTimer = setTimeout(() => this.requestDrain(), this.reconnect.maxDelayMs);
        return;
      }
      for (const change of changes) this.emit(change);
      if (changes.length === BATCH) this.dirty = true;
    }
  }

  private emit(change: ChangeRecord): void {
    if (change.revision <= this.lastSeen || this.state === 'closed') return;
    this.lastSeen = change.revision;
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (err) {
        this.logger.error(`a change listener threw: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}

/**
 * `promptcast-listen <pid>@<host>`: names which replica holds each LISTEN
 * connection in pg_stat_activity (PostgreSQL keeps the first 63 bytes, so the
 * pid comes before the host name, which may be long).
 */
export function listenApplicationName(pid = process.pid, host = hostname()): string {
  return `promptcast-listen ${pid}@${host}`;
}

/**
 * Ends a client politely, but a silently dead connection never answers the
 * goodbye: after `ms` its socket is destroyed so shutdown cannot hang on it.
 */
async function endWithin(client: pg.Client, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ended = client.end().catch(() => undefined);
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      client.connection.stream.destroy();
      resolve();
    }, ms);
  });
  await Promise.race([ended, late]);
  clearTimeout(timer);
}
