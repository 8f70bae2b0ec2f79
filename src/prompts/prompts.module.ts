import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller.js';
import { LabelsController } from './labels.controller.js';
import { PromptListResponder } from './prompt-list.responder.js';
import { PromptsController } from './prompts.controller.js';
import { PromptsService } from './prompts.service.js';
import { SeedService } from './seed.service.js';

/** The prompts API and its rules; the store comes from the global StoreModule. */
@Module({
  controllers: [PromptsController, LabelsController, AuditController],
  providers: [PromptsService, PromptListResponder, SeedService],
  exports: [PromptsService],
})
export class PromptsModule {}
