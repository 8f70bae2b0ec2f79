import {
  BadRequestException,
  HttpException,
  Injectable,
  NotFoundException,
  PreconditionFailedException,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { RequestActor } from '../auth/actor.decorator.js';
import { DEFAULT_LABEL } from '../protocol/labels.js';
import type { Variables } from '../protocol/template.js';
import { PromptsService, type ForceInput } from '../prompts/prompts.service.js';
import { AdminPagesService } from './admin-pages.service.js';
import type { CreatePromptForm, DeleteForm, ForceForm, RollbackForm, SavePromptForm } from './dto/admin-forms.dto.js';
import { EditorPagesService } from './editor-pages.service.js';
import { fromTextarea } from './form-text.js';
import { ReleasePagesService } from './release-pages.service.js';
import { formVariables, typedVariables, type VariableRowFields } from './variable-rows.js';
import { promptPath, type Page } from './page.js';

/**
 * The admin forms' writes, through PromptsService like the REST API. A
 * mistake the operator can fix (a protected label among them) re-shows their
 * form with the message, so nothing they typed is lost; a lost race shows the
 * conflict page.
 */
@Injectable()
export class AdminActionsService {
  constructor(
    private readonly prompts: PromptsService,
    private readonly pages: AdminPagesService,
    private readonly editors: EditorPagesService,
    private readonly releases: ReleasePagesService,
  ) {}

  async create(form: CreatePromptForm, actor: RequestActor): Promise<Page> {
    const text = fromTextarea(form.text);
    const state = { form: { ...form, text }, ...forceState(form), variables: shownVariables(form) };
    try {
      const input = { text, message: messageOf(form.message), labels: labelsOf(form.label), variables: declared(form), ...forceOf(form) };
      const created = await this.prompts.create(form.key, input, actor);
      return { redirect: `${promptPath(created.key)}?saved=${created.version}` };
    } catch (err) {
      if (!isFixable(err)) throw err;
      return this.pages.createForm(actor, { ...state, error: err.message }, err.getStatus());
    }
  }

  /** Saves version head+1; the button pressed says which label (none: a draft) points at it. */
  async save(key: string, form: SavePromptForm, actor: RequestActor): Promise<Page> {
    const text = fromTextarea(form.text);
    const state = { text, version: form.version, message: form.message, ...forceState(form), variables: shownVariables(form) };
    try {
      const input = { text, message: messageOf(form.message), labels: labelsOf(form.label), variables: declared(form), ...forceOf(form) };
      const saved = await this.prompts.update(key, input, actor, form.version);
      return { redirect: `${promptPath(key)}?saved=${saved.version}` };
    } catch (err) {
      if (err instanceof PreconditionFailedException || err instanceof NotFoundException) return this.editors.conflict(key, state, actor);
      if (!isFixable(err)) throw err;
      return this.editors.reshow(key, { ...state, error: err.message }, actor, err.getStatus());
    }
  }

  /** Production points at the version again (no new version); restores a deleted prompt. Refused by the checks: the page again. */
  async rollback(key: string, form: RollbackForm, actor: RequestActor): Promise<Page> {
    try {
      await this.prompts.rollback(key, form.version, actor, { message: messageOf(form.message), ...forceOf(form) });
    } catch (err) {
      if (!isRefusedByChecks(err) && !(err instanceof BadRequestException)) throw err;
      return this.releases.rollback(key, form.version, actor, { error: err.message, ...forceState(form), message: form.message });
    }
    return { redirect: `${promptPath(key)}?moved=${DEFAULT_LABEL}` };
  }

  async remove(key: string, form: DeleteForm, actor: RequestActor): Promise<Page> {
    await this.prompts.remove(key, actor, form.version);
    return { redirect: `/?deleted=${encodeURIComponent(key)}` };
  }
}

/** The labels a save points at its new version: the button's, or none (a draft). */
export function labelsOf(label: string | undefined): string[] {
  return label === undefined ? [] : [label];
}

export function messageOf(message: string | undefined): string | undefined {
  const trimmed = message?.trim();
  return trimmed ? trimmed : undefined;
}

/** The variables the rows declare; a problem with them is a 400 the form shows, with everything typed kept. */
function declared(form: VariableRowFields): Variables {
  const parsed = formVariables(form);
  if ('problem' in parsed) throw new BadRequestException(parsed.problem);
  return parsed.variables;
}

/** What a re-shown form fills its rows with: what was typed, judged or not. */
function shownVariables(form: VariableRowFields): Variables {
  const typed = typedVariables(form);
  return 'variables' in typed ? typed.variables : {};
}

/** The force box as the service takes it: ticked, with the reason typed (the service refuses a force without one). */
export function forceOf(form: ForceForm): ForceInput {
  return form.force === '1' ? { force: true, reason: form.reason ?? '' } : {};
}

/** The force box as a re-shown form keeps it. */
export function forceState(form: ForceForm): { force: boolean; reason?: string } {
  return { force: form.force === '1', reason: form.reason };
}

/** A publish the checks refused (422): the page shows the checks and, to those who may publish, the force box. */
export function isRefusedByChecks(err: unknown): err is UnprocessableEntityException {
  return err instanceof UnprocessableEntityException;
}

/** Client mistakes (blank, too large, key taken, a protected label) the operator can fix on the same form. */
function isFixable(err: unknown): err is HttpException {
  return err instanceof HttpException && err.getStatus() >= 400 && err.getStatus() < 500;
}
