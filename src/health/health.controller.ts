import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/require-scope.decorator.js';
import { LivenessSchema, ReadinessSchema } from '../openapi/schemas.js';
import { HealthService, type Liveness, type Readiness } from './health.service.js';

/** Probes: `/health` for liveness (restart me?), `/health/ready` for readiness (send me traffic?). */
// Probes carry no credentials: both answer anyone (they reveal no prompt).
@Public()
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @ApiOkResponse({ type: LivenessSchema, description: 'Always 200 while the process runs; never touches the store.' })
  live(@Res({ passthrough: true }) res: Response): Liveness {
    res.setHeader('Cache-Control', 'no-store');
    return this.health.liveness();
  }

  @Get('ready')
  @ApiOkResponse({ type: ReadinessSchema, description: 'Store reachable, migrations applied, bus listening.' })
  @ApiServiceUnavailableResponse({ type: ReadinessSchema, description: 'Not ready; `problems` says why.' })
  async ready(@Res({ passthrough: true }) res: Response): Promise<Readiness> {
    const readiness = await this.health.readiness();
    res.setHeader('Cache-Control', 'no-store');
    res.status(readiness.status === 'ready' ? 200 : 503);
    return readiness;
  }
}
