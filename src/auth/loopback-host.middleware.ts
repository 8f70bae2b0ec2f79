import type { RequestHandler } from 'express';
import { STATUS_CODES } from 'node:http';
import type { AuthConfig } from '../config/app-config.js';
import { isLoopback } from '../config/auth-config.js';

const MISDIRECTED = 421;
/** `name`, `name:port`, `[v6]` or `[v6]:port`. */
const HOST = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i;

/**
 * DNS rebinding: a page on evil.example whose name the attacker re-points at
 * 127.0.0.1 makes the browser send same-origin requests to this server, with
 * `Host: evil.example:3000`. An open server (no ADMIN_TOKENS/AGENT_TOKENS, which
 * is allowed only on a loopback HOST) therefore answers only requests whose Host
 * names a loopback address on the port the request came in on; anything else gets
 * a 421 JSON error — the API, the stream, the admin UI and its assets, the API
 * docs and the health probes alike. With tokens configured this passes everything:
 * the tokens defend, and a proxy or load balancer may use any name.
 */
export function loopbackHostOnlyWhenOpen(auth: AuthConfig): RequestHandler {
  if (!auth.open) return (_req, _res, next) => next();
  return (req, res, next) => {
    const message = misdirected(auth, req.headers.host, req.socket.localPort);
    if (message === undefined) return next();
    res.status(MISDIRECTED).json({ statusCode: MISDIRECTED, error: STATUS_CODES[MISDIRECTED], message });
  };
}

/**
 * The rule itself, for this middleware and the fast path (src/fast-path/): undefined when
 * the request may be answered, else the 421 message saying why not.
 */
export function misdirected(auth: Pick<AuthConfig, 'open'>, host: string | undefined, port: number | undefined): string | undefined {
  if (!auth.open || isThisLoopbackServer(host, port)) return undefined;
  const named = host === undefined ? 'no Host header' : `the Host header ${JSON.stringify(host.slice(0, 100))}`;
  return (
    `this server runs without tokens (no ADMIN_TOKENS or AGENT_TOKENS) and so answers only requests addressed to ` +
    `localhost, 127.0.0.1 or [::1] on port ${String(port)}; it got ${named} (a DNS-rebinding page?). ` +
    `Open http://127.0.0.1:${String(port)}/ instead, or configure tokens`
  );
}

/** True for a loopback name or address with `port` (no port in the header means 80). */
export function isThisLoopbackServer(host: string | undefined, port: number | undefined): boolean {
  const match = host === undefined ? null : HOST.exec(host.trim());
  if (!match?.[1] || port === undefined) return false;
  return isLoopback(match[1]) && Number(match[2] ?? 80) === port;
}
