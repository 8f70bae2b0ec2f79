/**
 * The slice of a pino logger the Friday agent writes to. In the worker it is
 * `@livekit/agents`' `log()`, so agent lines land in the same stream as the
 * library's; tests pass a recorder.
 */
export interface AgentLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** Drops everything; for programs that want no agent logs. */
export const silentLogger: AgentLogger = { debug() {}, info() {}, warn() {} };
