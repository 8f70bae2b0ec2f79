import { Body, Controller, Get, Param, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor, type RequestActor } from '../auth/actor.decorator.js';
import { WriteRateLimit } from '../auth/rate-limit.guard.js';
import { RequireScope } from '../auth/require-scope.decorator.js';
import { PromptKeyPipe } from '../prompts/path-params.js';
import { AdminActionsService } from './admin-actions.service.js';
import { AdminPagesService } from './admin-pages.service.js';
import { CsrfGuard } from './csrf/csrf.guard.js';
import { CreatePromptForm, DeleteForm, DiffQuery, HistoryQuery, ListQuery, NoticeQuery, SavePromptForm } from './dto/admin-forms.dto.js';
import { EditorPagesService } from './editor-pages.service.js';
import { HtmlErrorFilter } from './html-error.filter.js';
import { send } from './page.js';

/**
 * The server-rendered admin UI: the list, the editor, history, diffs, create
 * and delete (labels, promote and rollback: ReleasesController). Pages need
 * `read` (admins, editors and viewers sign in; without `write` they show no
 * edit controls), forms need `write`; moving a protected label (publishing,
 * a rollback, a delete) needs `publish`, which the service checks. Every
 * write is a plain HTML form post.
 */
// HTML pages for browsers, not API: left out of the OpenAPI document.
@ApiExcludeController()
@Controller()
@UseGuards(CsrfGuard)
@UseFilters(HtmlErrorFilter)
export class AdminController {
  constructor(
    private readonly pages: AdminPagesService,
    private readonly editors: EditorPagesService,
    private readonly actions: AdminActionsService,
  ) {}

  @RequireScope('read')
  @Get()
  async list(@Query() query: ListQuery, @Actor() actor: RequestActor, @Res() res: Response): Promise<void> {
    send(res, await this.pages.list(query, actor));
  }

  // Declared before `prompts/:key`, so a prompt cannot be named "new" in the UI (the API still allows it).
  // A form is all this page is, so it needs what posting it needs.
  @RequireScope('write')
  @Get('prompts/new')
  async createForm(@Actor() actor: RequestActor, @Res() res: Response): Promise<void> {
    send(res, await this.pages.createForm(actor));
  }

  @RequireScope('write')
  @WriteRateLimit()
  @Post('prompts')
  async create(@Body() form: CreatePromptForm, @Actor() actor: RequestActor, @Res() res: Response): Promise<void> {
    send(res, await this.actions.create(form, actor));
  }

  @RequireScope('read')
  @Get('prompts/:key')
  async editor(
    @Param('key', PromptKeyPipe) key: string,
    @Query() notice: NoticeQuery,
    @Actor() actor: RequestActor,
    @Res() res: Response,
  ): Promise<void> {
    send(res, await this.editors.editor(key, notice, actor));
  }

  @RequireScope('write')
  @WriteRateLimit()
  @Post('prompts/:key')
  async save(
    @Param('key', PromptKeyPipe) key: string,
    @Body() form: SavePromptForm,
    @Actor() actor: RequestActor,
    @Res() res: Response,
  ): Promise<void> {
    send(res, await this.actions.save(key, form, actor));
  }

  @RequireScope('read')
  @Get('prompts/:key/history')
  async history(
    @Param('key', PromptKeyPipe) key: string,
    @Query() query: HistoryQuery,
    @Actor() actor: RequestActor,
    @Res() res: Response,
  ): Promise<void> {
    send(res, await this.pages.history(key, query, actor));
  }

  @RequireScope('read')
  @Get('prompts/:key/diff')
  async diff(@Param('key', PromptKeyPipe) key: string, @Query() query: DiffQuery, @Actor() actor: RequestActor, @Res() res: Response): Promise<void> {
    send(res, await this.pages.diff(key, query.from, query.to, actor));
  }

  @RequireScope('read')
  @Get('prompts/:key/delete')
  async deleteConfirm(@Param('key', PromptKeyPipe) key: string, @Actor() actor: RequestActor, @Res() res: Response): Promise<void> {
    send(res, await this.pages.deleteConfirm(key, actor));
  }

  @RequireScope('write')
  @WriteRateLimit()
  @Post('prompts/:key/delete')
  async remove(
    @Param('key', PromptKeyPipe) key: string,
    @Body() form: DeleteForm,
    @Actor() actor: RequestActor,
    @Res() res: Response,
  ): Promise<void> {
    send(res, await this.actions.remove(key, form, actor));
  }
}
