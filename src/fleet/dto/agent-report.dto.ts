import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';
import { AGENT_ID_PATTERN, AGENT_ID_RULE, AGENT_MODES, type AgentMode, type FleetReport } from '../../protocol/fleet.js';
import { KeyListParam } from '../../common/query-params.js';
import { LABEL_PATTERN, LABEL_RULE } from '../../protocol/labels.js';
import { REVISION_MAX } from '../../protocol/revision.js';

/** `POST /api/agents/report`: what one agent process holds right now. */
export class AgentReportDto implements FleetReport {
  @ApiProperty({ example: 'friday-7f3a', maxLength: 128 })
  @IsString()
  @Matches(AGENT_ID_PATTERN, { message: `agentId must be ${AGENT_ID_RULE}` })
  agentId!: string;

  // null: the agent runs on built-in defaults and has no revision yet. The service also refuses one ahead of the server's.
  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    maximum: REVISION_MAX,
    description: "null: running on built-in defaults. Never above the server's current revision (400).",
  })
  @ValidateIf((o: AgentReportDto) => o.revision !== null)
  @IsInt()
  @Min(0)
  @Max(REVISION_MAX)
  revision!: number | null;

  @ApiProperty({ minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  sessions!: number;

  @ApiProperty({ enum: AGENT_MODES })
  @IsIn(AGENT_MODES)
  mode!: AgentMode;

  @ApiPropertyOptional({ example: 'production', description: 'The label whose view the agent follows. Defaults to production.' })
  @IsOptional()
  @IsString()
  @Matches(LABEL_PATTERN, { message: `label must be ${LABEL_RULE}` })
  label?: string;

  // The one key-list rule of `?keys=` (grammar and length), so a report names exactly the view its stream follows.
  @KeyListParam(
    "The prompt keys the agent follows, as its stream's `?keys=`: it is behind against the label's view of these keys. Every key when absent.",
  )
  keys?: string;
}
