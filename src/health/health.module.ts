import { Module } from '@nestjs/common';
import { StreamModule } from '../stream/stream.module.js';
import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';

/** `/health` and `/health/ready`; the store and change signal come from the global StoreModule. */
@Module({
  imports: [StreamModule],
  controllers: [HealthController],
  providers: [HealthService],
})
export class HealthModule {}
