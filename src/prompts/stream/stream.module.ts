import { Module } from '@nestjs/common';
import { ChangeLogPruner } from './change-log-pruner.js';
import { ConnectionRegistry } from './connection-registry.js';
import { StreamHub } from './stream-hub.js';

/**
 * The SSE hub. The change bus it listens to is chosen with the store, in
 * StoreModule. The controller is declared by PromptsModule, ahead of
 * PromptsController, because route order decides who gets `/api/prompts/stream`.
 */
@Module({
  providers: [StreamHub, ConnectionRegistry, ChangeLogPruner],
  exports: [StreamHub, ConnectionRegistry],
})
export class StreamModule {}
