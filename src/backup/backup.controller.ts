import { Controller, Get, HttpCode, PayloadTooLargeException, Post, Query, Req, Res, UnsupportedMediaTypeException } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '../config/app-config.js';
import { ApiErrors } from '../openapi/api-errors.decorator.js';
import { BACKUP_CONTENT_TYPE } from '../protocol/backup.js';
import { BackupService, type ImportSummary } from './backup.service.js';
import { ImportQuery } from './dto/import-query.dto.js';

/**
 * The whole store as JSON lines (docs/cli.md#export-and-import). No
 * `@RequireScope`: these routes need `admin`, since an export holds every
 * version and the audit trail's addresses, and an import writes history.
 */
@ApiTags('admin')
@Controller('api/admin')
export class BackupController {
  constructor(
    private readonly backup: BackupService,
    private readonly config: AppConfig,
  ) {}

  @Get('export')
  @ApiProduces(BACKUP_CONTENT_TYPE)
  @ApiOkResponse({ description: 'Every key, version, label, audit entry and rollout, one JSON record per line: meta first, end last.' })
  @ApiErrors(401, 403)
  async exportAll(@Res() res: Response): Promise<void> {
    res.setHeader('Content-Type', `${BACKUP_CONTENT_TYPE}; charset=utf-8`);
    res.setHeader('Content-Disposition', 'attachment; filename="promptcast-export.ndjson"');
    res.setHeader('Cache-Control', 'no-store');
    await this.backup.exportTo(res);
  }

  @Post('import')
  @HttpCode(200)
  @ApiOkResponse({ description: 'What was written: `{revision, keys, versions, labels, audit, rollouts}`.' })
  @ApiErrors(400, 401, 403, 409, 413)
  importAll(@Req() req: Request, @Query() query: ImportQuery): Promise<ImportSummary> {
    const type = req.headers['content-type'] ?? '';
    if (type.split(';')[0].trim().toLowerCase() !== BACKUP_CONTENT_TYPE) {
      throw new UnsupportedMediaTypeException(`send the export file as Content-Type: ${BACKUP_CONTENT_TYPE}`);
    }
    if (Number(req.headers['content-length'] ?? 0) > this.config.limits.importMaxBytes) {
      throw new PayloadTooLargeException(`the file is larger than ${this.config.limits.importMaxBytes} bytes (IMPORT_MAX_BYTES)`);
    }
    return this.backup.importFrom(req, query.merge === 'true' ? 'merge' : 'exact');
  }
}
