import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotModifiedResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor, type RequestActor } from '../auth/actor.decorator.js';
import { CheckRateLimit, WriteRateLimit } from '../auth/rate-limit.guard.js';
import { RequireScope } from '../auth/require-scope.decorator.js';
import { ApiErrors } from '../openapi/api-errors.decorator.js';
import { formatEtag } from '../protocol/revision.js';
import {
  CheckReportSchema,
  ChecksFailedSchema,
  PromptSchema,
  SavedPromptSchema,
  SnapshotSchema,
  VersionListSchema,
  VersionSchema,
} from '../openapi/schemas.js';
import type { CheckReport } from '../protocol/checks.js';
import type { SavedPrompt } from '../protocol/prompts.js';
import { CheckPromptDto } from './dto/check-prompt.dto.js';
import { CreatePromptDto } from './dto/create-prompt.dto.js';
import { LabelQuery } from './dto/move-label.dto.js';
import { ListPromptsQuery } from './dto/list-query.dto.js';
import { RollbackDto } from './dto/rollback.dto.js';
import { UpdatePromptDto } from './dto/update-prompt.dto.js';
import { VersionsQuery } from './dto/versions-query.dto.js';
import { IfMatchVersion } from './if-match.decorator.js';
import { PromptKeyPipe, VersionParam } from './path-params.js';
import { PromptListResponder } from './prompt-list.responder.js';
import { PromptsService } from './prompts.service.js';
import type { PromptRecord, VersionList, VersionRecord } from '../store/prompt-store.js';

const CHECKS_FAILED = ApiUnprocessableEntityResponse({
  type: ChecksFailedSchema,
  description: 'A protected label would point at a version whose checks found errors; the body lists them (docs/variables.md).',
});
const IF_MATCH = ApiHeader({ name: 'If-Match', required: false, description: 'The newest version you saw ("3"); a stale one answers 412.' });

@ApiTags('prompts')
@ApiErrors(401, 403)
@Controller('api/prompts')
export class PromptsController {
  constructor(
    private readonly prompts: PromptsService,
    private readonly list: PromptListResponder,
  ) {}

  @RequireScope('read')
  @Get()
  @ApiOkResponse({
    type: SnapshotSchema,
    description:
      "The label's view (`?label=`, default production; of `?keys=` when given): the prompts it points at and the revision of its last change (the ETag). `?format=flat`: `{KEY: text}`.",
  })
  @ApiNotModifiedResponse({ description: "If-None-Match names the view's revision: nothing in this view changed since; no body." })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'A view revision you hold ("12"): an earlier ETag or a heartbeat id.' })
  @ApiErrors(400)
  async findAll(@Query() query: ListPromptsQuery, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res() res: Response): Promise<void> {
    await this.list.respond(query, ifNoneMatch, res);
  }

  @RequireScope('read')
  @Get(':key')
  @ApiOkResponse({ type: PromptSchema, description: 'The version the label (default production) points at; ETag: that version.' })
  @ApiErrors(400, 404)
  async findOne(
    @Param('key', PromptKeyPipe) key: string,
    @Query() query: LabelQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PromptRecord> {
    return withEtag(res, await this.prompts.get(key, query.label));
  }

  @RequireScope('write')
  @WriteRateLimit()
  @Post()
  @ApiCreatedResponse({ type: SavedPromptSchema })
  @CHECKS_FAILED
  @ApiErrors(400, 403, 409, 413, 429)
  async create(@Body() dto: CreatePromptDto, @Actor() actor: RequestActor, @Res({ passthrough: true }) res: Response): Promise<SavedPrompt> {
    res.location(`/api/prompts/${dto.key}`);
    return withEtag(res, await this.prompts.create(dto.key, dto, actor));
  }

  @RequireScope('write')
  @WriteRateLimit()
  @Put(':key')
  @ApiOkResponse({
    type: SavedPromptSchema,
    description: 'The new version and its checks; `labels` (default production) now point at it, none for a draft.',
  })
  @IF_MATCH
  @CHECKS_FAILED
  @ApiErrors(400, 403, 404, 412, 413, 429)
  async update(
    @Param('key', PromptKeyPipe) key: string,
    @Body() dto: UpdatePromptDto,
    @IfMatchVersion() ifVersion: number | undefined,
    @Actor() actor: RequestActor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SavedPrompt> {
    return withEtag(res, await this.prompts.update(key, dto, actor, ifVersion));
  }

  @RequireScope('write')
  @WriteRateLimit()
  @Delete(':key')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted: every label removed; its history stays readable and a rollback restores it.' })
  @IF_MATCH
  @ApiErrors(400, 403, 404, 412, 429)
  async remove(
    @Param('key', PromptKeyPipe) key: string,
    @IfMatchVersion() ifVersion: number | undefined,
    @Actor() actor: RequestActor,
  ): Promise<void> {
    await this.prompts.remove(key, actor, ifVersion);
  }

  @RequireScope('read')
  @CheckRateLimit()
  @Post(':key/check')
  @HttpCode(200)
  @ApiOkResponse({ type: CheckReportSchema, description: 'What the checks find in a text, without saving it (docs/variables.md).' })
  @ApiErrors(400, 413, 429)
  check(@Param('key', PromptKeyPipe) key: string, @Body() dto: CheckPromptDto): Promise<CheckReport> {
    return this.prompts.check(key, dto);
  }

  @RequireScope('read')
  @Get(':key/versions')
  @ApiOkResponse({ type: VersionListSchema })
  @ApiErrors(400, 404)
  versions(@Param('key', PromptKeyPipe) key: string, @Query() query: VersionsQuery): Promise<VersionList> {
    return this.prompts.versions(key, query.limit ?? 20, query.before);
  }

  @RequireScope('read')
  @Get(':key/versions/:n')
  @ApiOkResponse({ type: VersionSchema })
  @ApiErrors(400, 404)
  version(@Param('key', PromptKeyPipe) key: string, @VersionParam('n') n: number): Promise<VersionRecord> {
    return this.prompts.version(key, n);
  }

  @RequireScope('write')
  @WriteRateLimit()
  @Post(':key/rollback')
  @HttpCode(200)
  @ApiOkResponse({ type: SavedPromptSchema, description: 'The version production points at now (no new version is made), and its checks.' })
  @CHECKS_FAILED
  @ApiErrors(400, 403, 404, 429)
  async rollback(
    @Param('key', PromptKeyPipe) key: string,
    @Body() dto: RollbackDto,
    @Actor() actor: RequestActor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SavedPrompt> {
    return withEtag(res, await this.prompts.rollback(key, dto.version, actor, dto));
  }
}

function withEtag<T extends PromptRecord>(res: Response, prompt: T): T {
  res.setHeader('ETag', formatEtag(prompt.version));
  return prompt;
}
