import { Injectable } from '@nestjs/common';
import type { RequestActor } from '../auth/actor.decorator.js';
import { PromptsService } from '../prompts/prompts.service.js';
import { AdminPagesService } from './admin-pages.service.js';
import type { CheckForm } from './dto/admin-forms.dto.js';
import { checkAnswer } from './editor-checks.js';
import { EditorPagesService } from './editor-pages.service.js';
import { fromTextarea } from './form-text.js';
import type { Page } from './page.js';
import { formVariables, typedVariables } from './variable-rows.js';

/**
 * Checks a form's text without saving anything. `key` undefined: the create
 * form (nothing to compare the size with). JSON for the editor's script, else
 * the form's page again with the checks, its rows and everything typed.
 */
@Injectable()
export class CheckActionsService {
  constructor(
    private readonly prompts: PromptsService,
    private readonly pages: AdminPagesService,
    private readonly editors: EditorPagesService,
  ) {}

  async check(key: string | undefined, form: CheckForm, actor: RequestActor, json: boolean): Promise<Page> {
    if (json) return { json: await checkAnswer(this.prompts, key, form.text, form) };
    const text = fromTextarea(form.text);
    const typed = typedVariables(form);
    const parsed = formVariables(form);
    const variables = 'variables' in typed ? typed.variables : {};
    const state = { variables, force: form.force === '1', reason: form.reason, ...('problem' in parsed && { error: parsed.problem }) };
    if (key === undefined) return this.pages.createForm(actor, { ...state, form: { key: form.key, text, message: form.message } });
    return this.editors.reshow(key, { ...state, text, version: form.version, message: form.message }, actor, 200);
  }
}
