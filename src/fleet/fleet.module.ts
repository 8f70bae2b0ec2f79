import { Module } from '@nestjs/common';
import { PromptsModule } from '../prompts/prompts.module.js';
import { FleetController } from './fleet.controller.js';
import { FleetService } from './fleet.service.js';

/** Fleet reports from running agents and the listing of them. */
@Module({
  imports: [PromptsModule],
  controllers: [FleetController],
  providers: [FleetService],
  exports: [FleetService],
})
export class FleetModule {}
