import { Global, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AppConfig } from '../config/app-config.js';
import { AdminUiStreams } from './admin-ui-streams.js';
import { AuthGuard } from './auth.guard.js';
import { Authorization } from './authorization.js';
import { RateLimitGuard, RateLimits } from './rate-limit.guard.js';
import { SessionCookies } from './session-cookies.js';
import { SessionRevocations } from './session-revocations.js';
import { TokenRegistry } from './token-registry.js';

/** Tokens, sessions, the global AuthGuard and the rate limits every module may use. */
@Global()
@Module({
  providers: [
    TokenRegistry,
    SessionRevocations,
    SessionCookies,
    Authorization,
    RateLimits,
    RateLimitGuard,
    AdminUiStreams,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [TokenRegistry, SessionCookies, Authorization, RateLimits, RateLimitGuard, AdminUiStreams],
})
export class AuthModule implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');

  constructor(private readonly config: AppConfig) {}

  onApplicationBootstrap(): void {
    const { admins, editors, viewers, agents, open } = this.config.auth;
    // loadConfig only allows this on a loopback HOST; still worth a line in every log.
    if (open) this.logger.warn('No tokens set: the server is open to anyone who can reach it (loopback only)');
    else this.logger.log(`tokens: ${admins.length} admin, ${editors.length} editor, ${viewers.length} viewer, ${agents.length} agent`);
  }
}
