/**
 * One timer for every connection, running only while someone is connected, so
 * an idle server (and a test that closed its clients) holds no timer.
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly beat: () => void,
  ) {}

  get active(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(this.beat, this.intervalMs);
    // Open streams keep the server alive; the heartbeat alone never should.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
