import { ApiProperty } from '@nestjs/swagger';

// The `data:` payloads of the SSE stream's events (DESIGN.md "Stream events",
// docs/stream.md). Webhook bodies are the same prompt.updated / prompt.deleted payloads.

class SnapshotPromptSchema {
  @ApiProperty() text!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class SnapshotEventSchema {
  @ApiProperty() revision!: number;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/SnapshotPromptSchema' }, description: 'By key.' })
  prompts!: Record<string, SnapshotPromptSchema>;
}

export class PromptUpdatedEventSchema {
  @ApiProperty() revision!: number;
  @ApiProperty() key!: string;
  @ApiProperty() version!: number;
  @ApiProperty() text!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty() author!: string;
}

export class PromptDeletedEventSchema {
  @ApiProperty() revision!: number;
  @ApiProperty() key!: string;
}

export class HeartbeatEventSchema {
  @ApiProperty({ description: 'The revision this stream has delivered up to.' }) revision!: number;
}

export const STREAM_EVENT_SCHEMAS = [SnapshotPromptSchema, SnapshotEventSchema, PromptUpdatedEventSchema, PromptDeletedEventSchema, HeartbeatEventSchema];

export const STREAM_DESCRIPTION = `Server-Sent Events (text/event-stream). Every event has an \`id\` (the revision) and a JSON \`data\` line.

- \`snapshot\` → SnapshotEventSchema: on connect without a usable Last-Event-ID, or when the server cannot replay.
- \`prompt.updated\` → PromptUpdatedEventSchema: a create, update or rollback.
- \`prompt.deleted\` → PromptDeletedEventSchema.
- \`heartbeat\` → HeartbeatEventSchema: at most every 15 s.

A \`retry:\` hint (jittered) comes first. Resume with the \`Last-Event-ID\` header (or \`?lastEventId=\`): the changes after it, in order, or one snapshot. Protocol: docs/stream.md.`;
