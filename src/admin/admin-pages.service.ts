import { Injectable } from '@nestjs/common';
import type { RequestActor } from '../auth/actor.decorator.js';
import { FleetService } from '../fleet/fleet.service.js';
import { AppConfig } from '../config/app-config.js';
import { DEFAULT_LABEL } from '../protocol/labels.js';
import { PromptsService } from '../prompts/prompts.service.js';
import type { VersionRecord, VersionSummary } from '../store/prompt-store.js';
import { isBehind, SubscriberDirectory } from './subscribers/subscriber-directory.js';
import { lineDiff } from './diff/line-diff.js';
import { AGENT_PAGE_DEFAULT } from '../fleet/dto/agent-list-query.dto.js';
import type { ListQuery, NoticeQuery } from './dto/admin-forms.dto.js';
import { readReleases } from './key-releases.js';
import { listRows } from './list-rows.js';
import { noticeText } from './notices.js';
import { promptPath, type Page } from './page.js';
import { labelNames, saveChoices, uiPermissions, whyNot, type UiPermissions } from './ui-permissions.js';

const HISTORY_PAGE = 50;

/** What every page's model starts with. */
export type Frame = { revision: number; agentCount: number; may: UiPermissions } & Record<string, unknown>;

/** Builds the read-only admin pages from PromptsService; never writes. */
@Injectable()
export class AdminPagesService {
  constructor(
    private readonly prompts: PromptsService,
    private readonly agents: SubscriberDirectory,
    private readonly config: AppConfig,
    private readonly fleet: FleetService,
  ) {}

  /** What every page's header shows (the server revision, how many agents listen) and what the visitor may do. */
  async frame(actor: RequestActor, revision?: number): Promise<Frame> {
    const may = uiPermissions(actor, this.config.auth.protectedLabels);
    return { revision: revision ?? (await this.prompts.revision()), agentCount: this.agents.list().length, may, ...saveChoices(may) };
  }

  async list(query: ListQuery, actor: RequestActor): Promise<Page> {
    const { fleetCursor, ...notice } = query;
    // Two reads: every key with its labels, and the texts production serves.
    const [index, snapshot, revision] = await Promise.all([this.prompts.labelIndex(), this.prompts.view(DEFAULT_LABEL), this.prompts.revision()]);
    const agents = this.agents.list().map((a) => ({ ...a, behind: isBehind(a, revision) }));
    // What each agent process reports it applied (the stream only knows what it sent): one page, so the page stays small.
    const fleet = await this.fleet.list(AGENT_PAGE_DEFAULT, fleetCursor);
    return {
      view: 'list',
      model: {
        ...(await this.frame(actor, snapshot.revision)),
        page: 'list',
        title: 'Prompts',
        notice,
        prompts: listRows(index, snapshot.prompts),
        deleted: await this.prompts.deleted(),
        agents,
        fleet: { ...fleet, paged: fleetCursor !== undefined, pageSize: AGENT_PAGE_DEFAULT },
      },
    };
  }

  async history(key: string, query: { before?: number } & NoticeQuery, actor: RequestActor): Promise<Page> {
    const { before, ...notice } = query;
    const [list, releases] = await Promise.all([this.prompts.versions(key, HISTORY_PAGE, before), readReleases(this.prompts, key)]);
    const frame = await this.frame(actor);
    const versions = list.versions.map((v) => historyRow(v, releases.head.version, releases.production, list.deleted));
    const oldest = versions.at(-1)?.version;
    return {
      view: 'history',
      model: {
        ...frame,
        page: 'history',
        title: `${key} · history`,
        key,
        notices: noticeText(notice, releases),
        versions,
        total: list.total,
        deleted: list.deleted,
        production: releases.production,
        labelNames: labelNames(releases.labels, frame.may),
        nextBefore: oldest !== undefined && oldest > 1 ? oldest : undefined,
      },
    };
  }

  async diff(key: string, from: number, to: number | undefined, actor: RequestActor): Promise<Page> {
    const a = await this.prompts.version(key, from);
    const b = to === undefined ? await this.latest(key) : await this.prompts.version(key, to);
    return {
      view: 'diff',
      model: {
        ...(await this.frame(actor)),
        page: 'diff',
        title: `${key} · v${a.version} → v${b.version}`,
        key,
        a,
        b,
        diff: lineDiff(a.text, b.text),
      },
    };
  }

  /** Deleting a prompt removes every label, production among them: only for those who may publish. */
  async deleteConfirm(key: string, actor: RequestActor): Promise<Page> {
    const releases = await readReleases(this.prompts, key);
    if (releases.deleted) return { redirect: promptPath(key, '/history') };
    const frame = await this.frame(actor);
    const blocked = releases.production === undefined ? undefined : whyNot(frame.may, DEFAULT_LABEL);
    return { view: 'delete', model: { ...frame, ...releases, page: 'delete', title: `${key} · delete`, blocked } };
  }

  async createForm(actor: RequestActor, state: Record<string, unknown> = {}, status?: number): Promise<Page> {
    const model = { ...(await this.frame(actor)), page: 'new', title: 'New prompt', maxBytes: this.config.limits.promptMaxBytes, ...state };
    return { view: 'new', status, model };
  }

  /** The newest version, live or deleted. */
  async latest(key: string): Promise<VersionRecord> {
    const newest = (await this.prompts.versions(key, 1)).versions[0];
    return this.prompts.version(key, newest.version);
  }
}

/** One row of the history: its labels as badges, and what can be done with it. */
function historyRow(v: VersionSummary, head: number, production: number | undefined, deleted: boolean): VersionSummary & Record<string, unknown> {
  const isProduction = v.version === production;
  return {
    ...v,
    isHead: v.version === head,
    isProduction,
    // No label, and newer than production: work in progress. An older one without a label was served once, or never will be.
    draft: v.labels.length === 0 && (production === undefined || v.version > production),
    // Older than production: a rollback; newer: a publish, reviewed on the promote page.
    canRollback: deleted || (production !== undefined && v.version < production),
    canPublish: !deleted && !isProduction && (production === undefined || v.version > production),
  };
}

export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
