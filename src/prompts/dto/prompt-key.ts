/** Keys are identifiers agents put in code and env vars: a letter, then letters, digits, `_`, `.`, `-`. */
export const PROMPT_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;
export const PROMPT_KEY_RULE = 'a letter followed by up to 127 letters, digits, "_", "." or "-"';
export const MESSAGE_MAX_LENGTH = 500;
