import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  APPLY_OUTCOMES,
  SESSION_LIMITS,
  type ApplyOutcome,
  type ApplyReceipt,
  type SessionList,
  type SessionMetrics,
  type SessionRecord,
  type SessionReport,
  type SessionVariant,
  type StoredSession,
  type TurnRecord,
} from '../protocol/sessions.js';

// The session-report wire shapes (src/protocol/sessions.ts) as OpenAPI schemas; each class
// `implements` its wire type, so a schema that drifts from the wire is a compile error.

const VERSIONS = {
  type: 'object',
  additionalProperties: { type: 'integer', minimum: 1 },
  maxProperties: SESSION_LIMITS.promptsPerSession,
  example: { AGENT_INSTRUCTION: 4 },
} as const;

export class ApplyReceiptSchema implements ApplyReceipt {
  @ApiProperty({ description: 'The global revision of the change.' }) revision!: number;
  @ApiProperty({ example: 'AGENT_INSTRUCTION' }) key!: string;
  @ApiProperty({ description: "The version the change offered this session (its rollout variant's, when one applies)." }) version!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: APPLY_OUTCOMES }) outcome!: ApplyOutcome;
  @ApiPropertyOptional({ maxLength: SESSION_LIMITS.detailLength, description: 'Why, for failed and unsupported.' }) detail?: string;
}

export class TurnRecordSchema implements TurnRecord {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: Number, nullable: true, description: "The revision the turn's instructions came from; null on built-in defaults." })
  revision!: number | null;
  @ApiProperty({ ...VERSIONS, description: 'The version of each followed key the turn ran on.' }) versions!: Record<string, number>;
}

export class SessionVariantSchema implements SessionVariant {
  @ApiProperty() rolloutId!: string;
  @ApiProperty({ enum: ['candidate', 'baseline'] }) variant!: 'candidate' | 'baseline';
}

export class SessionMetricsSchema implements SessionMetrics {
  @ApiProperty({ minimum: 0 }) turns!: number;
  @ApiProperty({ minimum: 0 }) userInterruptions!: number;
  @ApiProperty({ minimum: 0 }) agentErrors!: number;
  @ApiProperty({ minimum: 0 }) durationMs!: number;
  @ApiProperty({ type: String, nullable: true, example: 'participant_disconnected', description: 'How the call ended; null while it runs.' })
  endReason!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    maxProperties: SESSION_LIMITS.customMetrics,
    example: { resolved: 1 },
    description: "The agent's own numbers (binding.record(name, value)); names are [a-zA-Z_][a-zA-Z0-9_]*.",
  })
  custom!: Record<string, number>;
}

export class SessionRecordSchema implements SessionRecord {
  @ApiProperty({ example: 'room-8f2c', maxLength: 128 }) sessionId!: string;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'Absent or null while the call runs.' })
  endedAt?: string | null;
  @ApiProperty({ example: 'production', description: 'The label whose view the agent follows.' }) label!: string;
  @ApiProperty({ ...VERSIONS, description: 'The version of each key the call runs on now.' }) prompts!: Record<string, number>;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/SessionVariantSchema' },
    description: 'Its rollout variant per key, for the keys in a rollout when it started.',
  })
  rollouts?: Record<string, SessionVariantSchema>;
  @ApiProperty({ type: [ApplyReceiptSchema], maxItems: SESSION_LIMITS.receiptsPerSession }) receipts!: ApplyReceiptSchema[];
  @ApiPropertyOptional({ type: [TurnRecordSchema], maxItems: SESSION_LIMITS.turnsPerSession }) turns?: TurnRecordSchema[];
  @ApiProperty({ type: SessionMetricsSchema }) metrics!: SessionMetricsSchema;
}

export class SessionReportSchema implements SessionReport {
  @ApiProperty({ example: 'friday-7f3a', maxLength: 128 }) agentId!: string;
  @ApiProperty({
    type: [SessionRecordSchema],
    minItems: 1,
    maxItems: SESSION_LIMITS.sessionsPerReport,
    description: 'A newer report of a session id replaces the older one.',
  })
  sessions!: SessionRecordSchema[];
}

export class StoredSessionSchema extends SessionRecordSchema implements StoredSession {
  @ApiProperty({ description: 'The agent that reported it last.' }) agentId!: string;
  @ApiProperty({ format: 'date-time', description: 'When the newest report of it arrived.' }) reportedAt!: string;
}

export class SessionListSchema implements SessionList {
  @ApiProperty({ type: [StoredSessionSchema], description: 'Newest first (by startedAt, then session id).' }) sessions!: StoredSessionSchema[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `before` for the next page; null on the last.' }) next!: string | null;
}
