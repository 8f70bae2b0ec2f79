import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Actor, type RequestActor } from '../auth/actor.decorator.js';
import { WriteRateLimit } from '../auth/rate-limit.guard.js';
import { RequireScope } from '../auth/require-scope.decorator.js';
import { ApiErrors } from '../openapi/api-errors.decorator.js';
import { ChecksFailedSchema, LabelListSchema, MovedLabelSchema } from '../openapi/schemas.js';
import type { LabelList } from '../protocol/labels.js';
import { MoveLabelDto } from './dto/move-label.dto.js';
import { IfMatchVersion } from './if-match.decorator.js';
import { LabelPipe, PromptKeyPipe } from './path-params.js';
import { PromptsService, type MovedLabel } from './prompts.service.js';

const IF_MATCH = ApiHeader({ name: 'If-Match', required: false, description: 'The version the label points at now ("3"); a stale one answers 412.' });

/** A prompt's labels: list them, point one at a version, remove one (docs/releases.md). */
@ApiTags('labels')
@ApiErrors(401, 403)
@Controller('api/prompts')
export class LabelsController {
  constructor(private readonly prompts: PromptsService) {}

  @RequireScope('read')
  @Get(':key/labels')
  @ApiOkResponse({ type: LabelListSchema })
  @ApiErrors(400, 404)
  list(@Param('key', PromptKeyPipe) key: string): Promise<LabelList> {
    return this.prompts.labels(key);
  }

  @RequireScope('write')
  @WriteRateLimit()
  @Put(':key/labels/:label')
  @ApiOkResponse({
    type: MovedLabelSchema,
    description: "The key's labels after the move, and the checks of the version moved to (a protected label needs the publish scope).",
  })
  @ApiUnprocessableEntityResponse({ type: ChecksFailedSchema, description: 'A protected label would point at a version whose checks found errors.' })
  @IF_MATCH
  @ApiErrors(400, 404, 412, 429)
  move(
    @Param('key', PromptKeyPipe) key: string,
    @Param('label', LabelPipe) label: string,
    @Body() dto: MoveLabelDto,
    @IfMatchVersion() ifVersion: number | undefined,
    @Actor() actor: RequestActor,
  ): Promise<MovedLabel> {
    return this.prompts.moveLabel(key, label, dto, actor, ifVersion);
  }

  @RequireScope('write')
  @WriteRateLimit()
  @Delete(':key/labels/:label')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The label points nowhere now; production of a live prompt cannot be removed (409).' })
  @IF_MATCH
  @ApiErrors(400, 404, 409, 412, 429)
  async remove(
    @Param('key', PromptKeyPipe) key: string,
    @Param('label', LabelPipe) label: string,
    @IfMatchVersion() ifVersion: number | undefined,
    @Actor() actor: RequestActor,
  ): Promise<void> {
    await this.prompts.removeLabel(key, label, actor, ifVersion);
  }
}
