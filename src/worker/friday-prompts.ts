/** The prompt keys Friday follows. */
export const AGENT_INSTRUCTION = 'AGENT_INSTRUCTION';
export const SESSION_INSTRUCTION = 'SESSION_INSTRUCTION';
export const FRIDAY_KEYS = [AGENT_INSTRUCTION, SESSION_INSTRUCTION] as const;

/**
 * Built-in texts for a worker that has never reached the server and has no
 * cache (the same wording the server seeds, so a cold start behaves as a fresh
 * install does). Copied rather than imported: agent code imports no server
 * code; test/seed.e2e-spec.ts fails if the two drift apart.
 */
export const FRIDAY_DEFAULTS: Readonly<Record<string, string>> = {
  [AGENT_INSTRUCTION]:
    'You are Friday, a helpful voice assistant. Speak naturally and concisely, ' +
    'one or two sentences at a time, because everything you say is read aloud. ' +
    'If you do not know something, say so.',
  [SESSION_INSTRUCTION]: 'Greet the user and offer your help.',
};
