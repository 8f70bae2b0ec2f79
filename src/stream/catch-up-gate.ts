/**
 * Lets at most `limit` catch-ups read and encode at once; the others wait
 * their turn holding nothing but their socket. A reconnect storm, or many
 * clients resuming from far back at once, then costs the server `limit` pages
 * of memory, not one per connection. The gate is held while reading, never
 * while waiting for a client to read, so a client that stalls cannot hold it.
 */
export class CatchUpGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) this.active += 1;
    // A freed slot is handed straight to the next in line, so nobody can slip in between.
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}
