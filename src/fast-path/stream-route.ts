import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { AdminUiStreams } from '../auth/admin-ui-streams.js';
import { authorize, type Authorization } from '../auth/authorization.js';
import { misdirected } from '../auth/loopback-host.middleware.js';
import type { SessionClaim, SessionCookies } from '../auth/session-cookies.js';
import { streamBudget } from '../auth/stream-budget.js';
import type { AuthConfig, StreamConfig } from '../config/app-config.js';
import type { AppLogger } from '../logging/app-logger.js';
import { requestId } from '../logging/request-logging.middleware.js';
import type { Metrics } from '../metrics/metrics.js';
import type { StreamHub } from '../stream/stream-hub.js';
import { plainStreamQuery } from '../stream/stream-query.dto.js';
import { toSubscriber } from '../stream/subscriber.js';

/** The framework route's template, so both paths count into the same `promptcast_http_request_duration_seconds` series. */
export const STREAM_ROUTE = '/api/prompts/stream';

export interface StreamRouteDeps {
  auth: Pick<AuthConfig, 'open'>;
  stream: Pick<StreamConfig, 'maxPerToken' | 'maxPerAddress'>;
  authorization: Authorization;
  adminUi: AdminUiStreams;
  sessions: SessionCookies;
  hub: StreamHub;
  metrics: Metrics;
  logger: AppLogger;
  /** The client's address as Express's `req.ip` works it out (TRUST_PROXY_HOPS). */
  clientAddress: (req: IncomingMessage) => string | null;
}

/**
 * `GET /api/prompts/stream` opened ahead of Express: the same host rule, the
 * same authorization, the same query rules, the same stream budget and the
 * same hub as the framework route (StreamController), and none of the rest.
 * Like PollRoute it opens only the plain success; everything else (HEAD,
 * another spelling of the path, a body, a query the rules refuse or it leaves
 * alone, a refused caller, a used-up budget, a closing server) goes on,
 * untouched, to the framework route, which answers it as without the fast
 * path. Nothing is written, and no listener added, before the last check.
 * An open stream holds what the hub holds and nothing of Express (issue 17:
 * idle memory per subscriber).
 */
export class StreamRoute {
  constructor(private readonly deps: StreamRouteDeps) {}

  /** Only the exact path, GET, and no body. HEAD stays with the framework route (hub.describe): nobody polls it. */
  matches(req: IncomingMessage): boolean {
    const url = req.url ?? '';
    const end = url.indexOf('?');
    const path = end === -1 ? url : url.slice(0, end);
    return (
      path === STREAM_ROUTE && req.method === 'GET' && req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined
    );
  }

  /** True when opened (or the client already left); false leaves the request, untouched, to the framework. */
  async answer(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const started = performance.now();
    const { deps } = this;
    const url = req.url ?? '';
    const query = plainStreamQuery(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
    if (!query) return false;
    if (misdirected(deps.auth, req.headers.host, req.socket.localPort) !== undefined) return false;
    const address = deps.clientAddress(req);
    const decision = authorize(await deps.authorization.identify(req, address), 'stream');
    if (decision.kind !== 'allowed') return false;
    // What StreamController.stream does with the same request, call for call.
    const { actor } = decision;
    const subscriber = toSubscriber(query, {
      lastEventId: header(req, 'last-event-id'),
      agentId: header(req, 'x-agent-id'),
      remoteAddress: address ?? undefined,
      adminUi: deps.adminUi.isAdminUi(actor, query.ui),
      budget: streamBudget(actor, deps.stream),
      stillAllowed: actor.session ? stillValid(deps.sessions, actor.session) : undefined,
    });
    // The 429 and 503 are the framework route's (its error body, Retry-After, access line): ask before writing anything.
    if (deps.hub.refusal(subscriber) !== undefined) return false;
    const reqId = requestId(req, res);
    const log = deps.logger.root.child({ reqId });
    if (log.isLevelEnabled('debug')) log.debug({ req: { method: req.method, url: req.url } }, 'stream opened (fast path)');
    // The connect line (and anything logged while catching up) carries the request id, as on the framework route.
    const opening = deps.logger.runInRequest(log, () => deps.hub.open(res, subscriber));
    // The hub wrote the head synchronously, or found the client gone and wrote nothing.
    // A stream the server ends is counted on 'finish', as the framework's metrics middleware does; one the client cuts is not.
    if (res.headersSent) res.once('finish', streamFinished(deps.metrics, started));
    await opening;
    return true;
  }
}

/** One value of a header (Node joins repeats of an unknown header with ", ", as the framework route sees them). */
function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The session's recheck for the hub, in a closure of its own (not the request handler's scope). */
function stillValid(sessions: SessionCookies, claim: SessionClaim): () => Promise<boolean> {
  return () => sessions.stillValid(claim);
}

/** Holds the metrics and a start time, not the request: an idle stream keeps this closure for its whole life. */
function streamFinished(metrics: Metrics, started: number): (this: ServerResponse) => void {
  return function (this: ServerResponse) {
    metrics.httpDuration.observe({ method: 'GET', route: STREAM_ROUTE, status: String(this.statusCode) }, (performance.now() - started) / 1000);
  };
}
