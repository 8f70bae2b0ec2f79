import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequireScope } from '../auth/require-scope.decorator.js';
import { ApiErrors } from '../openapi/api-errors.decorator.js';
import { Metrics } from './metrics.js';

/** `GET /metrics`: Prometheus text exposition. */
@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  // An agent token is enough: scrapers should not hold admin rights.
  @RequireScope('read')
  @Get()
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus text exposition (version 0.0.4); metrics listed in docs/operations.md.',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  @ApiErrors(401, 403)
  async scrape(@Res({ passthrough: true }) res: Response): Promise<string> {
    res.type(this.metrics.contentType);
    return this.metrics.text();
  }
}
