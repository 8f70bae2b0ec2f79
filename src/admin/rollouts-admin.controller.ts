import { Body, Controller, Get, Param, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor, type RequestActor } from '../auth/actor.decorator.js';
import { WriteRateLimit } from '../auth/rate-limit.guard.js';
import { RequireScope } from '../auth/require-scope.decorator.js';
import { PromptKeyPipe } from '../prompts/path-params.js';
import { RolloutIdPipe } from '../rollouts/rollouts.controller.js';
import { CsrfGuard } from './csrf/csrf.guard.js';
import { AbortRolloutForm, CompleteRolloutForm, RolloutPercentForm, StartRolloutForm, StartRolloutQuery } from './dto/rollout-forms.dto.js';
import { HtmlErrorFilter } from './html-error.filter.js';
import { send } from './page.js';
import { RolloutActionsService } from './rollout-actions.service.js';
import { RolloutPagesService } from './rollout-pages.service.js';

/**
 * The rollout pages of the admin UI (docs/admin.md, "Rollouts"): pages `read`,
 * forms `write`; a protected label needs `publish`, decided by RolloutsService.
 */
// HTML pages for browsers, not API: left out of the OpenAPI document.
@ApiExcludeController()
@Controller('prompts/:key/rollouts')
@UseGuards(CsrfGuard)
@UseFilters(HtmlErrorFilter)
export class RolloutsAdminController {
  constructor(
    private readonly pages: RolloutPagesService,
    private readonly actions: RolloutActionsService,
  ) {}

  @RequireScope('read')
  @Get()
  async list(@Param('key', PromptKeyPipe) key: string, @Actor() actor: RequestActor, @Res() res: Response): Promise<void> {
    send(res, await this.pages.list(key, actor));
  }

  @RequireScope('read')
  @Get('new')
  async startForm(
    @Param('key', PromptKeyPipe) key: string,
    @Query() query: StartRolloutQuery,
    @Actor() actor: RequestActor,
    @Res() res: Response,
  ): Promise<void> {
    send(res, await this.pages.start(key, query.version, actor));
  }

  @RequireScope('write')
  @WriteRateLimit()
  @Post()
  async start(
    @Param('key', PromptKeyPipe) key: string,
    @Body() form: StartRolloutForm,
    @Actor() actor: RequestActor,
    @Res() res: Response,
  ): Promise<void> {
    send(res, await this.actions.start(key, form, actor));
  }

  @RequireScope('read')
  @Get(':id')
  async rollout(
    @Param('key', PromptKeyPipe) key: string,
    @Param('id', RolloutIdPipe) id: string,
    @Actor() actor: RequestActor,
    @Res() res: Response,
  ): Promise<void> {
    send(res, await this.pages.rollout(key, id, actor));
  }

  @RequireScope('write')
  @WriteRateLimit()
  @Post(':id/percent')
  async percent(
    @Param('key', PromptKeyPipe) key: string,
    @Param('id', RolloutIdPipe) id: string,
    @Body() form: RolloutPercentForm,
    @Actor() actor: RequestActor,
    @Res() res: Response,
  ): Promise<void> {
    send(res, await this.actions.percent(key, id, form, actor));
  }

  @RequireScope('write')
  @WriteRateLimit()
  @Post(':id/complete')
  async complete(
    @Param('key', PromptKeyPipe) key: string,
    @Param('id', RolloutIdPipe) id: string,
    @Body() form: CompleteRolloutForm,
    @Actor() actor: RequestActor,
    @Res() res: Response,
  ): Promise<void> {
    send(res, await this.actions.complete(key, id, form, actor));
  }

  @RequireScope('write')
  @WriteRateLimit()
  @Post(':id/abort')
  async abort(
    @Param('key', PromptKeyPipe) key: string,
    @Param('id', RolloutIdPipe) id: string,
    @Body() form: AbortRolloutForm,
    @Actor() actor: RequestActor,
    @Res() res: Response,
  ): Promise<void> {
    send(res, await this.actions.abort(key, id, form, actor));
  }
}
