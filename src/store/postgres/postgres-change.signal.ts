import { Logger } from '@nestjs/common';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { PostgresConfig } from '../../config/app-config.js';
import { backoffDelay } from '../../protocol/backoff.js';
import { parseRevisionToken } from '../../protocol/revision.js';
import { ChangeSignal, type HintListener, type SignalStatus } from '../change-signal.js';
import type { ChangeRecord } from '../prompt-store.js';
import { CHANGES_CHANNEL, connectionOptions, unavailable } from './postgres.connection.js';
import { ListenWatchdog } from './listen-watchdog.js';

export interface ReconnectPolicy {
  /** First wait after the LISTEN connection drops. Defaults to `100` ms. */
  firstDelayMs: number;
  /** Longest wait between attempts. Defaults to `5000` ms. */
  maxDelayMs: number;
}

const DEFAULT_RECONNECT: ReconnectPolicy = { firstDelayMs: 100, maxDelayMs: 5000 };

/**
 * The multi-replica signal. Every write notifies CHANGES_CHANNEL with its
 * revision inside its transaction (see PostgresPromptStore), so PostgreSQL
 * delivers the notification exactly when the write commits. This holds one
 * dedicated LISTEN connection per process and passes each revision on.
 *
 * `announce()` does nothing: every replica, the writing one included, hears
 * of a change from the database, so each change is signalled once everywhere.
 *
 * When the LISTEN connection drops it reconnects with backoff, LISTENs again
 * and then signals with no revision: the feed reads the log from where it
 * is, so changes committed while no one listened still arrive. A watchdog
 * pings the connection every PG_LISTEN_PING_MS, so one that died silently
 * takes the same path instead of waiting for TCP keepalive.
 */
export class PostgresChangeSignal extends ChangeSignal {
  private readonly logger = new Logger('PostgresChangeSignal');
  private readonly listeners = new Set<HintListener>();
  private readonly options: pg.ClientConfig;
  private readonly watchdog: ListenWatchdog<pg.Client>;
  private readonly closing = new AbortController();
  private client: pg.Client | undefined;
  private state: SignalStatus = 'idle';
  private reconnecting: Promise<void> | undefined;

  constructor(
    private readonly config: PostgresConfig,
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
    } catch (err) {
      await this.close();
      throw unavailable(this.config, err, startedAt);
    }
    // The connection may already have dropped again; then the reconnect loop owns the state.
    if (this.state === 'starting') this.state = 'listening';
  }

  async close(): Promise<void> {
    this.state = 'closed';
    this.watchdog.stop();
    this.closing.abort();
    // ordering: let a reconnect attempt finish before ending whichever LISTEN client is current.
    await this.reconnecting;
    const client = this.client;
    this.client = undefined;
    if (client) await endWithin(client, this.config.connectTimeoutMs);
  }

  /** Does nothing: every replica hears of every change from the database, this one's own included. */
  announce(_change: ChangeRecord): void {}

  subscribe(listener: HintListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Where the LISTEN connection stands, for health and tests. */
  get status(): SignalStatus {
    return this.state;
  }

  private async listen(): Promise<void> {
    const client = new pg.Client(this.options);
    client.on('notification', (n) => this.signal(parseRevisionToken(n.payload)));
    // A dropped connection emits 'error' and then 'end'; 'end' is the one that acts.
    client.on('error', (err) => this.logger.warn(`LISTEN connection error: ${err.message}`));
    client.on('end', () => this.lost(client, 'LISTEN connection lost; reconnecting'));
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

  private signal(revision: number | undefined): void {
    if (this.state === 'closed') return;
    for (const listener of this.listeners) listener({ revision });
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
      if (!(await this.pause(attempt))) return;
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
      // Whatever committed while no one was listening is in the log; the feed reads it.
      this.signal(undefined);
    }
  }

  /** Waits out one backoff delay (the shared full-jitter schedule); false when close() cut it short. */
  private async pause(attempt: number): Promise<boolean> {
    const ms = backoffDelay(attempt, { initialMs: this.reconnect.firstDelayMs, maxMs: this.reconnect.maxDelayMs }, Math.random);
    try {
      await sleep(ms, undefined, { signal: this.closing.signal });
      return true;
    } catch {
      return false;
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
  const giveUp = new AbortController();
  const late = sleep(ms, undefined, { signal: giveUp.signal }).then(
    () => client.connection.stream.destroy(),
    () => undefined,
  );
  await Promise.race([client.end().catch(() => undefined), late]);
  giveUp.abort();
}
