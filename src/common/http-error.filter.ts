import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  /** What the error is about, when the message alone cannot carry it (a refused publish's `checks`). */
  [detail: string]: unknown;
}

/**
 * Every error leaves as `{statusCode, error, message}`. Nest's HttpExceptions
 * keep their status and message, and the details our own exceptions add to
 * their response object (a 422's `checks`); errors raised by Express middleware for the
 * client's request (malformed JSON, body too large) keep their 4xx; anything
 * else is logged and answered with a plain 500 that leaks nothing.
 *
 * A browser asking for a page outside `/api` gets the same body as the HTML
 * `error` view instead, so a mistyped admin URL is not a wall of JSON.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const body = this.toBody(exception);
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(body.statusCode);
    if (!this.wantsHtml(http.getRequest<Request>())) {
      sendJson(res, body);
      return;
    }
    // A broken template must not turn a 4xx into a hung request: fall back to JSON.
    res.render('error', { title: body.error, error: body }, (err: Error | null, html: string) => {
      if (err) sendJson(res, body);
      else res.type('html').send(html);
    });
  }

  protected wantsHtml(req: Request): boolean {
    if (req.path === '/api' || req.path.startsWith('/api/')) return false;
    return req.accepts(['json', 'html']) === 'html';
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof HttpException) {
      // Nest wraps body-parser's errors; their `type` gives a clearer message than the default text.
      const cause = clientStatusOf(exception.cause) ? describeClientError(exception.cause as ClientError) : undefined;
      return { ...bodyOf(exception.getStatus(), cause ?? messageOf(exception.getResponse())), ...detailsOf(exception.getResponse()) };
    }
    const status = clientStatusOf(exception);
    if (status) return bodyOf(status, describeClientError(exception as ClientError) ?? STATUS_CODES[status] ?? 'Bad request');
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return bodyOf(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error');
  }
}

/** The type is set outright: a handler that failed part-way (a static file, say) may have set its own. */
function sendJson(res: Response, body: ErrorBody): void {
  res.type('json').json(body);
}

type ClientError = { status: number; type?: string; message?: string; limit?: number };

/** http-errors from body-parser mark client mistakes with `expose: true` and a 4xx status. */
function clientStatusOf(e: unknown): number | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const { status, expose } = e as { status?: unknown; expose?: unknown };
  return typeof status === 'number' && status >= 400 && status < 500 && expose === true ? status : undefined;
}

function describeClientError(e: ClientError): string | undefined {
  switch (e.type) {
    case 'entity.parse.failed':
      return 'request body is not valid JSON';
    case 'entity.too.large':
      return `request body is larger than the ${e.limit} byte limit`;
    case 'charset.unsupported':
      return 'request body charset is not supported; send UTF-8';
    case 'encoding.unsupported':
      return 'request body encoding is not supported';
    case 'entity.verify.failed': // our own body checks (`utf8-body.ts`), whose messages say what is wrong
      return e.message;
    case undefined: // not from body-parser
    default:
      return undefined;
  }
}

function messageOf(response: string | object): string {
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : 'Request failed';
}

/** Fields of an exception's response object beyond the three every error has. */
function detailsOf(response: string | object): Record<string, unknown> {
  if (typeof response === 'string') return {};
  const { statusCode: _status, error: _error, message: _message, ...details } = response as Record<string, unknown>;
  return details;
}

function bodyOf(statusCode: number, message: string): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
}
