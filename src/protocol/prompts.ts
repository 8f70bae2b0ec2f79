import type { Check, CheckReport } from './checks.js';
import type { LabelMove } from './labels.js';
import type { ApplyScope, RolloutOffer, RolloutStepName } from './rollouts.js';
import type { Variables } from './template.js';

/** The REST API's bodies (`/api/prompts…`, `/api/audit`), as clients receive them. */

/** Keys are identifiers agents put in code and env vars: a letter, then letters, digits, `_`, `.`, `-`. */
export const PROMPT_KEY_SHAPE = '[A-Za-z][A-Za-z0-9_.-]{0,127}';
/** `stream` (in any case, as routes match it) is the event stream's path, so no prompt may take it. */
export const PROMPT_KEY_PATTERN = new RegExp(`^(?!stream$)${PROMPT_KEY_SHAPE}$`, 'i');
export const PROMPT_KEY_RULE = 'a letter followed by up to 127 letters, digits, "_", "." or "-" (and not "stream", the event stream\'s path)';
/** `?keys=A,B` on the stream and the poll: a comma-separated list of keys. */
export const PROMPT_KEY_LIST_PATTERN = new RegExp(`^\\s*${PROMPT_KEY_SHAPE}(\\s*,\\s*${PROMPT_KEY_SHAPE})*\\s*$`);
export const PROMPT_KEY_LIST_RULE = 'keys must be a comma-separated list of prompt keys, such as AGENT_INSTRUCTION,SESSION_INSTRUCTION';
/** Longest `?keys=` value, in characters. */
export const PROMPT_KEY_LIST_MAX_LENGTH = 16 * 1024;

/** The keys of a `?keys=` value that matched PROMPT_KEY_LIST_PATTERN; undefined (every key) when absent. */
export function keySet(raw: string | undefined): ReadonlySet<string> | undefined {
  return raw === undefined ? undefined : new Set(raw.split(',').map((k) => k.trim()));
}

/** The `?keys=` value (and a fleet report's `keys`) for a list of keys; undefined (every key) when the list is absent or empty. */
export function keyList(keys: readonly string[] | undefined): string | undefined {
  return keys?.length ? keys.join(',') : undefined;
}

/** Longest commit message, in characters. */
export const MESSAGE_MAX_LENGTH = 500;

/** The version a label points at: `GET /api/prompts/:key`, and each entry of the list. */
export interface Prompt {
  key: string;
  text: string;
  /** Per-prompt version; the prompt's ETag. */
  version: number;
  author: string;
  message: string | null;
  updatedAt: string;
  /** The global revision of the change that produced this version. */
  revision: number;
  /** The `{{name}}` placeholders this version declares; one without a default must be passed per call (docs/variables.md). */
  variables: Variables;
  /** The candidate of an active rollout of this key on the label read (docs/rollouts.md); absent or null when none. */
  rollout?: RolloutOffer | null;
}

/** What a save or a rollback answers: the version, with what the checks found in it. */
export interface SavedPrompt extends Prompt {
  checks: CheckReport;
}

/** `GET /api/prompts`: a label's view — the version it points at for each key — and the revision of its last change (the list's ETag). */
export interface PromptList {
  revision: number;
  prompts: Prompt[];
}

/** `GET /api/prompts?format=flat`: the legacy poller's shape. */
export type FlatPromptList = Record<string, string>;

export interface Version {
  key: string;
  version: number;
  text: string;
  author: string;
  message: string | null;
  createdAt: string;
  revision: number;
  variables: Variables;
  /** What the checks found when it was saved; null for a version saved before checks existed. */
  checks: CheckReport | null;
}

export type VersionSummary = Omit<Version, 'text' | 'variables' | 'checks'> & {
  /** How many errors and warnings the checks found when it was saved; null before checks existed. */
  checks: { errors: number; warnings: number } | null;
  /** Text size in UTF-8 bytes. */
  size: number;
  /** The labels that point at this version now. */
  labels: string[];
};

/** `GET /api/prompts/:key/versions`, newest first. */
export interface VersionList {
  versions: VersionSummary[];
  total: number;
  /** True when the key is deleted now; its history stays readable. */
  deleted: boolean;
}

/**
 * What a change did: `create`/`update` save a new version (moving the labels
 * it names, none for a draft); `label` points a label at an existing version;
 * `unlabel` removes a label; `rollback` points production at an older version
 * (the legacy rollback endpoint); `delete` removes every label of a key;
 * `rollout` is a step of a rollout (docs/rollouts.md).
 */
export type ChangeKind = 'create' | 'update' | 'delete' | 'rollback' | 'label' | 'unlabel' | 'rollout';
export const CHANGE_KINDS: readonly ChangeKind[] = ['create', 'update', 'delete', 'rollback', 'label', 'unlabel', 'rollout'];

/** One change in the audit trail. */
export interface AuditEntry {
  revision: number;
  key: string;
  kind: ChangeKind;
  /** The version the change saved or pointed a label at (for a delete or unlabel: the one it pointed at before). */
  version: number;
  /** The labels it moved, from where to where (`to: null`: removed); empty for a draft. */
  moves: LabelMove[];
  /** The token name ("anonymous" while the server ran open). */
  author: string;
  /** The client's address; null for writes not made over HTTP. */
  address: string | null;
  message: string | null;
  at: string;
  /** The reason an admin gave for publishing over failing checks (`force`); null when nothing was overridden. */
  forced: string | null;
  /** The apply scope the writer gave (`live`, `next-session`); null when it gave none (the client's default). */
  apply?: ApplyScope | null;
  /** For a rollout step: the rollout and the step; null for every other change. */
  rollout?: { id: string; step: RolloutStepName } | null;
}

/** The 422 a publish gets when the version has errors: the checks, so the caller sees what to fix. */
export interface ChecksFailedBody {
  statusCode: 422;
  error: 'Unprocessable Entity';
  message: string;
  checks: Check[];
}

/** `GET /api/audit`, newest first. */
export interface AuditPage {
  entries: AuditEntry[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  next: number | null;
}
