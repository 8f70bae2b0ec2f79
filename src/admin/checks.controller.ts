import { Body, Controller, HttpCode, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor, type RequestActor } from '../auth/actor.decorator.js';
import { CheckRateLimit } from '../auth/rate-limit.guard.js';
import { RequireScope } from '../auth/require-scope.decorator.js';
import { PromptKeyPipe } from '../prompts/path-params.js';
import { CheckActionsService } from './check-actions.service.js';
import { CsrfGuard } from './csrf/csrf.guard.js';
import { CheckForm } from './dto/admin-forms.dto.js';
import { HtmlErrorFilter } from './html-error.filter.js';
import { send } from './page.js';

/**
 * The editor's checks without saving: its script posts the form as it stands
 * (asking for JSON) as the operator types; without JavaScript the *Check*
 * button posts the same form and gets the page back with the checks and a
 * row per placeholder. The rules are protocol/checks.ts, run by
 * PromptsService.check as for `POST /api/prompts/:key/check`, with the same
 * scope and the same rate limit (RATE_LIMIT_CHECKS_PER_MIN, one count for
 * both routes).
 */
// HTML pages and the editor's own calls, not API: left out of the OpenAPI document.
@ApiExcludeController()
@Controller('prompts')
@UseGuards(CsrfGuard)
@UseFilters(HtmlErrorFilter)
export class ChecksController {
  constructor(private readonly checks: CheckActionsService) {}

  // Before `:key/check`: "new" is the create form (the UI cannot edit a prompt named "new").
  @RequireScope('read')
  @CheckRateLimit()
  @Post('new/check')
  @HttpCode(200)
  async checkNew(@Body() form: CheckForm, @Actor() actor: RequestActor, @Req() req: Request, @Res() res: Response): Promise<void> {
    send(res, await this.checks.check(undefined, form, actor, wantsJson(req)));
  }

  @RequireScope('read')
  @CheckRateLimit()
  @Post(':key/check')
  @HttpCode(200)
  async check(
    @Param('key', PromptKeyPipe) key: string,
    @Body() form: CheckForm,
    @Actor() actor: RequestActor,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    send(res, await this.checks.check(key, form, actor, wantsJson(req)));
  }
}

/** The editor's script asks for JSON; a form post (a browser without JavaScript) gets the page. */
function wantsJson(req: Request): boolean {
  return req.accepts(['html', 'json']) === 'json';
}
