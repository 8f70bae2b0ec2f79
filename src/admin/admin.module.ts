import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { urlencoded } from 'express';
import { FleetModule } from '../fleet/fleet.module.js';
import { AppConfig } from '../config/app-config.js';
import { bodyParserOptions } from '../common/utf8-body.js';
import { PromptsModule } from '../prompts/prompts.module.js';
import { RolloutsModule } from '../rollouts/rollouts.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { StreamModule } from '../stream/stream.module.js';
import { AdminActionsService } from './admin-actions.service.js';
import { AdminController } from './admin.controller.js';
import { CallPagesService } from './call-pages.service.js';
import { CallsController } from './calls.controller.js';
import { AdminPagesService } from './admin-pages.service.js';
import { CheckActionsService } from './check-actions.service.js';
import { ChecksController } from './checks.controller.js';
import { EditorPagesService } from './editor-pages.service.js';
import { LabelActionsService } from './label-actions.service.js';
import { ReleasePagesService } from './release-pages.service.js';
import { ReleasesController } from './releases.controller.js';
import { RolloutActionsService } from './rollout-actions.service.js';
import { RolloutPagesService } from './rollout-pages.service.js';
import { RolloutsAdminController } from './rollouts-admin.controller.js';
import { SubscriberDirectory } from './subscribers/subscriber-directory.js';
import { RegistrySubscriberDirectory } from './subscribers/registry-subscriber-directory.js';
import { CsrfCookieMiddleware } from './csrf/csrf-cookie.middleware.js';
import { CsrfGuard } from './csrf/csrf.guard.js';
import { CsrfTokens } from './csrf/csrf-tokens.js';
import { LoginController } from './login.controller.js';
import { LoginService } from './login.service.js';
import { UiTicketMiddleware } from './ui-ticket.middleware.js';

@Module({
  imports: [PromptsModule, StreamModule, FleetModule, SessionsModule, RolloutsModule],
  controllers: [AdminController, ReleasesController, ChecksController, LoginController, CallsController, RolloutsAdminController],
  providers: [
    AdminPagesService,
    CallPagesService,
    EditorPagesService,
    ReleasePagesService,
    AdminActionsService,
    CheckActionsService,
    LabelActionsService,
    RolloutPagesService,
    RolloutActionsService,
    LoginService,
    CsrfTokens,
    CsrfGuard,
    { provide: SubscriberDirectory, useClass: RegistrySubscriberDirectory },
  ],
})
export class AdminModule implements NestModule {
  constructor(private readonly config: AppConfig) {}

  configure(consumer: MiddlewareConsumer): void {
    // Form bodies are parsed for the admin routes only: the JSON API must not
    // accept urlencoded posts, which any cross-site page can send without a preflight.
    const forms = urlencoded({ extended: false, ...bodyParserOptions(this.config.limits, 'form') });
    consumer
      .apply(forms, CsrfCookieMiddleware, UiTicketMiddleware)
      .forRoutes(AdminController, ReleasesController, ChecksController, LoginController, CallsController, RolloutsAdminController);
  }
}
