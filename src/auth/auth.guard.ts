import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import type { RequestWithActor } from './actor.decorator.js';
import { Authorization, authorize } from './authorization.js';
import { PUBLIC_KEY, SCOPE_KEY } from './require-scope.decorator.js';
import type { Scope } from './scopes.js';

/**
 * The one gate every framework route passes: it works out who is calling
 * (authorization.ts, the rule the fast path calls too), puts that on
 * `req.actor` for `@Actor()` and the logs, and checks the route's scope.
 * 401 means "who are you?", 403 "you may not".
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authorization: Authorization,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<RequestWithActor>();
    const res = ctx.switchToHttp().getResponse<Response>();
    const targets = [ctx.getHandler(), ctx.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) === true;
    const address = req.ip ?? null;
    // A public route (health, the login page) answers even when the store cannot say whether a
    // session was logged out; anywhere else that failure refuses the request (fail closed).
    const identified = isPublic
      ? await this.authorization.identify(req, address).catch(() => 'the session could not be checked')
      : await this.authorization.identify(req, address);
    if (typeof identified === 'object') {
      req.actor = identified;
      if (identified.via === 'session') res.locals.signedInAs = identified.author;
    }
    if (isPublic) return true;
    const decision = authorize(identified, this.reflector.getAllAndOverride<Scope | undefined>(SCOPE_KEY, targets) ?? 'admin');
    if (decision.kind === 'unauthorized') {
      res.setHeader('WWW-Authenticate', decision.challenge);
      throw new UnauthorizedException(decision.message);
    }
    if (decision.kind === 'forbidden') throw new ForbiddenException(decision.message);
    return true;
  }
}
