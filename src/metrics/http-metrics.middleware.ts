import type { Request, RequestHandler } from 'express';
import { performance } from 'node:perf_hooks';
import type { Metrics } from './metrics.js';

/**
 * Times every request into `promptcast_http_request_duration_seconds`. The
 * route label is the matched route's template (`/api/prompts/:key`), never the
 * raw URL, so a scan of random paths cannot blow up the series count.
 * A stream the client cuts never 'finish'es and is not counted.
 */
export function httpMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.once('finish', () => {
      metrics.httpDuration.observe(
        { method: req.method, route: routeOf(req, res.statusCode), status: String(res.statusCode) },
        (performance.now() - started) / 1000,
      );
    });
    next();
  };
}

function routeOf(req: Request, status: number): string {
  // Express sets req.route (typed any) to the matched route; unset when nothing matched.
  const path: unknown = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path === 'string') return `${req.baseUrl}${path}`;
  // Static assets and whatever no route matched share two fixed labels.
  return status === 404 ? '(unmatched)' : '(other)';
}
