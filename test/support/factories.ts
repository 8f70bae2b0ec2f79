import type { CreateInput } from '../../src/store/prompt-store.js';

let seq = 0;

/** A unique, valid prompt; override any field. */
export function aPrompt(overrides: Partial<CreateInput> = {}): CreateInput {
  seq += 1;
  return { key: `PROMPT_${seq}`, text: `You are test prompt ${seq}.`, author: 'tester', message: null, ...overrides };
}
