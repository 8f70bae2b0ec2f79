import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';
import { AGENT_ID_PATTERN, AGENT_MODES, type AgentMode, type FleetReport } from '../../protocol/fleet.js';

/** `POST /api/agents/report`: what one agent process holds right now. */
export class AgentReportDto implements FleetReport {
  @ApiProperty({ example: 'friday-7f3a' })
  @IsString()
  @Matches(AGENT_ID_PATTERN, {
    message: 'agentId must be 1-128 characters: letters, digits and . _ : @ / - (starting with a letter or digit)',
  })
  agentId!: string;

  // null: the agent runs on built-in defaults and has no revision yet.
  @ApiProperty({ type: Number, nullable: true, description: 'null: running on built-in defaults.' })
  @ValidateIf((o: AgentReportDto) => o.revision !== null)
  @IsInt()
  @Min(0)
  revision!: number | null;

  @ApiProperty({ minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  sessions!: number;

  @ApiProperty({ enum: AGENT_MODES })
  @IsIn(AGENT_MODES)
  mode!: AgentMode;
}
