import { BadRequestException, Injectable, PreconditionFailedException } from '@nestjs/common';
import type { RequestActor } from '../auth/actor.decorator.js';
import { DEFAULT_LABEL } from '../protocol/labels.js';
import { PromptsService } from '../prompts/prompts.service.js';
import { forceOf, forceState, isRefusedByChecks, messageOf } from './admin-actions.service.js';
import type { MoveLabelForm, PromoteForm, RemoveLabelForm } from './dto/admin-forms.dto.js';
import { promptPath, type Page } from './page.js';
import { ReleasePagesService } from './release-pages.service.js';

/**
 * The label menu and promote. A refusal (a protected label without the
 * publish scope, production of a live prompt, a label that moved meanwhile)
 * is the error page with the service's reason; a promote that lost a race is
 * its page again, with the new diff.
 */
@Injectable()
export class LabelActionsService {
  constructor(
    private readonly prompts: PromptsService,
    private readonly releases: ReleasePagesService,
  ) {}

  async move(key: string, form: MoveLabelForm, actor: RequestActor): Promise<Page> {
    await this.prompts.moveLabel(key, form.label, { version: form.version }, actor);
    const back = form.back === 'history' ? '/history' : '';
    return { redirect: `${promptPath(key, back)}?moved=${form.label}` };
  }

  async remove(key: string, form: RemoveLabelForm, actor: RequestActor): Promise<Page> {
    await this.prompts.removeLabel(key, form.label, actor, form.current);
    return { redirect: `${promptPath(key)}?removed=${form.label}` };
  }

  /** Production to the version whose diff the operator confirmed, if production is still where that diff started. */
  async promote(key: string, form: PromoteForm, actor: RequestActor): Promise<Page> {
    const message = messageOf(form.message);
    const query = { from: form.from, version: form.version };
    try {
      await this.prompts.moveLabel(key, DEFAULT_LABEL, { version: form.version, message, ...forceOf(form) }, actor, form.current);
    } catch (err) {
      // Refused by the checks (or a force without a reason): the page again, with the checks and the force box.
      if (isRefusedByChecks(err) || err instanceof BadRequestException) {
        return this.releases.promote(key, query, actor, undefined, { error: err.message, ...forceState(form), message: form.message });
      }
      if (!(err instanceof PreconditionFailedException)) throw err;
      return this.releases.promote(key, query, actor, form.current);
    }
    return { redirect: `${promptPath(key)}?moved=${DEFAULT_LABEL}` };
  }
}
