/**
 * Labels: named pointers from a prompt key to one of its versions. Agents are
 * served a label's view (`production` by default); a save that moves no label
 * is a draft nobody is served. docs/releases.md explains the model.
 */

/** The label agents, the legacy flat read and every read without `?label=` are served. */
export const DEFAULT_LABEL = 'production';

/** A label name: a lower-case letter, then up to 31 lower-case letters, digits or `-` (`staging`, `canary`, `eu`). */
export const LABEL_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
export const LABEL_RULE = 'a lower-case letter followed by up to 31 lower-case letters, digits or "-" (such as staging)';

/** One label move inside a change: where `label` pointed before (when known) and where it points now (null: removed). */
export interface LabelMove {
  label: string;
  from?: number | null;
  to: number | null;
}

/** One label of a key, as `GET /api/prompts/:key/labels` lists it. */
export interface LabelPointer {
  label: string;
  version: number;
  /** The global revision of the change that last moved it. */
  revision: number;
  /** When it was moved there. */
  movedAt: string;
}

/** `GET /api/prompts/:key/labels`. */
export interface LabelList {
  key: string;
  labels: LabelPointer[];
}

/** True when `label` is a well-formed label name. */
export function isLabel(label: unknown): label is string {
  return typeof label === 'string' && LABEL_PATTERN.test(label);
}
