import type { RequestHandler } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { pinoHttp } from 'pino-http';
import type { AppLogger } from './app-logger.js';

export const REQUEST_ID_HEADER = 'X-Request-Id';
/** A caller's id is kept only if it is short and plain, so it cannot forge log fields or split header lines. */
const USABLE_ID = /^[A-Za-z0-9._:@/-]{1,128}$/;

/**
 * Gives every request an id (the caller's `X-Request-Id` when usable, else a
 * fresh UUID), returns it in the response header, logs one line per finished
 * request, and makes the request's child logger (bound to `reqId`) current
 * for everything logged while serving it. Probe and scrape requests are not
 * logged: they arrive every few seconds and say nothing.
 */
export function requestLogging(logger: AppLogger): RequestHandler {
  const http = pinoHttp({
    logger: logger.root,
    genReqId: requestId,
    customAttributeKeys: { reqId: 'reqId' },
    // Lines logged while serving carry only the id; the request itself goes on the completion line.
    quietReqLogger: true,
    autoLogging: { ignore: (req) => /^\/(health|metrics)(\/|$|\?)/.test(req.url ?? '') },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    serializers: {
      req: (req: { method: string; url: string; remoteAddress?: string }) => ({ method: req.method, url: req.url, remoteAddress: req.remoteAddress }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
  return (req, res, next) => {
    http(req, res);
    logger.runInRequest(req.log, next);
  };
}

export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const id = requestIdOf(req);
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/** The request's id: the caller's when usable, else a new one. For a writer that sends its headers in one `writeHead`. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && USABLE_ID.test(given) ? given : randomUUID();
}
