import { DEFAULT_LABEL } from '../protocol/labels.js';
import type { NoticeQuery } from './dto/admin-forms.dto.js';
import type { KeyReleases } from './key-releases.js';

/**
 * The one-shot notices after a redirect (`?saved=7`, `?moved=staging`,
 * `?removed=canary`), said from where things are now, so a reload of the
 * page after someone else's change does not repeat a stale claim.
 */
export function noticeText(notice: NoticeQuery, releases: KeyReleases): string[] {
  const texts: string[] = [];
  if (notice.saved !== undefined) texts.push(savedText(notice.saved, releases));
  if (notice.moved !== undefined) texts.push(movedText(notice.moved, releases));
  if (notice.removed !== undefined) texts.push(`Removed the label ${notice.removed}.`);
  return texts;
}

function savedText(version: number, releases: KeyReleases): string {
  if (version !== releases.head.version) return `Saved version ${version}.`;
  const labels = releases.headLabels;
  if (labels.length === 0) return `Saved version ${version} as a draft: no agent is served it until a label points at it.`;
  if (labels.includes(DEFAULT_LABEL)) return `Saved version ${version} and published it to production: connected agents apply it on their next turn.`;
  return `Saved version ${version} to ${labels.join(', ')}.`;
}

function movedText(label: string, releases: KeyReleases): string {
  const at = releases.labels.find((l) => l.label === label)?.version;
  if (at === undefined) return `Moved the label ${label}.`;
  const served = label === DEFAULT_LABEL ? ' Connected agents apply it on their next turn.' : '';
  return `${label} now points at v${at}.${served}`;
}
