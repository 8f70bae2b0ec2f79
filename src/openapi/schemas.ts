import { ApiProperty, OmitType } from '@nestjs/swagger';

// The wire shapes the API answers with, as OpenAPI schemas. The server's own
// types stay interfaces (PromptRecord, AgentList …); these classes only describe them.

export class ErrorBodySchema {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'Bad Request' }) error!: string;
  @ApiProperty({ example: 'text must not be blank', description: 'What is wrong, in words a user can act on.' }) message!: string;
}

export class PromptSchema {
  @ApiProperty({ example: 'AGENT_INSTRUCTION' }) key!: string;
  @ApiProperty() text!: string;
  @ApiProperty({ description: 'Per-prompt version; the prompt\'s ETag.' }) version!: number;
  @ApiProperty() author!: string;
  @ApiProperty({ type: String, nullable: true }) message!: string | null;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ description: 'Global revision of the change that produced this version.' }) revision!: number;
}

export class SnapshotSchema {
  @ApiProperty({ description: 'Global revision; the collection\'s ETag.' }) revision!: number;
  @ApiProperty({ type: [PromptSchema] }) prompts!: PromptSchema[];
}

export class VersionSchema {
  @ApiProperty() key!: string;
  @ApiProperty() version!: number;
  @ApiProperty() text!: string;
  @ApiProperty() author!: string;
  @ApiProperty({ type: String, nullable: true }) message!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty() revision!: number;
}

export class VersionSummarySchema extends OmitType(VersionSchema, ['text'] as const) {
  @ApiProperty({ description: 'Text size in UTF-8 bytes.' }) size!: number;
}

export class VersionListSchema {
  @ApiProperty({ type: [VersionSummarySchema], description: 'Newest first.' }) versions!: VersionSummarySchema[];
  @ApiProperty() total!: number;
  @ApiProperty({ description: 'True when the key is deleted now; its history stays readable.' }) deleted!: boolean;
}

export class AuditEntrySchema {
  @ApiProperty() revision!: number;
  @ApiProperty() key!: string;
  @ApiProperty({ enum: ['create', 'update', 'delete', 'rollback'] }) kind!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ description: 'The token name ("anonymous" while the server ran open).' }) author!: string;
  @ApiProperty({ type: String, nullable: true }) address!: string | null;
  @ApiProperty({ type: String, nullable: true }) message!: string | null;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class AuditPageSchema {
  @ApiProperty({ type: [AuditEntrySchema], description: 'Newest first.' }) entries!: AuditEntrySchema[];
  @ApiProperty({ type: Number, nullable: true, description: 'Pass as `before` for the next page; null on the last.' }) next!: number | null;
}

export class AgentSchema {
  @ApiProperty() agentId!: string;
  @ApiProperty({ type: Number, nullable: true }) revision!: number | null;
  @ApiProperty() sessions!: number;
  @ApiProperty({ enum: ['streaming', 'polling', 'offline'] }) mode!: string;
  @ApiProperty({ format: 'date-time' }) reportedAt!: string;
  @ApiProperty() address!: string;
  @ApiProperty() behind!: boolean;
}

export class AgentListSchema {
  @ApiProperty() revision!: number;
  @ApiProperty({ type: [AgentSchema] }) agents!: AgentSchema[];
}

class StoreKindSchema {
  @ApiProperty({ example: 'sqlite' }) kind!: string;
}

const BUS_STATES = ['idle', 'starting', 'listening', 'reconnecting', 'closed'];

export class LivenessSchema {
  @ApiProperty({ enum: ['ok'] }) status!: string;
  @ApiProperty({ description: 'Seconds since this app started.' }) uptimeS!: number;
  @ApiProperty({ type: StoreKindSchema }) store!: StoreKindSchema;
  @ApiProperty({ enum: BUS_STATES }) bus!: string;
  @ApiProperty({ description: 'Last revision the stream delivered live (from memory).' }) revision!: number;
  @ApiProperty() subscribers!: number;
}

class StoreReadinessSchema {
  @ApiProperty() kind!: string;
  @ApiProperty() reachable!: boolean;
  @ApiProperty({ type: Number, nullable: true }) schemaVersion!: number | null;
  @ApiProperty({ type: Number, nullable: true }) latestSchemaVersion!: number | null;
  @ApiProperty() migrationsApplied!: boolean;
}

export class ReadinessSchema {
  @ApiProperty({ enum: ['ready', 'not_ready'] }) status!: string;
  @ApiProperty() uptimeS!: number;
  @ApiProperty({ type: StoreReadinessSchema }) store!: StoreReadinessSchema;
  @ApiProperty({ enum: BUS_STATES }) bus!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'The store\'s revision.' }) revision!: number | null;
  @ApiProperty() subscribers!: number;
  @ApiProperty({ type: [String], description: 'One line per failed check; empty when ready.' }) problems!: string[];
}
