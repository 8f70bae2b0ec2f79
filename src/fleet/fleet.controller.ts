import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors.decorator.js';
import { AgentListSchema } from '../openapi/schemas.js';
import { RequireScope } from '../auth/require-scope.decorator.js';
import type { AgentList } from '../protocol/fleet.js';
import { FleetService } from './fleet.service.js';
import { AgentReportDto } from './dto/agent-report.dto.js';

@ApiTags('agents')
@ApiErrors(401, 403)
@Controller('api/agents')
export class FleetController {
  constructor(private readonly agents: FleetService) {}

  @RequireScope('read')
  @Get()
  @ApiOkResponse({ type: AgentListSchema, description: 'Agents that reported within AGENT_REPORT_TTL_MS.' })
  list(): Promise<AgentList> {
    return this.agents.list();
  }

  @RequireScope('report')
  @Post('report')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Recorded.' })
  @ApiErrors(400)
  report(@Body() dto: AgentReportDto, @Ip() address: string): void {
    this.agents.report(dto, address);
  }
}
