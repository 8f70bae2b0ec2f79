import { DEFAULT_LABEL } from '../protocol/labels.js';
import type { KeyLabels, PromptRecord } from '../store/prompt-store.js';
import { STAGING_LABEL } from './ui-permissions.js';

/** One label of a key other than production, as a badge. */
export interface LabelBadge {
  label: string;
  version: number;
}

/** One live key on the list: what production serves, its other labels, and a newer version not in production. */
export interface ListRow {
  key: string;
  /** The version production serves; absent for a key with drafts only. */
  production?: PromptRecord & { size: number };
  labels: LabelBadge[];
  head: number;
  /** "v7 draft, production at v5": set when the newest version is not what production serves. */
  ahead?: string;
  /** Staging points at a version production does not: the row offers to promote it. */
  promotable: boolean;
}

/**
 * The list's rows from two reads: every key with its labels (one query) and
 * production's view (the texts agents are served). Deleted keys are left out;
 * the page lists them on their own.
 */
export function listRows(index: readonly KeyLabels[], production: readonly PromptRecord[]): ListRow[] {
  const served = new Map(production.map((p) => [p.key, p]));
  return index.filter((k) => !k.deleted).map((k) => rowOf(k, served.get(k.key)));
}

function rowOf(k: KeyLabels, prompt: PromptRecord | undefined): ListRow {
  const labels = Object.entries(k.labels)
    .filter(([label]) => label !== DEFAULT_LABEL)
    .map(([label, version]) => ({ label, version }));
  const live = k.labels[DEFAULT_LABEL];
  const staging = k.labels[STAGING_LABEL];
  return {
    key: k.key,
    production: prompt && { ...prompt, size: Buffer.byteLength(prompt.text, 'utf8') },
    labels,
    head: k.head,
    ahead: k.head === live ? undefined : aheadOf(k, live),
    promotable: staging !== undefined && staging !== live,
  };
}

/** "v7 draft, production at v5", "v7 on staging, not in production". */
function aheadOf(k: KeyLabels, live: number | undefined): string {
  const on = Object.keys(k.labels).filter((label) => k.labels[label] === k.head);
  const what = on.length === 0 ? 'draft' : `on ${on.join(', ')}`;
  const where = live === undefined ? 'not in production' : `production at v${live}`;
  return `v${k.head} ${what}, ${where}`;
}
