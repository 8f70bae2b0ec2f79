import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RequireScope } from '../../auth/require-scope.decorator.js';
import { StreamHub } from './stream-hub.js';
import { StreamQuery } from './stream-query.dto.js';
import { toSubscriber } from './subscriber.js';

/** `GET /api/prompts/stream`: the SSE stream (protocol in docs/stream.md). */
@Controller('api/prompts/stream')
export class StreamController {
  constructor(private readonly hub: StreamHub) {}

  // A raw writer behind the hub, not @Sse(): it measured several times cheaper per connection.
  @RequireScope('stream')
  @Get()
  stream(
    @Query() query: StreamQuery, @Headers('last-event-id') lastEventId: string | undefined,
    @Headers('x-agent-id') agentId: string | undefined, @Req() req: Request, @Res() res: Response,
  ): Promise<void> {
    return this.hub.open(res, toSubscriber(query, { lastEventId, agentId, remoteAddress: req.ip }));
  }
}
