/**
 * Prompt templates: `{{name}}` placeholders that an agent fills per call.
 * One grammar for the server's checks, the PromptClient's `render` and the
 * Python client (which implements the same rules; `docs/variables.md`).
 *
 * - A placeholder is `{{name}}` (blanks inside the braces are allowed:
 *   `{{ name }}`); `name` matches VARIABLE_NAME.
 * - `{{{{` is a literal `{{` and `}}}}` a literal `}}`.
 * - Anything else with double braces is malformed: `{{ name` (never closed),
 *   `{{}}` or `{{two words}}` (not a name), a `}}` that closes nothing.
 * - Single braces are plain text.
 */

/** A variable's name: a letter or `_`, then up to 63 letters, digits or `_`. */
export const VARIABLE_NAME = /^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/;
/**
 * Names that match VARIABLE_NAME but are refused: a JSON body may not carry
 * them as keys (they reach an object's prototype, see common/json-depth.ts),
 * so such a variable could never be declared.
 */
export const RESERVED_VARIABLE_NAMES: readonly string[] = ['__proto__', 'constructor', 'prototype'];
export const VARIABLE_NAME_RULE = 'a letter or "_" followed by up to 63 letters, digits or "_" (and not __proto__, constructor or prototype)';

/** True when `name` may name a variable. */
export function isVariableName(name: string): boolean {
  return VARIABLE_NAME.test(name) && !RESERVED_VARIABLE_NAMES.includes(name);
}

/** A variable a version declares: a default makes it optional. */
export interface VariableSpec {
  default?: string;
  description?: string;
}

export type Variables = Record<string, VariableSpec>;

/** Where in the text something is: 0-based offsets, 1-based line and column. */
export interface TextSpan {
  start: number;
  end: number;
  line: number;
  column: number;
}

export type TemplatePart = { text: string } | { variable: string; span: TextSpan };

export interface TemplateFault {
  code: 'placeholder-unclosed' | 'placeholder-not-a-name' | 'placeholder-stray-close';
  message: string;
  span: TextSpan;
}

export interface ParsedTemplate {
  parts: TemplatePart[];
  faults: TemplateFault[];
  /** Each placeholder's name, once, in order of first use. */
  variables: string[];
}

/**
 * Splits a text into literal runs and placeholders, and says what is
 * malformed. Linear in the text's length whatever it holds: brace runs are
 * found by one scan, and the searches for the next "}}" and "{{" only move
 * forward (a text of 16,000 unclosed "{{" must not cost 16,000 full scans).
 */
export function parseTemplate(text: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const faults: TemplateFault[] = [];
  const spans = spanFinder(text);
  const nextClose = forwardSearch(text, '}}');
  const nextOpen = forwardSearch(text, '{{');
  const braces = /\{\{\{\{|\}\}\}\}|\{\{|\}\}/g;
  let literal = '';
  let i = 0;
  for (let m = braces.exec(text); m !== null; m = braces.exec(text)) {
    literal += text.slice(i, m.index);
    i = m.index;
    if (m[0] === '{{{{') literal += '{{';
    else if (m[0] === '}}}}') literal += '}}';
    else if (m[0] === '}}') {
      faults.push({
        code: 'placeholder-stray-close',
        message: '"}}" closes no placeholder (write "}}}}" for a literal "}}")',
        span: spans(i, i + 2),
      });
      literal += '}}';
    } else {
      const close = nextClose(i + 2);
      const open = nextOpen(i + 2);
      if (close < 0 || (open >= 0 && open < close)) {
        const end = open >= 0 ? open : text.length;
        faults.push({
          code: 'placeholder-unclosed',
          message: '"{{" is never closed with "}}" (write "{{{{" for a literal "{{")',
          span: spans(i, end),
        });
        literal += text.slice(i, end);
        braces.lastIndex = end;
      } else {
        const name = text.slice(i + 2, close).trim();
        const span = spans(i, close + 2);
        if (isVariableName(name)) {
          if (literal) parts.push({ text: literal });
          literal = '';
          parts.push({ variable: name, span });
        } else {
          const shown = text.slice(i, Math.min(close + 2, i + 80));
          faults.push({ code: 'placeholder-not-a-name', message: `"${shown}" is not a placeholder: the name must be ${VARIABLE_NAME_RULE}`, span });
          literal += text.slice(i, close + 2);
        }
        braces.lastIndex = close + 2;
      }
    }
    i = braces.lastIndex;
  }
  literal += text.slice(i);
  if (literal) parts.push({ text: literal });
  const variables = [...new Set(parts.flatMap((p) => ('variable' in p ? [p.variable] : [])))];
  return { parts, faults, variables };
}

/** indexOf(needle, from) for non-decreasing `from`: remembers the last hit, so a whole parse scans the text once per needle. */
function forwardSearch(text: string, needle: string): (from: number) => number {
  let at = -2;
  return (from) => {
    if (at === -1 || at >= from) return at;
    at = text.indexOf(needle, from);
    return at;
  };
}

/** The span from `start` to `end`, with the line and column of `start`. */
export function spanOf(text: string, start: number, end: number): TextSpan {
  return spanFinder(text)(start, end);
}

/** spanOf for many spans of one text: the line starts are found once, then each span is a binary search. */
export function spanFinder(text: string): (start: number, end: number) => TextSpan {
  const lineStarts = [0];
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lineStarts.push(at + 1);
  return (start, end) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= start) lo = mid;
      else hi = mid - 1;
    }
    return { start, end, line: lo + 1, column: start - lineStarts[lo] + 1 };
  };
}

/** What filling a template needs: the values given, the declared variables (for defaults). */
export interface RenderInput {
  text: string;
  variables?: Variables;
  values: Readonly<Record<string, string | number | boolean>>;
}

export interface Rendered {
  text: string;
  /** Placeholders with neither a value nor a default, in order of first use (each rendered as ""). */
  missing: string[];
}

/** Fills every placeholder from `values`, then from the declared defaults; malformed braces stay as written. */
export function renderTemplate(input: RenderInput): Rendered {
  const missing = new Set<string>();
  const out = parseTemplate(input.text).parts.map((part) => {
    if ('text' in part) return part.text;
    const value = own(input.values, part.variable) ?? own(input.variables, part.variable)?.default;
    if (value === undefined) missing.add(part.variable);
    return value === undefined ? '' : String(value);
  });
  return { text: out.join(''), missing: [...missing] };
}

/** An own property only: a variable named `constructor` or `__proto__` must not find the object's prototype. */
function own<T>(record: Readonly<Record<string, T>> | undefined, name: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, name) ? record[name] : undefined;
}
