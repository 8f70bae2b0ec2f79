import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Actor, type RequestActor } from '../auth/actor.decorator.js';
import { WriteRateLimit } from '../auth/rate-limit.guard.js';
import { RequireScope } from '../auth/require-scope.decorator.js';
import { CreatePromptDto } from './dto/create-prompt.dto.js';
import { ListPromptsQuery } from './dto/list-query.dto.js';
import { RollbackDto } from './dto/rollback.dto.js';
import { UpdatePromptDto } from './dto/update-prompt.dto.js';
import { VersionsQuery } from './dto/versions-query.dto.js';
import { etagOf, parseIfMatch } from './etag.js';
import { PromptKeyPipe, VersionNumberPipe } from './prompt-key.pipe.js';
import { PromptListResponder } from './prompt-list.responder.js';
import { PromptsService } from './prompts.service.js';
import type { PromptRecord, VersionList, VersionRecord } from './store/prompt-store.js';

@Controller('api/prompts')
export class PromptsController {
  constructor(
    private readonly prompts: PromptsService,
    private readonly list: PromptListResponder,
  ) {}

  @RequireScope('read')
  @Get()
  async findAll(@Query() query: ListPromptsQuery, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res() res: Response): Promise<void> {
    await this.list.respond(query.format ?? 'full', ifNoneMatch, res);
  }

  @RequireScope('read')
  @Get(':key')
  async findOne(@Param('key', PromptKeyPipe) key: string, @Res({ passthrough: true }) res: Response): Promise<PromptRecord> {
    return withEtag(res, await this.prompts.get(key));
  }

  @RequireScope('write') @WriteRateLimit()
  @Post()
  async create(@Body() dto: CreatePromptDto, @Actor() actor: RequestActor, @Res({ passthrough: true }) res: Response): Promise<PromptRecord> {
    res.location(`/api/prompts/${dto.key}`);
    return withEtag(res, await this.prompts.create(dto.key, dto, actor));
  }

  @RequireScope('write') @WriteRateLimit()
  @Put(':key')
  async update(
    @Param('key', PromptKeyPipe) key: string, @Body() dto: UpdatePromptDto, @Headers('if-match') ifMatch: string | undefined,
    @Actor() actor: RequestActor, @Res({ passthrough: true }) res: Response,
  ): Promise<PromptRecord> {
    return withEtag(res, await this.prompts.update(key, dto, actor, parseIfMatch(ifMatch)));
  }

  @RequireScope('write') @WriteRateLimit()
  @Delete(':key')
  @HttpCode(204)
  async remove(@Param('key', PromptKeyPipe) key: string, @Headers('if-match') ifMatch: string | undefined, @Actor() actor: RequestActor): Promise<void> {
    await this.prompts.remove(key, actor, parseIfMatch(ifMatch));
  }

  @RequireScope('read')
  @Get(':key/versions')
  versions(@Param('key', PromptKeyPipe) key: string, @Query() query: VersionsQuery): Promise<VersionList> {
    return this.prompts.versions(key, query.limit ?? 20, query.before);
  }

  @RequireScope('read')
  @Get(':key/versions/:n')
  version(@Param('key', PromptKeyPipe) key: string, @Param('n', VersionNumberPipe) n: number): Promise<VersionRecord> {
    return this.prompts.version(key, n);
  }

  @RequireScope('write') @WriteRateLimit()
  @Post(':key/rollback')
  @HttpCode(200)
  async rollback(@Param('key', PromptKeyPipe) key: string, @Body() dto: RollbackDto, @Actor() actor: RequestActor, @Res({ passthrough: true }) res: Response): Promise<PromptRecord> {
    return withEtag(res, await this.prompts.rollback(key, dto.version, actor, dto.message));
  }
}

function withEtag(res: Response, prompt: PromptRecord): PromptRecord {
  res.setHeader('ETag', etagOf(prompt.version));
  return prompt;
}
