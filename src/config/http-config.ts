import type { HttpConfig } from './app-config.js';
import { ConfigError } from './config-error.js';
import type { EnvVars } from './env.vars.js';

/** Timeouts and per-address socket caps of the HTTP server; see docs/operations.md ("Connections and timeouts"). */
export function httpConfig(vars: EnvVars): HttpConfig {
  if (vars.HTTP_HEADERS_TIMEOUT_MS > vars.HTTP_REQUEST_TIMEOUT_MS) {
    // Node refuses this pair too: the head is part of the request, so it cannot be given longer than the whole.
    throw new ConfigError(
      `Invalid configuration:\n  HTTP_HEADERS_TIMEOUT_MS=${vars.HTTP_HEADERS_TIMEOUT_MS} is above HTTP_REQUEST_TIMEOUT_MS=${vars.HTTP_REQUEST_TIMEOUT_MS}`,
    );
  }
  return {
    headersTimeoutMs: vars.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: vars.HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: vars.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    maxPendingPerAddress: vars.CONN_MAX_PENDING_PER_ADDRESS,
    maxPerAddress: vars.CONN_MAX_PER_ADDRESS,
    fastPath: vars.FAST_PATH === 'on',
  };
}
