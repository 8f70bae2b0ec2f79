import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { urlencoded } from 'express';
import { AgentsModule } from '../agents/agents.module.js';
import { AppConfig, bodyLimitBytes } from '../config/app-config.js';
import { PromptsModule } from '../prompts/prompts.module.js';
import { StreamModule } from '../prompts/stream/stream.module.js';
import { AdminActionsService } from './admin-actions.service.js';
import { AdminController } from './admin.controller.js';
import { AdminPagesService } from './admin-pages.service.js';
import { AgentDirectory } from './agents/agent-directory.js';
import { RegistryAgentDirectory } from './agents/registry-agent-directory.js';
import { CsrfCookieMiddleware } from './csrf/csrf-cookie.middleware.js';
import { CsrfGuard } from './csrf/csrf.guard.js';
import { CsrfTokens } from './csrf/csrf-tokens.js';
import { LoginController } from './login.controller.js';
import { LoginService } from './login.service.js';

@Module({
  imports: [PromptsModule, StreamModule, AgentsModule],
  controllers: [AdminController, LoginController],
  providers: [
    AdminPagesService, AdminActionsService, LoginService, CsrfTokens, CsrfGuard,
    { provide: AgentDirectory, useClass: RegistryAgentDirectory },
  ],
})
export class AdminModule implements NestModule {
  constructor(private readonly config: AppConfig) {}

  configure(consumer: MiddlewareConsumer): void {
    // Form bodies are parsed for the admin routes only: the JSON API must not
    // accept urlencoded posts, which any cross-site page can send without a preflight.
    const forms = urlencoded({ extended: false, limit: bodyLimitBytes(this.config.limits) });
    consumer.apply(forms, CsrfCookieMiddleware).forRoutes(AdminController, LoginController);
  }
}
