import { HttpException, Injectable, NotFoundException, PreconditionFailedException } from '@nestjs/common';
import type { RequestActor } from '../auth/actor.decorator.js';
import { DEFAULT_LABEL } from '../protocol/labels.js';
import { PromptsService } from '../prompts/prompts.service.js';
import { AdminPagesService } from './admin-pages.service.js';
import type { CreatePromptForm, DeleteForm, RollbackForm, SavePromptForm } from './dto/admin-forms.dto.js';
import { EditorPagesService } from './editor-pages.service.js';
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
  ) {}

  async create(form: CreatePromptForm, actor: RequestActor): Promise<Page> {
    const input = { text: fromTextarea(form.text), message: messageOf(form.message), labels: labelsOf(form.label) };
    try {
      const created = await this.prompts.create(form.key, input, actor);
      return { redirect: `${promptPath(created.key)}?saved=${created.version}` };
    } catch (err) {
      if (!isFixable(err)) throw err;
      return this.pages.createForm(actor, { form, error: err.message }, err.getStatus());
    }
  }

  /** Saves version head+1; the button pressed says which label (none: a draft) points at it. */
  async save(key: string, form: SavePromptForm, actor: RequestActor): Promise<Page> {
    const text = fromTextarea(form.text);
    const state = { text, version: form.version, message: form.message };
    try {
      const saved = await this.prompts.update(key, { text, message: messageOf(form.message), labels: labelsOf(form.label) }, actor, form.version);
      return { redirect: `${promptPath(key)}?saved=${saved.version}` };
    } catch (err) {
      if (err instanceof PreconditionFailedException || err instanceof NotFoundException) return this.editors.conflict(key, state, actor);
      if (!isFixable(err)) throw err;
      return this.editors.reshow(key, { ...state, error: err.message }, actor, err.getStatus());
    }
  }

  /** Production points at the version again (no new version); restores a deleted prompt. */
  async rollback(key: string, form: RollbackForm, actor: RequestActor): Promise<Page> {
    await this.prompts.rollback(key, form.version, actor, { message: messageOf(form.message) });
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

/** Browsers submit textarea line breaks as CRLF; agents get the LF text the operator saw. */
function fromTextarea(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

export function messageOf(message: string | undefined): string | undefined {
  const trimmed = message?.trim();
  return trimmed ? trimmed : undefined;
}

/** Client mistakes (blank, too large, key taken, a protected label) the operator can fix on the same form. */
function isFixable(err: unknown): err is HttpException {
  return err instanceof HttpException && err.getStatus() >= 400 && err.getStatus() < 500;
}
