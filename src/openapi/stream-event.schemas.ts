import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { HeartbeatData, PromptDeletedData, PromptUpdatedData, SnapshotData, SnapshotPrompt } from '../protocol/events.js';
import type { Variables } from '../protocol/template.js';

// The `data:` payloads of the SSE stream's events (src/protocol/events.ts,
// docs/architecture.md). Webhook bodies are the same prompt.updated / prompt.deleted payloads.

class SnapshotPromptSchema implements SnapshotPrompt {
  @ApiProperty() text!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/VariableSpecSchema' },
    description: "The version's declared variables.",
  })
  variables?: Variables;
}

export class SnapshotEventSchema implements SnapshotData {
  @ApiProperty() revision!: number;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/SnapshotPromptSchema' }, description: 'By key.' })
  prompts!: Record<string, SnapshotPromptSchema>;
}

export class PromptUpdatedEventSchema implements PromptUpdatedData {
  @ApiProperty() revision!: number;
  @ApiProperty() key!: string;
  @ApiProperty() version!: number;
  @ApiProperty() text!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty() author!: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/VariableSpecSchema' },
    description: "The version's declared variables.",
  })
  variables?: Variables;
}

export class PromptDeletedEventSchema implements PromptDeletedData {
  @ApiProperty() revision!: number;
  @ApiProperty() key!: string;
}

export class HeartbeatEventSchema implements HeartbeatData {
  @ApiProperty({ description: 'The revision this stream has delivered up to.' }) revision!: number;
}

export const STREAM_EVENT_SCHEMAS = [
  SnapshotPromptSchema,
  SnapshotEventSchema,
  PromptUpdatedEventSchema,
  PromptDeletedEventSchema,
  HeartbeatEventSchema,
];

export const STREAM_DESCRIPTION = `Server-Sent Events (text/event-stream). Every event has an \`id\` (the revision) and a JSON \`data\` line.

- \`snapshot\` → SnapshotEventSchema: on connect without a usable Last-Event-ID, or when the server cannot replay.
- \`prompt.updated\` → PromptUpdatedEventSchema: a create, update or rollback.
- \`prompt.deleted\` → PromptDeletedEventSchema.
- \`heartbeat\` → HeartbeatEventSchema: at most every 15 s.

A \`retry:\` hint (jittered) comes first. Resume with the \`Last-Event-ID\` header (or \`?lastEventId=\`): the changes after it, in order, or one snapshot. Protocol: docs/stream.md.`;
