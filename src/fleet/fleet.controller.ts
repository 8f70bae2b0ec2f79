import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors.decorator.js';
import { AgentListSchema } from '../openapi/schemas.js';
import { Actor, type RequestActor } from '../auth/actor.decorator.js';
import { ReportRateLimit } from '../auth/rate-limit.guard.js';
import { RequireScope } from '../auth/require-scope.decorator.js';
import type { AgentList } from '../protocol/fleet.js';
import { FleetService } from './fleet.service.js';
import { AgentReportDto } from './dto/agent-report.dto.js';
import { AgentListQuery } from './dto/agent-list-query.dto.js';

@ApiTags('agents')
@ApiErrors(401, 403)
@Controller('api/agents')
export class FleetController {
  constructor(private readonly agents: FleetService) {}

  @RequireScope('read')
  @Get()
  @ApiOkResponse({ type: AgentListSchema, description: 'One page of the agents that reported within AGENT_REPORT_TTL_MS, in agent-id order.' })
  @ApiErrors(400)
  list(@Query() query: AgentListQuery): Promise<AgentList> {
    return this.agents.list(query.limit, query.cursor);
  }

  @RequireScope('report')
  @ReportRateLimit()
  @Post('report')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Recorded.' })
  @ApiErrors(400, 409, 429)
  report(@Body() dto: AgentReportDto, @Actor() actor: RequestActor): Promise<void> {
    return this.agents.report(dto, actor);
  }
}
