import { Controller, Get, Query } from '@nestjs/common';
import { RequireScope } from '../auth/require-scope.decorator.js';
import { AuditListQuery } from './dto/audit-query.dto.js';
import { PromptsService } from './prompts.service.js';
import type { AuditPage } from './prompts.service.js';

/** `GET /api/audit`: every change across prompts, newest first (admin scope). */
@Controller('api/audit')
export class AuditController {
  constructor(private readonly prompts: PromptsService) {}

  @RequireScope('admin')
  @Get()
  list(@Query() query: AuditListQuery): Promise<AuditPage> {
    return this.prompts.audit({ ...query, limit: query.limit ?? 50 });
  }
}
