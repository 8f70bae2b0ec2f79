import type { RequestActor } from '../auth/actor.decorator.js';
import { DEFAULT_LABEL, type LabelPointer } from '../protocol/labels.js';

/** The label the UI's "Save to staging" and "Promote staging → production" use: a convention of the pages, not of the server. */
export const STAGING_LABEL = 'staging';

/**
 * What the pages offer the visitor. It only decides which controls are shown,
 * disabled or left out; every form post is decided again by the AuthGuard
 * (scopes) and PromptsService (protected labels), whatever the page showed.
 */
export interface UiPermissions {
  /** Edit controls at all (`write`): viewers and agents get read-only pages. */
  write: boolean;
  /** May move protected labels (`publish`): publish, promote, roll back, delete. */
  publish: boolean;
  /** PROTECTED_LABELS, to tell which labels a visitor without `publish` may move. */
  protectedLabels: readonly string[];
}

export function uiPermissions(actor: RequestActor, protectedLabels: readonly string[]): UiPermissions {
  return { write: actor.scopes.includes('write'), publish: actor.scopes.includes('publish'), protectedLabels };
}

/** Whether the visitor may point `label` somewhere else (or remove it). */
export function mayMove(may: UiPermissions, label: string): boolean {
  return may.write && (may.publish || !may.protectedLabels.includes(label));
}

/** Why a control for `label` is disabled, shown next to it; undefined when it is not. */
export function whyNot(may: UiPermissions, label: string): string | undefined {
  if (mayMove(may, label)) return undefined;
  if (!may.write) return 'Your token may only read.';
  if (label === DEFAULT_LABEL) return 'Publishing production needs an admin: save a draft or to staging, and ask an admin to promote it.';
  return `"${label}" is protected (PROTECTED_LABELS): moving it needs an admin.`;
}

/** What the save buttons of a form offer: a draft always, staging and production when the visitor may move them. */
export function saveChoices(may: UiPermissions): Record<string, unknown> {
  return {
    stagingLabel: STAGING_LABEL,
    canStage: mayMove(may, STAGING_LABEL),
    stageReason: whyNot(may, STAGING_LABEL),
    canPublish: mayMove(may, DEFAULT_LABEL),
    publishReason: whyNot(may, DEFAULT_LABEL),
  };
}

/** The names a label field suggests: the key's labels, staging and production, those the visitor may move. */
export function labelNames(labels: readonly LabelPointer[], may: UiPermissions): string[] {
  const names = new Set([STAGING_LABEL, DEFAULT_LABEL, ...labels.map((l) => l.label)]);
  return [...names].filter((label) => mayMove(may, label));
}
