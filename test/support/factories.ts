import type { CheckReport } from '../../src/protocol/checks.js';
import type { LabelPolicy, SaveInput } from '../../src/store/prompt-store.js';

/** A caller that may move every label, protected ones included (an admin). */
export const PUBLISHER: LabelPolicy = { protectedLabels: ['production'], mayPublish: true };
/** A caller that may not move protected labels (an editor). */
export const EDITOR: LabelPolicy = { protectedLabels: ['production'], mayPublish: false };

/** What the checks find in a clean text. */
export const NO_FINDINGS: CheckReport = { checks: [], tokens: { estimate: 5, previous: null, change: null } };
/** A report with one error: a protected label moves to such a version only with `force`. */
export const AN_ERROR: CheckReport = {
  checks: [{ level: 'error', code: 'variable-undeclared', message: '{{caller_name}} is used but not declared' }],
  tokens: { estimate: 5, previous: null, change: null },
};

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
    variables: {},
    checks: NO_FINDINGS,
    ...overrides,
  };
}
