import matter from 'gray-matter';
import { isLabel, LABEL_RULE } from '../protocol/labels.js';
import { PROMPT_KEY_PATTERN, PROMPT_KEY_RULE } from '../protocol/prompts.js';
import type { Variables } from '../protocol/template.js';
import { parseVariables } from '../protocol/variables.js';

/**
 * One prompt as a file, `KEY.md`: a YAML front matter, then the text exactly,
 * byte for byte (CRLF, trailing blanks, no final newline and all). gray-matter
 * parses it (the body is everything after the line that closes the front
 * matter); its `stringify` would add a final newline to the body, so only
 * the front matter block is taken from it and the text is appended as it is.
 */
export interface PromptFile {
  key: string;
  /** The version the text came from: `If-Match` for the next push. Absent: a key not on the server yet. */
  version?: number;
  /** The label it was pulled from; a push moves this label unless told otherwise. */
  label?: string;
  /** The labels that pointed at `version` when it was pulled (for the reader; a push ignores them). */
  labels?: string[];
  variables: Variables;
  text: string;
}

export function formatPromptFile(file: PromptFile): string {
  const data: Record<string, unknown> = { key: file.key };
  if (file.version !== undefined) data.version = file.version;
  if (file.label !== undefined) data.label = file.label;
  if (file.labels !== undefined) data.labels = file.labels;
  if (Object.keys(file.variables).length > 0) data.variables = file.variables;
  // stringify('') is the front matter block followed by the one newline it adds to an empty body.
  const block = matter.stringify('', data);
  return block.slice(0, -1) + file.text;
}

/** The file's prompt, or what is wrong with it (worded to follow the file name). */
export function parsePromptFile(source: string, fileKey: string): PromptFile | { problem: string } {
  if (!source.startsWith('---\n') && !source.startsWith('---\r\n')) return { problem: 'has no front matter (it must begin with a line "---")' };
  let parsed: matter.GrayMatterFile<string>;
  try {
    // A copy of the options object: gray-matter caches parses by text unless options are given.
    parsed = matter(source, {});
  } catch (err) {
    return { problem: `front matter is not YAML: ${(err as Error).message.split('\n')[0]}` };
  }
  const data = parsed.data as Record<string, unknown>;
  const key = data.key ?? fileKey;
  if (typeof key !== 'string' || !PROMPT_KEY_PATTERN.test(key)) return { problem: `key must be ${PROMPT_KEY_RULE}` };
  if (data.version !== undefined && !(Number.isSafeInteger(data.version) && (data.version as number) >= 1))
    return { problem: 'version must be a whole number from 1' };
  if (data.label !== undefined && !isLabel(data.label)) return { problem: `label must be ${LABEL_RULE}` };
  const variables = parseVariables(data.variables ?? undefined);
  if ('problem' in variables) return { problem: `${variables.problem} (quote values YAML would read as numbers, dates or booleans)` };
  return {
    key,
    ...(data.version !== undefined && { version: data.version as number }),
    ...(data.label !== undefined && { label: data.label }),
    ...(Array.isArray(data.labels) && { labels: data.labels.filter((l): l is string => typeof l === 'string') }),
    variables: variables.variables,
    text: parsed.content,
  };
}

/** True when two declarations say the same (order of names aside). */
export function sameVariables(a: Variables, b: Variables): boolean {
  const canonical = (v: Variables) =>
    JSON.stringify(
      Object.entries(v)
        .sort(([x], [y]) => (x < y ? -1 : 1))
        .map(([n, s]) => [n, s.default ?? null, s.description ?? null]),
    );
  return canonical(a) === canonical(b);
}
