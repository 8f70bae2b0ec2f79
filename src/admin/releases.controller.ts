import { Body, Controller, Get, Param, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor, type RequestActor } from '../auth/actor.decorator.js';
import { WriteRateLimit } from '../auth/rate-limit.guard.js';
import { RequireScope } from '../auth/require-scope.decorator.js';
import { PromptKeyPipe } from '../prompts/path-params.js';
import { AdminActionsService } from './admin-actions.service.js';
import { CsrfGuard } from './csrf/csrf.guard.js';
import { MoveLabelForm, PromoteForm, PromoteQuery, RemoveLabelForm, RollbackForm, VersionQuery } from './dto/admin-forms.dto.js';
import { HtmlErrorFilter } from './html-error.filter.js';
import { LabelActionsService } from './label-actions.service.js';
import { send } from './page.js';
import { ReleasePagesService } from './release-pages.service.js';

/**
 * The release pages of the admin UI: the label menu, promote (with its diff)
 * and rollback / restore. Same rules as AdminController: pages `read`, forms
 * `write`, protected labels `publish` (checked by the service).
 */
// HTML pages for browsers, not API: left out of the OpenAPI document.
@ApiExcludeController()
@Controller('prompts/:key')
@UseGuards(CsrfGuard)
@UseFilters(HtmlErrorFilter)
export class ReleasesController {
  constructor(
    private readonly pages: ReleasePagesService,
    private readonly labels: LabelActionsService,
    private readonly actions: AdminActionsService,
  ) {}

  @RequireScope('write')
  @WriteRateLimit()
  @Post('labels')
  async moveLabel(
    @Param('key', PromptKeyPipe) key: string,
    @Body() form: MoveLabelForm,
    @Actor() actor: RequestActor,
    @Res() res: Response,
  ): Promise<void> {
    send(res, await this.labels.move(key, form, actor));
  }

  @RequireScope('write')
  @WriteRateLimit()
  @Post('labels/remove')
  async removeLabel(
    @Param('key', PromptKeyPipe) key: string,
    @Body() form: RemoveLabelForm,
    @Actor() actor: RequestActor,
    @Res() res: Response,
  ): Promise<void> {
    send(res, await this.labels.remove(key, form, actor));
  }

  @RequireScope('read')
  @Get('promote')
  async promoteConfirm(
    @Param('key', PromptKeyPipe) key: string,
    @Query() query: PromoteQuery,
    @Actor() actor: RequestActor,
    @Res() res: Response,
  ): Promise<void> {
    send(res, await this.pages.promote(key, query, actor));
  }

  @RequireScope('write')
  @WriteRateLimit()
  @Post('promote')
  async promote(
    @Param('key', PromptKeyPipe) key: string,
    @Body() form: PromoteForm,
    @Actor() actor: RequestActor,
    @Res() res: Response,
  ): Promise<void> {
    send(res, await this.labels.promote(key, form, actor));
  }

  @RequireScope('read')
  @Get('rollback')
  async rollbackConfirm(
    @Param('key', PromptKeyPipe) key: string,
    @Query() query: VersionQuery,
    @Actor() actor: RequestActor,
    @Res() res: Response,
  ): Promise<void> {
    send(res, await this.pages.rollback(key, query.version, actor));
  }

  @RequireScope('write')
  @WriteRateLimit()
  @Post('rollback')
  async rollback(
    @Param('key', PromptKeyPipe) key: string,
    @Body() form: RollbackForm,
    @Actor() actor: RequestActor,
    @Res() res: Response,
  ): Promise<void> {
    send(res, await this.actions.rollback(key, form, actor));
  }
}
