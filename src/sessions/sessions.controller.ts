import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Actor, type RequestActor } from '../auth/actor.decorator.js';
import { ReportRateLimit } from '../auth/rate-limit.guard.js';
import { RequireScope } from '../auth/require-scope.decorator.js';
import { ApiErrors } from '../openapi/api-errors.decorator.js';
import { SessionListSchema, SessionReportSchema, StoredSessionSchema } from '../openapi/session.schemas.js';
import type { SessionList, StoredSession } from '../protocol/sessions.js';
import { SessionListQuery } from './dto/session-list-query.dto.js';
import { SessionsService } from './sessions.service.js';

@ApiTags('sessions')
@ApiErrors(401, 403)
@Controller('api/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  // The body is checked by protocol/session-report.ts (the one rule the bindings share), not by a DTO.
  @RequireScope('report')
  @ReportRateLimit()
  @Post('report')
  @HttpCode(204)
  @ApiBody({ type: SessionReportSchema })
  @ApiNoContentResponse({ description: 'Stored; a newer report of a session replaced the older one.' })
  @ApiErrors(400, 409, 413, 429)
  report(@Body() body: unknown, @Actor() actor: RequestActor): Promise<void> {
    return this.sessions.report(body, actor);
  }

  @RequireScope('read')
  @Get()
  @ApiOkResponse({ type: SessionListSchema, description: 'One page of calls, newest first.' })
  @ApiErrors(400)
  list(@Query() query: SessionListQuery): Promise<SessionList> {
    return this.sessions.list(query);
  }

  @RequireScope('read')
  @Get(':id')
  @ApiOkResponse({ type: StoredSessionSchema, description: 'One call: its receipts, turns and metrics.' })
  @ApiErrors(400, 404)
  get(@Param('id') id: string): Promise<StoredSession> {
    return this.sessions.get(id);
  }
}
