import { ArgumentsHost, Catch, UnauthorizedException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { HttpErrorFilter } from '../common/http-error.filter.js';

/**
 * Admin routes always answer errors as an HTML page, whatever the Accept
 * header says; a visitor who is not signed in is sent to the login page,
 * and back to the page they wanted afterwards.
 */
@Catch()
export class HtmlErrorFilter extends HttpErrorFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (!(exception instanceof UnauthorizedException) || res.headersSent) return super.catch(exception, host);
    const req = host.switchToHttp().getRequest<Request>();
    const next = req.method === 'GET' && req.originalUrl !== '/' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
    res.redirect(303, `/login${next}`);
  }

  protected override wantsHtml(): boolean {
    return true;
  }
}
