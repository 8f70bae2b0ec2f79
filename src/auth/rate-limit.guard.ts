import {
  applyDecorators,
  CanActivate,
  ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
  OnModuleDestroy,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { ipKeyGenerator, MemoryStore, rateLimit, type RateLimitRequestHandler } from 'express-rate-limit';
import { AppConfig } from '../config/app-config.js';
import type { RequestWithActor } from './actor.decorator.js';

export type RateLimitName = 'writes' | 'login' | 'reports' | 'checks';

/** Whom a limit counts a request against: its address, or its token, with the key it is counted under. */
type Counted = (req: Request) => { key: string; who: 'address' | 'token' };

/** Per client address, as the library's default key counts it (IPv6 addresses by /56 subnet). */
const byAddress: Counted = (req) => ({ key: ipKeyGenerator(req.ip ?? ''), who: 'address' });

/** Per token, so a fleet behind one NAT address is one count and a leaked token is capped wherever it is used; per address when open. */
const byToken: Counted = (req) => {
  const actor = (req as RequestWithActor).actor;
  return actor?.via === 'token' ? { key: `token:${actor.author}`, who: 'token' } : byAddress(req);
};

const LIMIT_KEY = 'promptcast:rate-limit';
const MINUTE_MS = 60_000;

/**
 * The configured limits (RATE_LIMIT_*_PER_MIN), per client address (fleet
 * reports: per token) over a one-minute window, counted in this process (express-rate-limit's memory
 * store). A blocked request gets `Retry-After` and a 429 error that the global
 * filter writes as JSON (or the admin's HTML error page).
 */
@Injectable()
export class RateLimits implements OnModuleDestroy {
  private readonly stores: MemoryStore[] = [];
  private readonly limiters: Record<RateLimitName, RateLimitRequestHandler>;

  constructor(config: AppConfig) {
    this.limiters = {
      writes: this.limiter(config.rateLimit.writesPerMin, 'writes', 'RATE_LIMIT_WRITES_PER_MIN'),
      login: this.limiter(config.rateLimit.loginPerMin, 'login attempts', 'RATE_LIMIT_LOGIN_PER_MIN'),
      reports: this.limiter(config.rateLimit.reportsPerMin, 'fleet reports', 'RATE_LIMIT_REPORTS_PER_MIN', byToken),
      checks: this.limiter(config.rateLimit.checksPerMin, 'checks', 'RATE_LIMIT_CHECKS_PER_MIN', byToken),
    };
  }

  /** Resolves when the request is within its limit; rejects with the 429 otherwise. */
  check(name: RateLimitName, req: Request, res: Response): Promise<void> {
    return new Promise((resolve, reject) => {
      void this.limiters[name](req, res, (err?: unknown) =>
        err ? reject(err instanceof Error ? err : new Error('rate limiter failed', { cause: err })) : resolve(),
      );
    });
  }

  onModuleDestroy(): void {
    for (const store of this.stores) store.shutdown();
  }

  private limiter(limit: number, what: string, variable: string, counted?: Counted): RateLimitRequestHandler {
    const store = new MemoryStore();
    this.stores.push(store);
    return rateLimit({
      windowMs: MINUTE_MS,
      limit,
      store,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      // Without `counted`, the library's own key and its checks of the address (trust proxy, X-Forwarded-For).
      ...(counted ? { keyGenerator: (req: Request) => counted(req).key } : {}),
      // Retry-After is already set when this runs; the error goes through Nest's filters like any other.
      handler: (req, res, next) =>
        next(
          new HttpException(
            `too many ${what} from this ${(counted ?? byAddress)(req).who}: at most ${limit} a minute (${variable}); retry after ${String(res.getHeader('Retry-After'))} s`,
            HttpStatus.TOO_MANY_REQUESTS,
          ),
        ),
    });
  }
}

/** Applies the limit the route names with `@WriteRateLimit()` / `@LoginRateLimit()` / `@ReportRateLimit()` / `@CheckRateLimit()`. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limits: RateLimits,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const name = this.reflector.get<RateLimitName | undefined>(LIMIT_KEY, ctx.getHandler());
    if (!name) return true;
    const http = ctx.switchToHttp();
    await this.limits.check(name, http.getRequest<Request>(), http.getResponse<Response>());
    return true;
  }
}

/** Counts the route against RATE_LIMIT_WRITES_PER_MIN. */
export const WriteRateLimit = () => applyDecorators(SetMetadata(LIMIT_KEY, 'writes'), UseGuards(RateLimitGuard));

/** Counts the route against RATE_LIMIT_LOGIN_PER_MIN. */
export const LoginRateLimit = () => applyDecorators(SetMetadata(LIMIT_KEY, 'login'), UseGuards(RateLimitGuard));

/** Counts the route against RATE_LIMIT_CHECKS_PER_MIN, per token (per address when the server runs open). */
export const CheckRateLimit = () => applyDecorators(SetMetadata(LIMIT_KEY, 'checks'), UseGuards(RateLimitGuard));

/** Counts the route against RATE_LIMIT_REPORTS_PER_MIN, per token (per address when the server runs open). */
export const ReportRateLimit = () => applyDecorators(SetMetadata(LIMIT_KEY, 'reports'), UseGuards(RateLimitGuard));
