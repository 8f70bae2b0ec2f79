import { Injectable } from '@nestjs/common';
import { FleetService } from '../fleet/fleet.service.js';
import { AppConfig } from '../config/app-config.js';
import { PromptsService } from '../prompts/prompts.service.js';
import type { VersionRecord } from '../store/prompt-store.js';
import { SubscriberDirectory } from './subscribers/subscriber-directory.js';
import { directionControls } from './bidi.js';
import { lineDiff } from './diff/line-diff.js';
import { AGENT_PAGE_DEFAULT } from '../fleet/dto/agent-list-query.dto.js';
import type { ListQuery, NoticeQuery } from './dto/admin-forms.dto.js';
import { promptPath, type Page } from './page.js';

const HISTORY_PAGE = 50;

/** Builds the read-only admin pages from PromptsService; never writes. */
@Injectable()
export class AdminPagesService {
  constructor(
    private readonly prompts: PromptsService,
    private readonly agents: SubscriberDirectory,
    private readonly config: AppConfig,
    private readonly fleet: FleetService,
  ) {}

  /** What every page's header shows: the server revision and how many agents listen. */
  async frame(revision?: number): Promise<Record<string, unknown>> {
    return { revision: revision ?? (await this.prompts.revision()), agentCount: this.agents.list().length };
  }

  async list(query: ListQuery): Promise<Page> {
    const { fleetCursor, ...notice } = query;
    const snapshot = await this.prompts.view();
    const agents = this.agents.list().map((a) => ({ ...a, behind: a.lastRevision < snapshot.revision }));
    // What each agent process reports it applied (the stream only knows what it sent): one page, so the page stays small.
    const fleet = await this.fleet.list(AGENT_PAGE_DEFAULT, fleetCursor);
    return {
      view: 'list',
      model: {
        ...(await this.frame(snapshot.revision)),
        page: 'list',
        title: 'Prompts',
        notice,
        prompts: snapshot.prompts.map((p) => ({ ...p, size: byteLength(p.text) })),
        deleted: await this.prompts.deleted(),
        agents,
        fleet: { ...fleet, paged: fleetCursor !== undefined, pageSize: AGENT_PAGE_DEFAULT },
      },
    };
  }

  async editor(key: string, notice: NoticeQuery): Promise<Page> {
    if (await this.isDeleted(key)) return { redirect: promptPath(key, '/history') };
    const prompt = await this.prompts.get(key);
    return this.editorPage(key, { text: prompt.text, version: prompt.version, prompt, notice });
  }

  /** The editor with the given text; also used to re-show what the operator typed after an error. */
  async editorPage(key: string, state: { text: string; version: number; [k: string]: unknown }, status?: number): Promise<Page> {
    const prompt = state.prompt ?? (await this.prompts.get(key));
    return {
      view: 'prompt',
      status,
      model: {
        ...(await this.frame()),
        ...state,
        page: 'prompt',
        title: key,
        key,
        prompt,
        bytes: byteLength(state.text),
        chars: [...state.text].length,
        // The textarea must hold the raw text, so it cannot mark these: the page names them instead.
        directionControls: directionControls(state.text),
        maxBytes: this.config.limits.promptMaxBytes,
      },
    };
  }

  async history(key: string, before?: number): Promise<Page> {
    const list = await this.prompts.versions(key, HISTORY_PAGE, before);
    const latest = await this.latest(key);
    const versions = list.versions.map((v) => ({
      ...v,
      current: v.version === latest.version,
      canRollback: list.deleted || v.version !== latest.version,
    }));
    const oldest = versions.at(-1)?.version;
    return {
      view: 'history',
      model: {
        ...(await this.frame()),
        page: 'history',
        title: `${key} · history`,
        key,
        versions,
        total: list.total,
        deleted: list.deleted,
        latest,
        nextBefore: oldest !== undefined && oldest > 1 ? oldest : undefined,
      },
    };
  }

  async diff(key: string, from: number, to?: number): Promise<Page> {
    const a = await this.prompts.version(key, from);
    const b = to === undefined ? await this.latest(key) : await this.prompts.version(key, to);
    return {
      view: 'diff',
      model: { ...(await this.frame()), page: 'diff', title: `${key} · v${a.version} → v${b.version}`, key, a, b, diff: lineDiff(a.text, b.text) },
    };
  }

  async rollbackConfirm(key: string, version: number): Promise<Page> {
    const target = await this.prompts.version(key, version);
    const latest = await this.latest(key);
    const deleted = await this.isDeleted(key);
    return {
      view: 'rollback',
      model: {
        ...(await this.frame()),
        page: 'rollback',
        title: `${key} · ${deleted ? 'restore' : 'roll back'}`,
        key,
        target,
        latest,
        deleted,
        nextVersion: latest.version + 1,
        diff: lineDiff(latest.text, target.text),
      },
    };
  }

  async deleteConfirm(key: string): Promise<Page> {
    const prompt = await this.prompts.get(key);
    return { view: 'delete', model: { ...(await this.frame()), page: 'delete', title: `${key} · delete`, key, prompt } };
  }

  async createForm(): Promise<Page> {
    return { view: 'new', model: { ...(await this.frame()), page: 'new', title: 'New prompt', maxBytes: this.config.limits.promptMaxBytes } };
  }

  /** The newest version, live or deleted. */
  async latest(key: string): Promise<VersionRecord> {
    const newest = (await this.prompts.versions(key, 1)).versions[0];
    return this.prompts.version(key, newest.version);
  }

  /** 404s for a key that never existed, like the editor would. */
  private async isDeleted(key: string): Promise<boolean> {
    return (await this.prompts.versions(key, 1)).deleted;
  }
}

export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
