import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { RequireScope } from '../auth/require-scope.decorator.js';
import { AgentsService, type AgentList } from './agents.service.js';
import { AgentReportDto } from './dto/agent-report.dto.js';

@Controller('api/agents')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @RequireScope('read')
  @Get()
  list(): Promise<AgentList> {
    return this.agents.list();
  }

  @RequireScope('report')
  @Post('report')
  @HttpCode(204)
  report(@Body() dto: AgentReportDto, @Ip() address: string): void {
    this.agents.report(dto, address);
  }
}
