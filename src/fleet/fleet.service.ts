import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { PromptsService } from '../prompts/prompts.service.js';
import { AgentRoster } from './agent-roster.js';
import type { AgentList } from '../protocol/fleet.js';
import type { AgentReportDto } from './dto/agent-report.dto.js';

/**
 * The fleet view: which agent runs which revision. Kept in memory only — it
 * is rebuilt within one report interval after a restart, and each replica
 * shows the agents that report to it.
 */
@Injectable()
export class FleetService {
  private readonly roster: AgentRoster;

  constructor(
    config: AppConfig,
    private readonly prompts: PromptsService,
  ) {
    this.roster = new AgentRoster(config.agents.reportTtlMs);
  }

  report(dto: AgentReportDto, address: string): void {
    this.roster.upsert({ ...dto, reportedAt: Date.now(), address });
  }

  async list(): Promise<AgentList> {
    const revision = await this.prompts.revision();
    const agents = this.roster.list(Date.now()).map((a) => ({
      ...a,
      reportedAt: new Date(a.reportedAt).toISOString(),
      behind: a.revision === null || a.revision < revision,
    }));
    return { revision, agents };
  }
}
