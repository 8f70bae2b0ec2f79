import { Controller, Get, Param, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor, type RequestActor } from '../auth/actor.decorator.js';
import { RequireScope } from '../auth/require-scope.decorator.js';
import { SessionListQuery } from '../sessions/dto/session-list-query.dto.js';
import { CallPagesService } from './call-pages.service.js';
import { CsrfGuard } from './csrf/csrf.guard.js';
import { HtmlErrorFilter } from './html-error.filter.js';
import { send } from './page.js';

/** The admin's Calls page and each call's timeline: read pages, open to every role that signs in (docs/admin.md). */
// HTML pages for browsers, not API: left out of the OpenAPI document.
@ApiExcludeController()
@Controller('calls')
@UseGuards(CsrfGuard)
@UseFilters(HtmlErrorFilter)
export class CallsController {
  constructor(private readonly pages: CallPagesService) {}

  @RequireScope('read')
  @Get()
  async list(@Query() query: SessionListQuery, @Actor() actor: RequestActor, @Res() res: Response): Promise<void> {
    send(res, await this.pages.list(query, actor));
  }

  @RequireScope('read')
  @Get(':id')
  async call(@Param('id') id: string, @Actor() actor: RequestActor, @Res() res: Response): Promise<void> {
    send(res, await this.pages.call(id, actor));
  }
}
