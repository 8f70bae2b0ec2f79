import { Module } from '@nestjs/common';
import { PromptsModule } from '../prompts/prompts.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { GuardRunner } from './guard-runner.js';
import { RolloutsController } from './rollouts.controller.js';
import { RolloutsService } from './rollouts.service.js';

/** Rollouts of prompts (docs/rollouts.md): the REST API and the guard; the stores come from the global StoreModule. */
@Module({
  imports: [PromptsModule, SessionsModule],
  controllers: [RolloutsController],
  providers: [RolloutsService, GuardRunner],
  exports: [RolloutsService],
})
export class RolloutsModule {}
