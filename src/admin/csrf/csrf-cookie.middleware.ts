import { Injectable, NestMiddleware } from '@nestjs/common';
import { parse } from 'cookie';
import type { NextFunction, Request, Response } from 'express';
import { sessionCookieOf } from '../../auth/session-cookies.js';
import { CSRF_COOKIE, CsrfTokens } from './csrf-tokens.js';

/**
 * Gives every admin visitor a CSRF id cookie (once) and exposes the matching
 * token to templates as `csrfToken`, so each form can carry it.
 */
@Injectable()
export class CsrfCookieMiddleware implements NestMiddleware {
  constructor(private readonly tokens: CsrfTokens) {}

  use(req: Request, res: Response, next: NextFunction): void {
    let id = csrfIdOf(req);
    if (!this.tokens.isWellFormed(id)) {
      id = this.tokens.newId();
      res.cookie(CSRF_COOKIE, id, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
    }
    res.locals.csrfToken = this.tokens.tokenFor(id, sessionCookieOf(req));
    next();
  }
}

export function csrfIdOf(req: Request): string | undefined {
  return parse(req.headers.cookie ?? '')[CSRF_COOKIE];
}
