import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor, type RequestActor } from '../auth/actor.decorator.js';
import { AdminUiStreams } from '../auth/admin-ui-streams.js';
import { RequireScope } from '../auth/require-scope.decorator.js';
import { SessionCookies } from '../auth/session-cookies.js';
import { streamBudget } from '../auth/stream-budget.js';
import { AppConfig } from '../config/app-config.js';
import { ApiErrors } from '../openapi/api-errors.decorator.js';
import { STREAM_DESCRIPTION } from '../openapi/stream-event.schemas.js';
import { StreamHub } from './stream-hub.js';
import { StreamQuery } from './stream-query.dto.js';
import { toSubscriber } from './subscriber.js';

/** `GET /api/prompts/stream`: the SSE stream (protocol in docs/stream.md). */
@ApiTags('stream')
@ApiErrors(401, 403)
@Controller('api/prompts/stream')
export class StreamController {
  constructor(
    private readonly hub: StreamHub,
    private readonly adminUi: AdminUiStreams,
    private readonly sessions: SessionCookies,
    private readonly config: AppConfig,
  ) {}

  // A raw writer behind the hub, not @Sse(): it measured several times cheaper per connection.
  @RequireScope('stream')
  @Get()
  @ApiOperation({ summary: 'Live prompt changes over Server-Sent Events', description: STREAM_DESCRIPTION })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'An open event stream (see the description for events and payloads).',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'The revision you hold; resume after it.' })
  @ApiHeader({ name: 'X-Agent-Id', required: false, description: 'A name for this subscriber.' })
  @ApiErrors(400, 429, 503)
  stream(
    @Query() query: StreamQuery,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Headers('x-agent-id') agentId: string | undefined,
    @Actor() actor: RequestActor,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    // Express routes HEAD here too; a HEAD must not take a stream slot and wait for ever.
    if (req.method === 'HEAD') return Promise.resolve(this.hub.describe(res));
    const adminUi = this.adminUi.isAdminUi(actor, query.ui);
    const budget = streamBudget(actor, this.config.stream);
    const { session } = actor;
    const stillAllowed = session ? () => this.sessions.stillValid(session) : undefined;
    return this.hub.open(res, toSubscriber(query, { lastEventId, agentId, remoteAddress: req.ip, adminUi, budget, stillAllowed }));
  }
}
