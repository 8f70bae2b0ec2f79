import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hasErrors } from '../protocol/checks.js';
import { DEFAULT_LABEL } from '../protocol/labels.js';
import type { ApplyScope, Rollout, RolloutGuard } from '../protocol/rollouts.js';
import { PromptStore, type RolloutOutcome } from '../store/prompt-store.js';
import type { RolloutStepRules } from '../store/rollout-plan.js';
import { basisPointsOf } from '../store/rollout-rows.js';
import { PromptsService, type Actor, type ForceInput } from '../prompts/prompts.service.js';
import { guardVerdict, type GuardVerdict, type RolloutFigures } from '../sessions/rollout-figures.js';
import { SessionStore } from '../sessions/session-store.js';
import { refusalError } from '../prompts/write-refusal.js';

export interface StartRolloutInput extends ForceInput {
  version: number;
  percent: number;
  label?: string;
  guard?: RolloutGuard;
  message?: string;
}

/** A step as a caller asks for it. */
export type RolloutStepInput =
  | ({ action: 'percent'; percent: number; message?: string } & ForceInput)
  | ({ action: 'complete'; message?: string } & ForceInput)
  | ({ action: 'abort'; reason: string; message?: string } & Pick<ForceInput, 'apply'>);

/** `GET …/rollouts/:id`: the rollout with its sessions' figures per variant and, when guarded, the guard's verdict now. */
export type RolloutReport = Rollout & { figures: RolloutFigures; verdict: GuardVerdict | null };

/** Rollouts listed at once: the newest; older ones stay in the audit trail. */
export const ROLLOUT_LIST_LIMIT = 50;

/**
 * Rollouts (docs/rollouts.md): the rules that are not the store's — ids,
 * percents as basis points, the checks of the candidate — and the same
 * announcement and refusal handling as every other write (PromptsService).
 */
@Injectable()
export class RolloutsService {
  constructor(
    private readonly store: PromptStore,
    private readonly prompts: PromptsService,
    private readonly sessions: SessionStore,
  ) {}

  async start(key: string, input: StartRolloutInput, actor: Actor): Promise<Rollout> {
    const label = input.label ?? DEFAULT_LABEL;
    const checks = await this.prompts.versionChecks(key, input.version, label);
    const origin = this.prompts.origin(actor, input);
    const outcome = await this.store.startRollout({
      key,
      id: randomBytes(12).toString('base64url'),
      label,
      version: input.version,
      basisPoints: basisPointsOf(input.percent),
      apply: input.apply ?? 'live',
      guard: input.guard ?? null,
      message: input.message ?? null,
      hasErrors: hasErrors(checks),
      ...origin,
    });
    return this.settle(outcome, { key, label, version: input.version, checks });
  }

  /** One step of rollout `id` of `key`: a new percent, complete (gated by the candidate's checks like a publish) or abort. */
  async step(key: string, id: string, input: RolloutStepInput, actor: Actor): Promise<Rollout> {
    if (input.action === 'abort' && input.reason.trim() === '') throw new BadRequestException('reason must not be blank: say why the rollout stops');
    const current = await this.store.getRollout(id);
    const checks = input.action === 'complete' && current ? await this.prompts.versionChecks(key, current.candidate, current.label) : undefined;
    const rules = this.rules(input, checks ? hasErrors(checks) : false);
    // An abort never needs force: it only takes the candidate away.
    const origin = this.prompts.origin(actor, input.action === 'abort' ? {} : input);
    const outcome = await this.store.stepRollout({ key, id, rules, message: input.message ?? null, ...origin });
    return this.settle(outcome, { key, rollout: id, version: current?.candidate, label: current?.label, checks });
  }

  async list(key: string): Promise<Rollout[]> {
    const rollouts = await this.store.listRollouts(key, ROLLOUT_LIST_LIMIT);
    if (!rollouts) throw new NotFoundException(`prompt "${key}" not found`);
    return rollouts;
  }

  async get(key: string, id: string): Promise<RolloutReport> {
    const rollout = await this.store.getRollout(id);
    if (!rollout || rollout.key !== key) throw new NotFoundException(`prompt "${key}" has no rollout "${id}"`);
    const figures = await this.sessions.rolloutFigures(id, rollout.guard?.metric ?? null);
    return { ...rollout, figures, verdict: rollout.guard ? guardVerdict(rollout.guard, figures) : null };
  }

  private rules(input: RolloutStepInput, candidateHasErrors: boolean): RolloutStepRules {
    const apply: ApplyScope | undefined = input.apply;
    if (input.action === 'percent') return { action: 'percent', basisPoints: basisPointsOf(input.percent), apply };
    if (input.action === 'complete') return { action: 'complete', hasErrors: candidateHasErrors, apply };
    return { action: 'abort', reason: input.reason, apply };
  }

  private settle(outcome: RolloutOutcome, write: Parameters<typeof refusalError>[1]): Rollout {
    if (!outcome.ok) throw refusalError(outcome, write);
    this.prompts.announce(outcome.change);
    return outcome.rollout;
  }
}
