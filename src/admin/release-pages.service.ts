import { HttpStatus, Injectable } from '@nestjs/common';
import type { RequestActor } from '../auth/actor.decorator.js';
import { DEFAULT_LABEL } from '../protocol/labels.js';
import { PromptsService } from '../prompts/prompts.service.js';
import type { VersionRecord } from '../store/prompt-store.js';
import { AdminPagesService } from './admin-pages.service.js';
import { checksModel, forceBox, type ChecksModel } from './editor-checks.js';
import { lineDiff } from './diff/line-diff.js';
import type { PromoteQuery } from './dto/admin-forms.dto.js';
import { readReleases } from './key-releases.js';
import { promptPath, type Page } from './page.js';
import { STAGING_LABEL, whyNot } from './ui-permissions.js';

/** A publish page shown again after the checks refused it: why, and the force box as it was left. */
export interface PublishState {
  error?: string;
  force?: boolean;
  reason?: string;
  message?: string;
}

/**
 * The pages that confirm a move of production with the diff of what agents
 * will be served: promote (a newer version, from staging by default) and
 * roll back or restore (an older one). Only visitors who may publish get a
 * working button; editors see it disabled with the reason.
 */
@Injectable()
export class ReleasePagesService {
  constructor(
    private readonly prompts: PromptsService,
    private readonly pages: AdminPagesService,
  ) {}

  /**
   * `?version=7`, else `?from=` label (staging); `stale`: production moved since the operator's copy of this page, which is shown
   * again with the new diff; `again`: the page after a refused post (the checks found errors), with what was typed.
   */
  async promote(key: string, query: PromoteQuery, actor: RequestActor, stale?: number, again?: PublishState): Promise<Page> {
    const releases = await readReleases(this.prompts, key);
    if (releases.deleted) return { redirect: promptPath(key, '/history') };
    // A version names what to promote; a label (staging unless told) names where to find it.
    const from = query.version === undefined ? (query.from ?? STAGING_LABEL) : query.from;
    const version = query.version ?? releases.labels.find((l) => l.label === from)?.version;
    const [target, current] = await Promise.all([this.versionOrNone(key, version), this.versionOrNone(key, releases.production)]);
    const frame = await this.pages.frame(actor);
    const what = from === undefined ? `v${version}` : `${from} (v${version})`;
    const checked = target && (await this.targetChecks(key, target));
    return {
      view: 'promote',
      status: stale === undefined ? again && HttpStatus.UNPROCESSABLE_ENTITY : HttpStatus.CONFLICT,
      model: {
        ...frame,
        ...checked,
        page: 'promote',
        title: `${key} · promote`,
        key,
        from,
        target,
        current,
        stale,
        same: target !== undefined && target.version === current?.version,
        diff: target && lineDiff(current?.text ?? '', target.text),
        blocked: whyNot(frame.may, DEFAULT_LABEL),
        ...again,
        message: again?.message ?? (target && (from === undefined ? `Publish version ${target.version}` : `Promote ${what} to production`)),
        forceBox: checked !== undefined && forceBox(frame.canPublish === true, checked.report, again?.force),
      },
    };
  }

  /** Production points at an older version again (no new version); for a deleted prompt this restores it. */
  async rollback(key: string, version: number, actor: RequestActor, again?: PublishState): Promise<Page> {
    const releases = await readReleases(this.prompts, key);
    const target = await this.prompts.version(key, version);
    // What agents are served now, or were before the delete: the diff shows what changes for them.
    const base = releases.deleted ? releases.head : await this.versionOrNone(key, releases.production);
    const frame = await this.pages.frame(actor);
    const checked = await this.targetChecks(key, target);
    return {
      view: 'rollback',
      status: again && HttpStatus.UNPROCESSABLE_ENTITY,
      model: {
        ...frame,
        ...checked,
        page: 'rollback',
        title: `${key} · ${releases.deleted ? 'restore' : 'roll back'}`,
        key,
        target,
        base,
        deleted: releases.deleted,
        same: !releases.deleted && base?.version === target.version,
        diff: lineDiff(base?.text ?? '', target.text),
        blocked: whyNot(frame.may, DEFAULT_LABEL),
        ...again,
        forceBox: forceBox(frame.canPublish === true, checked.report, again?.force),
      },
    };
  }

  /** The checks of the version production would point at, run again with today's rules as the publish gate runs them. */
  private async targetChecks(key: string, target: VersionRecord): Promise<{ report: ChecksModel; checkedVersion: number }> {
    const report = checksModel(await this.prompts.check(key, { text: target.text, variables: target.variables }));
    return { report, checkedVersion: target.version };
  }

  private async versionOrNone(key: string, version: number | undefined): Promise<VersionRecord | undefined> {
    return version === undefined ? undefined : this.prompts.version(key, version);
  }
}
