import { BadRequestException, Injectable } from '@nestjs/common';
import type { RequestActor } from '../auth/actor.decorator.js';
import { guardFault, percentFault } from '../protocol/rollout-rules.js';
import type { RolloutGuard } from '../protocol/rollouts.js';
import { RolloutsService } from '../rollouts/rollouts.service.js';
import { forceOf, forceState, isRefusedByChecks, messageOf } from './admin-actions.service.js';
import type { AbortRolloutForm, CompleteRolloutForm, RolloutPercentForm, StartRolloutForm } from './dto/rollout-forms.dto.js';
import { promptPath, type Page } from './page.js';
import { RolloutPagesService } from './rollout-pages.service.js';

/**
 * The rollout page's forms, posted through RolloutsService (the API's own
 * rules: percents, guards, checks, protected labels). A refusal the operator
 * can fix (a bad number, the checks) is the page again with why; the rest is
 * the error page.
 */
@Injectable()
export class RolloutActionsService {
  constructor(
    private readonly rollouts: RolloutsService,
    private readonly pages: RolloutPagesService,
  ) {}

  async start(key: string, form: StartRolloutForm, actor: RequestActor): Promise<Page> {
    const fields = { ...form, _csrf: undefined, force: undefined, reason: undefined };
    try {
      const input = {
        version: form.version,
        percent: percentOf(form.percent),
        label: form.label || undefined,
        apply: form.apply,
        guard: guardOf(form),
        message: messageOf(form.message),
        ...forceOf(form),
      };
      const rollout = await this.rollouts.start(key, input, actor);
      return { redirect: rolloutPath(key, rollout.id, '?started=1') };
    } catch (err) {
      if (!isRefusedByChecks(err) && !(err instanceof BadRequestException)) throw err;
      return this.pages.start(key, form.version, actor, { error: err.message, ...forceState(form), fields });
    }
  }

  async percent(key: string, id: string, form: RolloutPercentForm, actor: RequestActor): Promise<Page> {
    return this.step(key, id, actor, () =>
      this.rollouts.step(
        key,
        id,
        { action: 'percent', percent: percentOf(form.percent), apply: form.apply, message: messageOf(form.message) },
        actor,
      ),
    );
  }

  async complete(key: string, id: string, form: CompleteRolloutForm, actor: RequestActor): Promise<Page> {
    return this.step(key, id, actor, () =>
      this.rollouts.step(key, id, { action: 'complete', apply: form.apply, message: messageOf(form.message), ...forceOf(form) }, actor),
    );
  }

  async abort(key: string, id: string, form: AbortRolloutForm, actor: RequestActor): Promise<Page> {
    return this.step(key, id, actor, () => this.rollouts.step(key, id, { action: 'abort', reason: form.reason, apply: form.apply }, actor));
  }

  /** A step, then the rollout page; a refusal to fix (a bad percent, a blank reason, the checks) is the page again with why. */
  private async step(key: string, id: string, actor: RequestActor, run: () => Promise<unknown>): Promise<Page> {
    try {
      await run();
    } catch (err) {
      if (!isRefusedByChecks(err) && !(err instanceof BadRequestException)) throw err;
      return this.pages.rollout(key, id, actor, err.message);
    }
    return { redirect: rolloutPath(key, id) };
  }
}

export function rolloutPath(key: string, id: string, suffix = ''): string {
  return promptPath(key, `/rollouts/${encodeURIComponent(id)}${suffix}`);
}

/** A number as typed; NaN for anything else, which the service's rule refuses with its own message. */
function numberOf(text: string | undefined): number {
  const trimmed = (text ?? '').trim();
  return /^[0-9]+(\.[0-9]+)?$/.test(trimmed) ? Number(trimmed) : NaN;
}

/** A percent the protocol's rule accepts, else the 400 the form shows. */
function percentOf(text: string): number {
  const percent = numberOf(text);
  const fault = percentFault(percent);
  if (fault) throw new BadRequestException(fault);
  return percent;
}

/** The guard fields, or no guard when no metric is chosen; the numbers are judged by guardFault (protocol/rollout-rules.ts). */
function guardOf(form: StartRolloutForm): RolloutGuard | undefined {
  if (!form.guardMetric) return undefined;
  const guard = { metric: form.guardMetric, maxIncrease: numberOf(form.guardMaxIncrease), minSessions: numberOf(form.guardMinSessions) };
  const fault = guardFault(guard);
  if (fault) throw new BadRequestException(fault);
  return guard;
}
