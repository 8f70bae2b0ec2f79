import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller.js';
import { PromptListResponder } from './prompt-list.responder.js';
import { PromptsController } from './prompts.controller.js';
import { PromptsService } from './prompts.service.js';
import { SeedService } from './seed.service.js';
import { StoreModule } from './store/store.module.js';
import { StreamController } from './stream/stream.controller.js';
import { StreamModule } from './stream/stream.module.js';

@Module({
  imports: [StoreModule, StreamModule],
  // ordering: StreamController first, or `GET :key` would capture /api/prompts/stream.
  controllers: [StreamController, PromptsController, AuditController],
  providers: [PromptsService, PromptListResponder, SeedService],
  exports: [PromptsService],
})
export class PromptsModule {}
