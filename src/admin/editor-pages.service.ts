import { HttpStatus, Injectable } from '@nestjs/common';
import type { RequestActor } from '../auth/actor.decorator.js';
import { AppConfig } from '../config/app-config.js';
import { DEFAULT_LABEL } from '../protocol/labels.js';
import { PromptsService } from '../prompts/prompts.service.js';
import type { Variables } from '../protocol/template.js';
import { AdminPagesService, byteLength } from './admin-pages.service.js';
import { directionControls } from './bidi.js';
import { lineDiff } from './diff/line-diff.js';
import type { NoticeQuery } from './dto/admin-forms.dto.js';
import { editorChecks, forceBox } from './editor-checks.js';
import { variableRows } from './variable-rows.js';
import { readReleases, type KeyReleases } from './key-releases.js';
import { RolloutsService } from '../rollouts/rollouts.service.js';
import { noticeText } from './notices.js';
import { promptPath, type Page } from './page.js';
import { labelNames, mayMove, whyNot, type UiPermissions } from './ui-permissions.js';

/** What the editor shows besides the stored head: what the operator typed, and why it was not saved. */
export interface EditorState {
  text: string;
  /** The version the page was loaded at; a re-shown form keeps posting it, so a save in between still conflicts. */
  version?: number;
  message?: string;
  error?: string;
  notice?: NoticeQuery;
  /** The variables the form's rows declared; absent: the head's. */
  variables?: Variables;
  /** The force box, as the operator left it. */
  force?: boolean;
  reason?: string;
}

/**
 * The editor works on the key's newest version (the head), drafts included:
 * that is what a save's If-Match names. It shows where production and the
 * other labels point, and offers what the visitor may do with them.
 */
@Injectable()
export class EditorPagesService {
  constructor(
    private readonly prompts: PromptsService,
    private readonly pages: AdminPagesService,
    private readonly config: AppConfig,
    private readonly rollouts: RolloutsService,
  ) {}

  async editor(key: string, notice: NoticeQuery, actor: RequestActor): Promise<Page> {
    const releases = await readReleases(this.prompts, key);
    if (releases.deleted) return { redirect: promptPath(key, '/history') };
    return this.page(releases, { text: releases.head.text, notice }, actor);
  }

  /** The editor again with what the operator typed, after a save that could not be made. */
  async reshow(key: string, state: EditorState, actor: RequestActor, status: number): Promise<Page> {
    return this.page(await readReleases(this.prompts, key), state, actor, status);
  }

  /** Someone saved (or deleted) since this editor loaded: show both texts, let the operator choose. */
  async conflict(key: string, state: EditorState, actor: RequestActor): Promise<Page> {
    const releases = await readReleases(this.prompts, key);
    const stored = releases.deleted ? undefined : releases.head;
    return {
      view: 'conflict',
      status: HttpStatus.CONFLICT,
      model: {
        ...(await this.pages.frame(actor)),
        page: 'conflict',
        title: `${key} · conflict`,
        key,
        text: state.text,
        message: state.message,
        loadedVersion: state.version,
        stored,
        storedLabels: releases.headLabels,
        latest: releases.head,
        // The rows the operator declared go along with their text, or overwriting would drop them.
        variableRows: variableRows(state.text, state.variables ?? {}),
        diff: lineDiff(releases.head.text, state.text),
      },
    };
  }

  private async page(releases: KeyReleases, state: EditorState, actor: RequestActor, status?: number): Promise<Page> {
    const { key, head, production, staging } = releases;
    const frame = await this.pages.frame(actor);
    const checked = await editorChecks(this.prompts, key, state.text, state.variables ?? head.variables);
    // The active rollouts of the key, one small badge each (label, candidate, percent).
    const activeRollouts = (await this.rollouts.list(key)).filter((r) => r.status === 'active');
    return {
      view: 'prompt',
      status,
      model: {
        ...frame,
        ...releases,
        ...state,
        version: state.version ?? head.version,
        page: 'prompt',
        title: key,
        activeRollouts,
        behind: production === undefined ? undefined : head.version - production,
        promotable: staging !== undefined && staging !== production,
        labels: labelRows(releases, frame.may),
        labelNames: labelNames(releases.labels, frame.may),
        notices: noticeText(state.notice ?? {}, releases),
        bytes: byteLength(state.text),
        chars: [...state.text].length,
        // The textarea must hold the raw text, so it cannot mark these: the page names them instead.
        directionControls: directionControls(state.text),
        maxBytes: this.config.limits.promptMaxBytes,
        ...checked,
        checkUrl: promptPath(key, '/check'),
        forceBox: forceBox(frame.canPublish === true, checked.report, state.force),
      },
    };
  }
}

/** The label card: each label with where it points and what the visitor may do with it. */
function labelRows(releases: KeyReleases, may: UiPermissions): Record<string, unknown>[] {
  return releases.labels.map((l) => {
    const onScreen = l.version === releases.head.version;
    // Production stays while the prompt is live: deleting the prompt removes it, so it has no Remove.
    const removable = l.label !== DEFAULT_LABEL;
    const canMove = mayMove(may, l.label);
    // The reason goes where a control is shown disabled: Move (not on screen) or Remove.
    const disabled = !canMove && (!onScreen || removable);
    return { ...l, onScreen, canMove, removable, reason: disabled ? whyNot(may, l.label) : undefined };
  });
}
