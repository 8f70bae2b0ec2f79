import { DEFAULT_LABEL, type LabelPointer } from '../protocol/labels.js';
import type { PromptsService } from '../prompts/prompts.service.js';
import type { VersionRecord } from '../store/prompt-store.js';
import { STAGING_LABEL } from './ui-permissions.js';

/** One key as the release pages show it: its newest version (the one the editor edits) and where its labels point. */
export interface KeyReleases {
  key: string;
  /** The newest version, drafts included: what the editor edits and a save's If-Match names. */
  head: VersionRecord;
  /** The labels that point at the head. */
  headLabels: string[];
  deleted: boolean;
  /** How many versions the key has. */
  total: number;
  labels: LabelPointer[];
  /** Where production points; absent for a deleted key or one with drafts only. */
  production?: number;
  staging?: number;
}

/** Reads a key's head, its labels and whether it is deleted (three small reads); 404s for a key that never existed. */
export async function readReleases(prompts: PromptsService, key: string): Promise<KeyReleases> {
  const list = await prompts.versions(key, 1);
  const newest = list.versions[0];
  const [head, { labels }] = await Promise.all([prompts.version(key, newest.version), prompts.labels(key)]);
  const at = (label: string) => labels.find((l) => l.label === label)?.version;
  return {
    key,
    head,
    headLabels: newest.labels,
    deleted: list.deleted,
    total: list.total,
    labels,
    production: at(DEFAULT_LABEL),
    staging: at(STAGING_LABEL),
  };
}
