import type { Server } from 'node:http';
import type { HttpConfig } from '../config/app-config.js';

/** Read by Node when the server starts listening; @types/node only types it as a createServer option. */
type CheckedServer = Server & { connectionsCheckingInterval: number };

/**
 * Node's HTTP timeouts, set deliberately. `headersTimeout` bounds a request's head
 * (for the first request, counted from the connection), `requestTimeout` its head
 * and body; neither bounds the response, so an SSE stream lives as long as it likes
 * (test/connection-limits.e2e-spec.ts). Node checks both on an interval, 30 s by
 * default, which let a slowloris socket live up to 30 s past the timeout.
 * Must run before `listen()`.
 */
export function applyServerTimeouts(server: Server, http: HttpConfig): void {
  server.headersTimeout = http.headersTimeoutMs;
  server.requestTimeout = http.requestTimeoutMs;
  server.keepAliveTimeout = http.keepAliveTimeoutMs;
  // A tenth of the head's allowance, at most a second: a slow socket outlives its timeout by at most that.
  (server as CheckedServer).connectionsCheckingInterval = Math.max(20, Math.min(1000, Math.round(http.headersTimeoutMs / 10)));
}
