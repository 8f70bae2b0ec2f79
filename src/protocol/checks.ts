import { isVariableName, parseTemplate, spanOf, VARIABLE_NAME_RULE, type TemplatePart, type TextSpan, type Variables } from './template.js';

/**
 * The checks every save computes and every publish looks at: errors make a
 * call worse for sure (a placeholder read aloud, a template that cannot be
 * filled); warnings are text written for a screen that a voice will read
 * literally. Pure: the server, the admin UI's preview (through
 * `POST /api/prompts/:key/check`) and the CLI all run this module.
 * docs/variables.md explains each rule and why it matters for speech.
 */

export type CheckLevel = 'error' | 'warning';

export interface Check {
  level: CheckLevel;
  code: string;
  message: string;
  /** Where the first occurrence is, when the check is about a place in the text. */
  where?: TextSpan;
}

export interface TokenEstimate {
  /** About 4 characters per token (OpenAI's rule of thumb for English); good enough to see a prompt double. */
  estimate: number;
  /** The same estimate for the version the label points at now; null when there is none. */
  previous: number | null;
  /** estimate − previous; null when there is no previous version. */
  change: number | null;
}

export interface CheckReport {
  checks: Check[];
  tokens: TokenEstimate;
}

export interface CheckInput {
  text: string;
  variables?: Variables;
  /** The text of the version the label being published points at now, to measure the change against. */
  previous?: string | null;
  /** PROMPT_MAX_BYTES. */
  maxBytes: number;
}

/** More digits in a row than this are read out as one long number ("four hundred twelve million…"). */
export const LONG_NUMBER_DIGITS = 6;
/** A size change beyond this fraction of the previous version is worth a second look. */
export const SIZE_CHANGE_RATIO = 0.5;

/** Every rule, errors first. */
export function checkPrompt(input: CheckInput): CheckReport {
  const checks = [...templateChecks(input), ...sizeChecks(input), ...speechChecks(input.text)];
  const estimate = estimateTokens(input.text);
  const previous = input.previous == null ? null : estimateTokens(input.previous);
  const sorted = [...checks.filter((c) => c.level === 'error'), ...checks.filter((c) => c.level === 'warning')];
  return { checks: sorted, tokens: { estimate, previous, change: previous === null ? null : estimate - previous } };
}

/** True when a report has an error: publishing a protected label to such a version needs `force`. */
export function hasErrors(report: { checks: readonly Check[] }): boolean {
  return report.checks.some((c) => c.level === 'error');
}

export function estimateTokens(text: string): number {
  return Math.ceil([...text].length / 4);
}

/** At most this many checks name one undeclared variable each; one more says how many others there are. */
export const MAX_NAMED_CHECKS = 10;

function templateChecks({ text, variables = {} }: CheckInput): Check[] {
  const parsed = parseTemplate(text);
  const checks: Check[] = [];
  // One check per kind of malformed braces, counting, like the speech rules: a text of 10,000 "{{" gets three lines, not 10,000.
  for (const code of ['placeholder-unclosed', 'placeholder-not-a-name', 'placeholder-stray-close'] as const) {
    const faults = parsed.faults.filter((f) => f.code === code);
    if (faults.length > 0)
      checks.push({ level: 'error', code, message: `${faults[0].message}${counted(faults.length, faults[0].span.line)}`, where: faults[0].span });
  }
  const undeclared = parsed.variables.filter((n) => !Object.hasOwn(variables, n));
  for (const name of undeclared.slice(0, MAX_NAMED_CHECKS)) {
    const where = parsed.parts.find((p): p is Extract<TemplatePart, { variable: string }> => 'variable' in p && p.variable === name);
    const message = `{{${name}}} is used but not declared: declare it (with a default, or as required so the agent passes it per call), or the caller may hear "{{${name}}}"`;
    checks.push({ level: 'error', code: 'variable-undeclared', message, where: where?.span });
  }
  if (undeclared.length > MAX_NAMED_CHECKS) {
    checks.push({ level: 'error', code: 'variable-undeclared', message: `and ${undeclared.length - MAX_NAMED_CHECKS} more undeclared variables` });
  }
  for (const [name, spec] of Object.entries(variables)) {
    if (!isVariableName(name))
      checks.push({ level: 'error', code: 'variable-name', message: `variable "${name}" is not a name: ${VARIABLE_NAME_RULE}` });
    if (spec.default !== undefined && (spec.default.includes('{{') || spec.default.includes('}}'))) {
      checks.push({
        level: 'error',
        code: 'default-has-placeholder',
        message: `the default of {{${name}}} holds braces; defaults are plain text, filled in as they are`,
      });
    }
    if (!parsed.variables.includes(name))
      checks.push({ level: 'warning', code: 'variable-unused', message: `{{${name}}} is declared but the text never uses it` });
  }
  return checks;
}

/** " (once, first at line 3)" or " (12 times, first at line 3)". */
function counted(count: number, line: number): string {
  return ` (${count === 1 ? 'once' : `${count} times`}, first at line ${line})`;
}

function sizeChecks({ text, previous, maxBytes }: CheckInput): Check[] {
  const bytes = new TextEncoder().encode(text).length;
  const checks: Check[] = [];
  if (bytes > maxBytes)
    checks.push({ level: 'error', code: 'too-large', message: `the text is ${bytes} bytes; the limit is ${maxBytes} (PROMPT_MAX_BYTES)` });
  if (previous != null && previous.length > 0) {
    const ratio = Math.abs(text.length - previous.length) / previous.length;
    if (ratio > SIZE_CHANGE_RATIO) {
      const how = text.length > previous.length ? 'grew' : 'shrank';
      checks.push({
        level: 'warning',
        code: 'size-change',
        message: `the text ${how} by ${Math.round(ratio * 100)}% from the version it replaces (${previous.length} → ${text.length} characters)`,
      });
    }
  }
  return checks;
}

/** A screen-only construct, how to find it, and what a voice does with it. */
interface SpeechRule {
  code: string;
  pattern: RegExp;
  what: string;
}

const SPEECH_RULES: readonly SpeechRule[] = [
  { code: 'markdown-heading', pattern: /^ {0,3}#{1,6}[ \t]+\S/gm, what: 'a markdown heading: the "#" may be read out, and a voice has no headings' },
  { code: 'markdown-table', pattern: /^[ \t]*\|.*\|[ \t]*$/gm, what: 'a markdown table: read row by row with its pipes, it makes no sense aloud' },
  {
    code: 'bullet-list',
    pattern: /^[ \t]*[-*+•][ \t]+\S/gm,
    what: 'a bulleted list: the model will answer in lists, which sound robotic read aloud',
  },
  {
    code: 'numbered-list',
    pattern: /^[ \t]*\d{1,3}[.)][ \t]+\S/gm,
    what: 'a numbered list: the model will answer in lists, which sound robotic read aloud',
  },
  {
    code: 'markdown-emphasis',
    pattern: /\*\*[^*\n]+\*\*|__[^_\n]+__|(?<![*\w])\*[^*\s][^*\n]*\*(?![*\w])/g,
    what: 'bold or italic markers: they may be read as "asterisk"',
  },
  { code: 'code', pattern: /^[ \t]*(```|~~~)|`[^`\n]+`/gm, what: 'code (fences or backticks): code read aloud is noise' },
  { code: 'link', pattern: /\[[^[\]\n]+\]\([^()\s]+\)/g, what: 'a markdown link: its brackets and address would be read out' },
  {
    code: 'bare-url',
    pattern: /\bhttps?:\/\/[^\s)]+|\bwww\.[^\s)]+/gi,
    what: 'a web address: spelled out letter by letter, it is long and useless on a call',
  },
  { code: 'emoji', pattern: /\p{Extended_Pictographic}/gu, what: 'an emoji: a voice reads its name ("smiling face") or skips it' },
  {
    code: 'long-number',
    pattern: new RegExp(`\\d{${LONG_NUMBER_DIGITS + 1},}`, 'g'),
    what: `a number of more than ${LONG_NUMBER_DIGITS} digits: it is read out as one huge number`,
  },
];

/** One warning per rule, naming how often it matched and where first. */
function speechChecks(text: string): Check[] {
  return SPEECH_RULES.flatMap((rule) => {
    const matches = [...text.matchAll(rule.pattern)];
    if (matches.length === 0) return [];
    const first = matches[0].index;
    const where = spanOf(text, first, first + matches[0][0].length);
    return [{ level: 'warning' as const, code: rule.code, message: `${rule.what}${counted(matches.length, where.line)}`, where }];
  });
}
