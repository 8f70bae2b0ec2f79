import { Module } from '@nestjs/common';
import { ConnectionRegistry } from './connection-registry.js';
import { StreamController } from './stream.controller.js';
import { StreamHub } from './stream-hub.js';

/**
 * The SSE stream. AppModule imports it ahead of PromptsModule: routes register
 * in module order, and `GET /api/prompts/:key` would otherwise capture
 * `/api/prompts/stream`.
 */
@Module({
  controllers: [StreamController],
  providers: [StreamHub, ConnectionRegistry],
  exports: [StreamHub, ConnectionRegistry],
})
export class StreamModule {}
