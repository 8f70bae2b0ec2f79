import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';

export const AGENT_MODES = ['streaming', 'polling', 'offline'] as const;
export type AgentMode = (typeof AGENT_MODES)[number];

/** `POST /api/agents/report`: what one agent process holds right now. */
export class AgentReportDto {
  @ApiProperty({ example: 'friday-7f3a' })
  @IsString() @Matches(/^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/, {
    message: 'agentId must be 1-128 characters: letters, digits and . _ : @ / - (starting with a letter or digit)',
  })
  agentId!: string;

  // null: the agent runs on built-in defaults and has no revision yet.
  @ApiProperty({ type: Number, nullable: true, description: 'null: running on built-in defaults.' })
  @ValidateIf((o: AgentReportDto) => o.revision !== null) @IsInt() @Min(0)
  revision!: number | null;

  @ApiProperty({ minimum: 0 })
  @IsInt() @Min(0) @Max(1_000_000)
  sessions!: number;

  @ApiProperty({ enum: AGENT_MODES })
  @IsIn(AGENT_MODES)
  mode!: AgentMode;
}
