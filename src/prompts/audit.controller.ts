import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../auth/require-scope.decorator.js';
import { ApiErrors } from '../openapi/api-errors.decorator.js';
import { AuditPageSchema } from '../openapi/schemas.js';
import { AuditListQuery } from './dto/audit-query.dto.js';
import { PromptsService } from './prompts.service.js';
import type { AuditPage } from './prompts.service.js';

/** `GET /api/audit`: every change across prompts, newest first (audit scope: admins, editors, viewers). */
@ApiTags('audit')
@Controller('api/audit')
export class AuditController {
  constructor(private readonly prompts: PromptsService) {}

  @RequireScope('audit')
  @Get()
  @ApiOkResponse({ type: AuditPageSchema })
  @ApiErrors(400, 401, 403)
  list(@Query() query: AuditListQuery): Promise<AuditPage> {
    return this.prompts.audit({ ...query, limit: query.limit ?? 50 });
  }
}
