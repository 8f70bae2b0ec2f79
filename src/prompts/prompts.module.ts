import { Module } from '@nestjs/common';
import { PromptListResponder } from './prompt-list.responder.js';
import { PromptsController } from './prompts.controller.js';
import { PromptsService } from './prompts.service.js';
import { SeedService } from './seed.service.js';
import { StoreModule } from './store/store.module.js';

@Module({
  imports: [StoreModule],
  controllers: [PromptsController],
  providers: [PromptsService, PromptListResponder, SeedService],
  exports: [PromptsService],
})
export class PromptsModule {}
