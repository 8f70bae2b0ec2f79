import { Module } from '@nestjs/common';
import { PromptListResponder } from './prompt-list.responder.js';
import { PromptsController } from './prompts.controller.js';
import { PromptsService } from './prompts.service.js';
import { SeedService } from './seed.service.js';
import { StoreModule } from './store/store.module.js';
import { ChangeBus } from './stream/change-bus.js';
import { InProcessChangeBus } from './stream/in-process-change.bus.js';

@Module({
  imports: [StoreModule],
  controllers: [PromptsController],
  providers: [PromptsService, PromptListResponder, SeedService, { provide: ChangeBus, useClass: InProcessChangeBus }],
  exports: [PromptsService],
})
export class PromptsModule {}
