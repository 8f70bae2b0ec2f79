import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { HealthService, type Liveness, type Readiness } from './health.service.js';

/** Probes: `/health` for liveness (restart me?), `/health/ready` for readiness (send me traffic?). */
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  live(@Res({ passthrough: true }) res: Response): Liveness {
    res.setHeader('Cache-Control', 'no-store');
    return this.health.liveness();
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response): Promise<Readiness> {
    const readiness = await this.health.readiness();
    res.setHeader('Cache-Control', 'no-store');
    res.status(readiness.status === 'ready' ? 200 : 503);
    return readiness;
  }
}
