import { Module } from '@nestjs/common';
import { ChangeBus } from './change-bus.js';
import { ChangeLogPruner } from './change-log-pruner.js';
import { ConnectionRegistry } from './connection-registry.js';
import { InProcessChangeBus } from './in-process-change.bus.js';
import { StreamHub } from './stream-hub.js';

/**
 * The change bus and the SSE hub. The controller is declared by PromptsModule,
 * ahead of PromptsController, because route order decides who gets
 * `/api/prompts/stream`.
 */
@Module({
  providers: [{ provide: ChangeBus, useClass: InProcessChangeBus }, StreamHub, ConnectionRegistry, ChangeLogPruner],
  exports: [ChangeBus, StreamHub, ConnectionRegistry],
})
export class StreamModule {}
