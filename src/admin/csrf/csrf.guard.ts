import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { sessionCookieOf } from '../../auth/session-cookies.js';
import { csrfIdOf } from './csrf-cookie.middleware.js';
import { CSRF_FIELD, CsrfTokens } from './csrf-tokens.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Rejects any state-changing admin request whose form token does not match its cookie. */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(private readonly tokens: CsrfTokens) {}

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<Request>();
    if (SAFE_METHODS.has(req.method)) return true;
    const body: unknown = req.body;
    const token = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[CSRF_FIELD] : undefined;
    if (this.tokens.verify(csrfIdOf(req), sessionCookieOf(req), token)) return true;
    throw new ForbiddenException('This form has expired or did not come from this site (CSRF check failed). Reload the page and try again.');
  }
}
