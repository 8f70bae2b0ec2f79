import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { authorize, type Authorization } from '../auth/authorization.js';
import { misdirected } from '../auth/loopback-host.middleware.js';
import type { AuthConfig } from '../config/app-config.js';
import type { AppLogger } from '../logging/app-logger.js';
import { REQUEST_ID_HEADER, requestIdOf } from '../logging/request-logging.middleware.js';
import type { Metrics } from '../metrics/metrics.js';
import { parseEntityTags } from '../protocol/revision.js';
import { plainListQuery } from '../prompts/dto/list-query.dto.js';
import { failedOnFastPath, JSON_CONTENT_TYPE, type PollAnswer, type PromptListResponder } from '../prompts/prompt-list.responder.js';

/** The framework route's template, so both paths count into the same `promptcast_http_request_duration_seconds` series. */
export const POLL_ROUTE = '/api/prompts';

export interface PollRouteDeps {
  auth: Pick<AuthConfig, 'open'>;
  authorization: Authorization;
  responder: PromptListResponder;
  metrics: Metrics;
  logger: AppLogger;
  /** The client's address as Express's `req.ip` works it out (TRUST_PROXY_HOPS). */
  clientAddress: (req: IncomingMessage) => string | null;
}

/**
 * `GET /api/prompts` (and HEAD) answered ahead of Express: the same host rule,
 * the same authorization, the same query rules and the same responder as the
 * framework route, and none of the rest (routing, helmet, the validation pipe,
 * an access line). It answers only the plain success: every request it does not
 * recognise as one (another spelling of the path, a body, a query the rules
 * refuse or it leaves alone, a refused caller, a store failure) goes on to the
 * framework route, which answers it, its error included, exactly as without the
 * fast path (a store failure it answers as its own: `failedOnFastPath`). Per-address connection caps sit before both, on the socket.
 */
export class PollRoute {
  constructor(private readonly deps: PollRouteDeps) {}

  /** Only the exact path, GET or HEAD, and no body (a body goes to the framework's parsers and their errors). */
  matches(req: IncomingMessage): boolean {
    const url = req.url ?? '';
    const end = url.indexOf('?');
    const path = end === -1 ? url : url.slice(0, end);
    return (
      path === POLL_ROUTE &&
      (req.method === 'GET' || req.method === 'HEAD') &&
      req.headers['content-length'] === undefined &&
      req.headers['transfer-encoding'] === undefined
    );
  }

  /** True when answered; false leaves the request, untouched, to the framework. */
  async answer(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const started = performance.now();
    const { deps } = this;
    const url = req.url ?? '';
    const query = plainListQuery(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
    if (!query) return false;
    const ifNoneMatch = req.headers['if-none-match'];
    // Express would answer 304 to a malformed list that still names the ETag (its own freshness check): leave it to Express.
    if (ifNoneMatch !== undefined && parseEntityTags(ifNoneMatch) === undefined) return false;
    if (misdirected(deps.auth, req.headers.host, req.socket.localPort) !== undefined) return false;
    const decision = authorize(await deps.authorization.identify(req, deps.clientAddress(req)), 'read');
    if (decision.kind !== 'allowed') return false;
    let answer: PollAnswer;
    try {
      answer = await deps.responder.answer(query, ifNoneMatch);
    } catch (err) {
      failedOnFastPath.set(req, err);
      return false;
    }
    const id = requestIdOf(req);
    // Only what a poll needs: no document headers (CSP, framing, referrer...), which are ~620 bytes of a 304.
    // One writeHead with a flat list: Node stores it as is, with no header map built on the way.
    const headers = ['Cache-Control', 'no-cache', 'ETag', answer.etag, 'X-Content-Type-Options', 'nosniff', REQUEST_ID_HEADER, id];
    if (answer.status === 304) {
      res.writeHead(304, headers);
      res.end();
    } else {
      headers.push('Content-Type', JSON_CONTENT_TYPE, 'Content-Length', String(answer.body.length));
      res.writeHead(200, headers);
      // A HEAD answer keeps the Content-Length and Node drops the body, as Express does.
      res.end(answer.body);
    }
    this.done(req, answer.status, started, id);
    return true;
  }

  private done(req: IncomingMessage, status: number, started: number, reqId: string): void {
    const seconds = (performance.now() - started) / 1000;
    this.deps.metrics.httpDuration.observe({ method: req.method ?? 'GET', route: POLL_ROUTE, status: String(status) }, seconds);
    const log = this.deps.logger.root;
    // An access line per poll is not free at thousands a second: debug only (docs/decisions.md, "Fast path").
    if (log.isLevelEnabled('debug')) {
      log.debug(
        { reqId, req: { method: req.method, url: req.url }, res: { statusCode: status }, responseTime: Math.round(seconds * 1000) },
        'request completed (fast path)',
      );
    }
  }
}
