/** Keys are identifiers agents put in code and env vars: a letter, then letters, digits, `_`, `.`, `-`. */
export const PROMPT_KEY_SHAPE = '[A-Za-z][A-Za-z0-9_.-]{0,127}';
/** `stream` (in any case, as routes match it) is the event stream's path, so no prompt may take it. */
export const PROMPT_KEY_PATTERN = new RegExp(`^(?!stream$)${PROMPT_KEY_SHAPE}$`, 'i');
export const PROMPT_KEY_RULE = 'a letter followed by up to 127 letters, digits, "_", "." or "-" (and not "stream", the event stream\'s path)';
export const MESSAGE_MAX_LENGTH = 500;
