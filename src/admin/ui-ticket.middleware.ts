import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AdminUiStreams } from '../auth/admin-ui-streams.js';

/** Hands the pages the ticket their live stream shows, so the subscriber list can leave them out (see AdminUiStreams). */
@Injectable()
export class UiTicketMiddleware implements NestMiddleware {
  constructor(private readonly streams: AdminUiStreams) {}

  use(_req: Request, res: Response, next: NextFunction): void {
    res.locals.uiTicket = this.streams.ticket();
    next();
  }
}
