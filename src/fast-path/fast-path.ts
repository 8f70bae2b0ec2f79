import type { NestExpressApplication } from '@nestjs/platform-express';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { AdminUiStreams } from '../auth/admin-ui-streams.js';
import { Authorization } from '../auth/authorization.js';
import { SessionCookies } from '../auth/session-cookies.js';
import type { AppConfig } from '../config/app-config.js';
import type { AppLogger } from '../logging/app-logger.js';
import { Metrics } from '../metrics/metrics.js';
import { PromptListResponder } from '../prompts/prompt-list.responder.js';
import { StreamHub } from '../stream/stream-hub.js';
import { PollRoute } from './poll-route.js';
import { StreamRoute } from './stream-route.js';

/** What a route ahead of Express does: recognise a request, then answer it (true) or leave it untouched (false). */
interface FastRoute {
  matches(req: IncomingMessage): boolean;
  answer(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

/**
 * Puts the hot routes ahead of Express: the server's `request` listener becomes
 * one that lets PollRoute (the poll) and StreamRoute (the SSE connect) answer what they recognise and hands everything else,
 * and everything it declines, to the Express app Nest registered. The listeners
 * before it stay (the per-address connection caps count a request head there),
 * as do the socket-level caps on `connection`. FAST_PATH=off leaves the server
 * as Nest built it. Call after every other piece of the server is configured.
 */
export function installFastPath(app: NestExpressApplication, config: AppConfig, logger: AppLogger): void {
  if (!config.http.fastPath) return;
  const server: Server = app.getHttpServer();
  const express = app.getHttpAdapter().getInstance() as RequestListener & { request: object };
  const listeners = server.listeners('request');
  if (!listeners.includes(express)) throw new Error('fast path: the Express app is not a request listener of the HTTP server');
  const clientAddress = clientAddressOf(express, config);
  const authorization = app.get(Authorization);
  const metrics = app.get(Metrics);
  const routes: FastRoute[] = [
    new PollRoute({ auth: config.auth, authorization, responder: app.get(PromptListResponder), metrics, logger, clientAddress }),
    new StreamRoute({
      auth: config.auth,
      stream: config.stream,
      authorization,
      adminUi: app.get(AdminUiStreams),
      sessions: app.get(SessionCookies),
      hub: app.get(StreamHub),
      metrics,
      logger,
      clientAddress,
    }),
  ];
  const framework = (req: IncomingMessage, res: ServerResponse) => express(req, res);
  server.removeListener('request', express);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    let route: FastRoute | undefined;
    for (const r of routes) if (r.matches(req)) route = r;
    if (!route) return framework(req, res);
    route.answer(req, res).then(
      (answered) => {
        if (!answered) framework(req, res);
      },
      (err: unknown) => {
        // Nothing is written before the last await: the framework route meets the same failure and answers it as usual.
        if (!res.headersSent) return framework(req, res);
        logger.error(err instanceof Error ? err : new Error(String(err)), 'FastPath');
        res.destroy();
      },
    );
  });
}

/**
 * `req.ip` as Express works it out. With TRUST_PROXY_HOPS=0 that is the socket's
 * peer; behind proxies it is Express's own getter (proxy-addr with the app's
 * `trust proxy`), called on the bare request, so the two never disagree.
 */
function clientAddressOf(express: { request: object }, config: AppConfig): (req: IncomingMessage) => string | null {
  if (config.auth.trustProxyHops === 0) return (req) => req.socket.remoteAddress ?? null;
  // A request object on Express's own request prototype, carrying what its `ip` getter reads.
  return (req) => {
    const view = Object.create(express.request, {
      app: { value: express },
      headers: { value: req.headers },
      socket: { value: req.socket },
      connection: { value: req.socket },
    }) as { ip?: string };
    return view.ip ?? null;
  };
}
