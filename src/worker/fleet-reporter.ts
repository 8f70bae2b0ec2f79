import { endpointUrl } from '../client/index.js';
import type { FleetReport } from '../protocol/fleet.js';
import type { AgentLogger } from './agent-logger.js';

export type { FleetReport } from '../protocol/fleet.js';

export interface FleetReporterOptions {
  /** Base URL of the Promptcast server. */
  url: string;
  token?: string;
  /** Time between reports when nothing changes. */
  intervalMs: number;
  /** Reads the current state at send time, so a report is never stale when it leaves. */
  snapshot: () => FleetReport;
  log: AgentLogger;
}

/** A report that cannot reach the server within this is abandoned; the next one will try again. */
const REQUEST_TIMEOUT_MS = 5_000;

/**
 * Posts the fleet report on a timer and on demand (after each apply). The
 * report is best-effort telemetry: failures are logged at debug and never
 * reach the agent. Reports asked for while one is in flight coalesce into one.
 */
export class FleetReporter {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly options: FleetReporterOptions) {}

  start(): void {
    if (this.stopped || this.timer) return;
    this.timer = setInterval(() => void this.report(), this.options.intervalMs);
    // Telemetry must not keep a job process alive.
    this.timer.unref();
    void this.report();
  }

  /** Sends a report now (or right after the one in flight); resolves when it is done, whatever the outcome. */
  report(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    this.inFlight = this.drain().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.inFlight;
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      await this.send(this.options.snapshot());
    } while (this.again && !this.stopped);
  }

  private async send(report: FleetReport): Promise<void> {
    const { url, token, log } = this.options;
    try {
      const res = await fetch(endpointUrl(url, '/api/agents/report'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(report),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      if (res.ok) return void (await res.body?.cancel());
      // A refusal other than "slow down" is a misconfiguration (an agent id another token holds, a bad
      // token): worth a warning an operator sees, with the server's reason. 429s and 5xx pass on their own.
      const reason = await res.text().catch(() => '');
      if (res.status >= 400 && res.status < 500 && res.status !== 429)
        log.warn({ status: res.status, reason: reason.slice(0, 300) }, 'fleet report refused');
      else log.debug({ status: res.status }, 'fleet report not accepted');
    } catch (error) {
      log.debug({ error: (error as Error).message }, 'fleet report not delivered');
    }
  }
}
