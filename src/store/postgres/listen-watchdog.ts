import type pg from 'pg';

/**
 * What the watchdog needs from a connection: one cheap query. The connection
 * must bound it (pg's `query_timeout`), or a ping on a dead socket never ends.
 */
export type Pingable = Pick<pg.Client, 'query'>;

/**
 * Pings the LISTEN connection with `SELECT 1` every `intervalMs`. A LISTEN
 * connection only receives, so one cut without a FIN or RST (a partition, a
 * NAT table that forgot it) looks idle rather than dead until TCP keepalive
 * gives up, which can take minutes. A ping that fails (the connection's query
 * timeout included) reports the connection dead once, and the watchdog stops.
 */
export class ListenWatchdog<C extends Pingable> {
  private timer: NodeJS.Timeout | undefined;
  private watched: C | undefined;
  private pinging = false;

  constructor(
    private readonly intervalMs: number,
    private readonly onDead: (client: C, err: unknown) => void,
  ) {}

  get active(): boolean {
    return this.timer !== undefined;
  }

  /** Starts watching `client`, replacing whatever was watched before. */
  watch(client: C): void {
    this.stop();
    this.watched = client;
    this.timer = setInterval(() => void this.ping(client), this.intervalMs);
    // The signal's LISTEN connection keeps the process alive while it is open; the watchdog never should.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.watched = undefined;
  }

  private async ping(client: C): Promise<void> {
    // A ping still waiting for its answer is already timing this connection.
    if (this.pinging) return;
    this.pinging = true;
    try {
      await client.query('SELECT 1');
    } catch (err) {
      // stop() (or a newer watch()) since this ping began means the connection was let go on purpose.
      if (this.watched !== client) return;
      this.stop();
      this.onDead(client, err);
    } finally {
      this.pinging = false;
    }
  }
}
