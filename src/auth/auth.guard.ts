import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { RequestActor, RequestWithActor } from './actor.decorator.js';
import { PUBLIC_KEY, SCOPE_KEY } from './require-scope.decorator.js';
import { ALL_SCOPES, ROLE_SCOPES, type Scope } from './scopes.js';
import { SessionCookies } from './session-cookies.js';
import { TokenRegistry } from './token-registry.js';

const BEARER = /^Bearer +([\x21-\x7e]+) *$/i;

/**
 * The one gate every route passes: it works out who is calling (bearer token,
 * else admin session cookie, else anonymous when the server runs open), puts
 * that on `req.actor` for `@Actor()` and the logs, and checks the route's scope.
 * 401 means "who are you?", 403 "you may not".
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenRegistry,
    private readonly sessions: SessionCookies,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<RequestWithActor>();
    const res = ctx.switchToHttp().getResponse<Response>();
    const targets = [ctx.getHandler(), ctx.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) === true;
    // A public route (health, the login page) answers even when the store cannot say whether a
    // session was logged out; anywhere else that failure refuses the request (fail closed).
    const identified = isPublic ? await this.identify(req).catch(() => 'the session could not be checked') : await this.identify(req);
    if (typeof identified === 'object') {
      req.actor = identified;
      if (identified.via === 'session') res.locals.signedInAs = identified.author;
    }
    if (isPublic) return true;
    if (typeof identified === 'string') throw unauthorized(res, identified);
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(SCOPE_KEY, targets) ?? 'admin';
    if (!identified.scopes.includes(scope)) {
      throw new ForbiddenException(`token "${identified.author}" does not have the "${scope}" scope this needs`);
    }
    return true;
  }

  /** The caller, or why there is none (the 401 message). */
  private async identify(req: Request): Promise<RequestActor | string> {
    const address = req.ip ?? null;
    // Open (loopback only): a client configured with a token still gets in.
    if (this.tokens.open) return { author: 'anonymous', address, scopes: ALL_SCOPES, via: 'open' };
    const header = req.headers.authorization;
    if (header !== undefined) {
      const secret = BEARER.exec(header)?.[1];
      if (!secret) return 'the Authorization header must be "Bearer <token>"';
      const token = this.tokens.find(secret);
      if (!token) return 'unknown token';
      return { author: token.name, address, scopes: ROLE_SCOPES[token.role], via: 'token' };
    }
    const session = await this.sessions.verify(req);
    if (session) return { author: session.name, address, scopes: ROLE_SCOPES[session.role], via: 'session', session };
    return 'authentication required: send "Authorization: Bearer <token>", or log in at /login';
  }
}

function unauthorized(res: Response, message: string): UnauthorizedException {
  // RFC 6750: a challenge on every 401, naming the error when a token was offered.
  const error = message === 'unknown token' ? ', error="invalid_token"' : '';
  res.setHeader('WWW-Authenticate', `Bearer realm="promptcast"${error}`);
  return new UnauthorizedException(message);
}
