import type { LabelPolicy, SaveInput } from '../../src/store/prompt-store.js';

/** A caller that may move every label, protected ones included (an admin). */
export const PUBLISHER: LabelPolicy = { protectedLabels: ['production'], mayPublish: true };
/** A caller that may not move protected labels (an editor). */
export const EDITOR: LabelPolicy = { protectedLabels: ['production'], mayPublish: false };

let seq = 0;

/** A unique, valid save to production by a publisher; override any field. */
export function aPrompt(overrides: Partial<SaveInput> = {}): SaveInput {
  seq += 1;
  return {
    key: `PROMPT_${seq}`,
    text: `You are test prompt ${seq}.`,
    author: 'tester',
    message: null,
    labels: ['production'],
    policy: PUBLISHER,
    ...overrides,
  };
}
