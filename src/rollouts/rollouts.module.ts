import { Module } from '@nestjs/common';
import { PromptsModule } from '../prompts/prompts.module.js';
import { RolloutsController } from './rollouts.controller.js';
import { RolloutsService } from './rollouts.service.js';

/** Rollouts of prompts (docs/rollouts.md): the REST API; the store comes from the global StoreModule. */
@Module({
  imports: [PromptsModule],
  controllers: [RolloutsController],
  providers: [RolloutsService],
  exports: [RolloutsService],
})
export class RolloutsModule {}
