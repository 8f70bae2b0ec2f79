import { Module } from '@nestjs/common';
import { PromptsModule } from '../prompts/prompts.module.js';
import { AgentsController } from './agents.controller.js';
import { AgentsService } from './agents.service.js';

/** Fleet reports from running agents and the listing of them. */
@Module({
  imports: [PromptsModule],
  controllers: [AgentsController],
  providers: [AgentsService],
  exports: [AgentsService],
})
export class AgentsModule {}
