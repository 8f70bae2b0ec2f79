import { BadRequestException, Body, Controller, Get, HttpCode, Injectable, Param, Patch, Post, type PipeTransform } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Actor, type RequestActor } from '../auth/actor.decorator.js';
import { WriteRateLimit } from '../auth/rate-limit.guard.js';
import { RequireScope } from '../auth/require-scope.decorator.js';
import { ApiErrors } from '../openapi/api-errors.decorator.js';
import { RolloutListSchema, RolloutReportSchema, RolloutSchema } from '../openapi/rollout.schemas.js';
import { ChecksFailedSchema } from '../openapi/schemas.js';
import { ROLLOUT_ID_PATTERN, ROLLOUT_ID_RULE } from '../protocol/rollout-rules.js';
import type { Rollout } from '../protocol/rollouts.js';
import { PromptKeyPipe } from '../prompts/path-params.js';
import { AbortRolloutDto, CompleteRolloutDto, RolloutPercentDto, StartRolloutDto } from './dto/rollout.dto.js';
import { RolloutsService, type RolloutReport } from './rollouts.service.js';

const CHECKS_FAILED = ApiUnprocessableEntityResponse({
  type: ChecksFailedSchema,
  description: 'A protected label would serve a candidate whose checks found errors; the body lists them.',
});

@Injectable()
export class RolloutIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!ROLLOUT_ID_PATTERN.test(value)) throw new BadRequestException(`rollout id must be ${ROLLOUT_ID_RULE}`);
    return value;
  }
}

/**
 * Rollouts of a prompt (docs/rollouts.md). Scopes as for a label move:
 * `write`, and `publish` on a protected label (write-plan.ts decides).
 */
@ApiTags('rollouts')
@ApiErrors(401, 403)
@Controller('api/prompts')
export class RolloutsController {
  constructor(private readonly rollouts: RolloutsService) {}

  @RequireScope('write')
  @WriteRateLimit()
  @Post(':key/rollouts')
  @ApiCreatedResponse({ type: RolloutSchema, description: 'Started: the label keeps its version; `percent` of its sessions get the candidate.' })
  @CHECKS_FAILED
  @ApiErrors(400, 404, 409, 429)
  start(@Param('key', PromptKeyPipe) key: string, @Body() dto: StartRolloutDto, @Actor() actor: RequestActor): Promise<Rollout> {
    return this.rollouts.start(key, dto, actor);
  }

  @RequireScope('read')
  @Get(':key/rollouts')
  @ApiOkResponse({ type: RolloutListSchema })
  @ApiErrors(400, 404)
  async list(@Param('key', PromptKeyPipe) key: string): Promise<{ rollouts: Rollout[] }> {
    return { rollouts: await this.rollouts.list(key) };
  }

  @RequireScope('read')
  @Get(':key/rollouts/:id')
  @ApiOkResponse({ type: RolloutReportSchema, description: 'The rollout, its figures per variant (95% intervals) and the guard verdict now.' })
  @ApiErrors(400, 404)
  get(@Param('key', PromptKeyPipe) key: string, @Param('id', RolloutIdPipe) id: string): Promise<RolloutReport> {
    return this.rollouts.get(key, id);
  }

  @RequireScope('write')
  @WriteRateLimit()
  @Patch(':key/rollouts/:id')
  @ApiOkResponse({ type: RolloutSchema, description: 'The new percent; raising it keeps every candidate session on the candidate.' })
  @ApiErrors(400, 404, 409, 429)
  percent(
    @Param('key', PromptKeyPipe) key: string,
    @Param('id', RolloutIdPipe) id: string,
    @Body() dto: RolloutPercentDto,
    @Actor() actor: RequestActor,
  ): Promise<Rollout> {
    return this.rollouts.step(key, id, { action: 'percent', ...dto }, actor);
  }

  @RequireScope('write')
  @WriteRateLimit()
  @Post(':key/rollouts/:id/complete')
  @HttpCode(200)
  @ApiOkResponse({ type: RolloutSchema, description: 'Completed: the label points at the candidate.' })
  @CHECKS_FAILED
  @ApiErrors(400, 404, 409, 429)
  complete(
    @Param('key', PromptKeyPipe) key: string,
    @Param('id', RolloutIdPipe) id: string,
    @Body() dto: CompleteRolloutDto,
    @Actor() actor: RequestActor,
  ): Promise<Rollout> {
    return this.rollouts.step(key, id, { action: 'complete', ...dto }, actor);
  }

  @RequireScope('write')
  @WriteRateLimit()
  @Post(':key/rollouts/:id/abort')
  @HttpCode(200)
  @ApiOkResponse({ type: RolloutSchema, description: 'Aborted: every session is on the baseline again.' })
  @ApiErrors(400, 404, 409, 429)
  abort(
    @Param('key', PromptKeyPipe) key: string,
    @Param('id', RolloutIdPipe) id: string,
    @Body() dto: AbortRolloutDto,
    @Actor() actor: RequestActor,
  ): Promise<Rollout> {
    return this.rollouts.step(key, id, { action: 'abort', ...dto }, actor);
  }
}
