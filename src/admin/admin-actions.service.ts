import { HttpException, HttpStatus, Injectable, NotFoundException, PreconditionFailedException } from '@nestjs/common';
import type { RequestActor } from '../auth/actor.decorator.js';
import { PromptsService } from '../prompts/prompts.service.js';
import { AdminPagesService } from './admin-pages.service.js';
import { lineDiff } from './diff/line-diff.js';
import type { CreatePromptForm, DeleteForm, RollbackForm, SavePromptForm } from './dto/admin-forms.dto.js';
import { promptPath, type Page } from './page.js';

/**
 * The admin forms' writes, through PromptsService like the REST API. A
 * mistake the operator can fix re-shows their form with the message, so
 * nothing they typed is lost; a lost race shows the conflict page.
 */
@Injectable()
export class AdminActionsService {
  constructor(
    private readonly prompts: PromptsService,
    private readonly pages: AdminPagesService,
  ) {}

  async create(form: CreatePromptForm, actor: RequestActor): Promise<Page> {
    try {
      const created = await this.prompts.create(form.key, { text: fromTextarea(form.text), message: messageOf(form.message) }, actor);
      return { redirect: `${promptPath(created.key)}?saved=${created.version}` };
    } catch (err) {
      const page = await this.pages.createForm();
      if (!isFixable(err) || 'redirect' in page) throw err;
      return { ...page, status: err.getStatus(), model: { ...page.model, form, error: err.message } };
    }
  }

  async save(key: string, form: SavePromptForm, actor: RequestActor): Promise<Page> {
    const text = fromTextarea(form.text);
    try {
      const saved = await this.prompts.update(key, { text, message: messageOf(form.message) }, actor, form.version);
      return { redirect: `${promptPath(key)}?saved=${saved.version}` };
    } catch (err) {
      if (err instanceof PreconditionFailedException || err instanceof NotFoundException) return this.conflict(key, form, text);
      if (!isFixable(err)) throw err;
      return this.pages.editorPage(key, { text, version: form.version, message: form.message, error: err.message }, err.getStatus());
    }
  }

  async rollback(key: string, form: RollbackForm, actor: RequestActor): Promise<Page> {
    const prompt = await this.prompts.rollback(key, form.version, actor, messageOf(form.message));
    return { redirect: `${promptPath(key)}?saved=${prompt.version}` };
  }

  async remove(key: string, form: DeleteForm, actor: RequestActor): Promise<Page> {
    await this.prompts.remove(key, actor, form.version);
    return { redirect: `/?deleted=${encodeURIComponent(key)}` };
  }

  /** Someone saved (or deleted) since this editor loaded: show both texts, let the operator choose. */
  private async conflict(key: string, form: SavePromptForm, text: string): Promise<Page> {
    const latest = await this.pages.latest(key);
    const stored = await this.prompts.get(key).catch(() => undefined);
    return {
      view: 'conflict',
      status: HttpStatus.CONFLICT,
      model: {
        ...(await this.pages.frame()),
        page: 'conflict',
        title: `${key} · conflict`,
        key,
        text,
        message: form.message,
        loadedVersion: form.version,
        stored,
        latest,
        diff: lineDiff(latest.text, text),
      },
    };
  }
}

/** Browsers submit textarea line breaks as CRLF; agents get the LF text the operator saw. */
function fromTextarea(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

function messageOf(message: string | undefined): string | undefined {
  const trimmed = message?.trim();
  return trimmed ? trimmed : undefined;
}

/** Client mistakes (blank, too large, key taken) the operator can fix on the same form. */
function isFixable(err: unknown): err is HttpException {
  return err instanceof HttpException && err.getStatus() >= 400 && err.getStatus() < 500;
}
