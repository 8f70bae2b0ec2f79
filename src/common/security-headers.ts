import helmet from 'helmet';
import type { RequestHandler } from 'express';

/** The SSE stream path, matched as the router does (case-insensitive, optional trailing slash). */
const STREAM_PATH = /^\/api\/prompts\/stream\/?$/i;

/**
 * Security headers for every response. The CSP allows scripts, styles and
 * connections from this origin only: the admin pages keep all script in
 * static files (no inline script or event handlers), so an injected
 * `<script>` or `onerror=` cannot run even if escaping were ever missed.
 */
export function securityHeaders(): RequestHandler {
  const strict = headers(["'self'"]);
  // Swagger UI (/api/docs) sets inline styles; its scripts are still same-origin files only.
  const docs = headers(["'self'", "'unsafe-inline'"]);
  return (req, res, next) => {
    // The stream is no document: CSP, framing and the rest do nothing on it, and every header a
    // long-lived response carries stays in memory for the life of the connection (about 3 KB of
    // the ~20 KB an idle subscriber costs; docs/benchmarks.md). The hub sends nosniff itself.
    if (STREAM_PATH.test(req.path)) return next();
    return (req.path === '/api/docs' || req.path.startsWith('/api/docs/') ? docs : strict)(req, res, next);
  };
}

function headers(styleSrc: string[]): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc,
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // No upgrade-insecure-requests: operators often run this on plain http inside a LAN.
      },
    },
    // Same-origin pages only; nothing here is meant to be embedded or opened cross-origin.
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'same-origin' },
  });
}
