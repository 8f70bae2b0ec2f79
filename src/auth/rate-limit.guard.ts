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
import { MemoryStore, rateLimit, type RateLimitRequestHandler } from 'express-rate-limit';
import { AppConfig } from '../config/app-config.js';

export type RateLimitName = 'writes' | 'login';

const LIMIT_KEY = 'promptcast:rate-limit';
const MINUTE_MS = 60_000;

/**
 * The configured limits (RATE_LIMIT_*_PER_MIN), per client address over a
 * one-minute window, counted in this process (express-rate-limit's memory
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

  private limiter(limit: number, what: string, variable: string): RateLimitRequestHandler {
    const store = new MemoryStore();
    this.stores.push(store);
    return rateLimit({
      windowMs: MINUTE_MS,
      limit,
      store,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      // Retry-After is already set when this runs; the error goes through Nest's filters like any other.
      handler: (_req, res, next) =>
        next(
          new HttpException(
            `too many ${what} from this address: at most ${limit} a minute (${variable}); retry after ${String(res.getHeader('Retry-After'))} s`,
            HttpStatus.TOO_MANY_REQUESTS,
          ),
        ),
    });
  }
}

/** Applies the limit the route names with `@WriteRateLimit()` / `@LoginRateLimit()`. */
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
