import { parseTemplate, type Variables } from '../protocol/template.js';
import { MAX_VARIABLES, parseVariables } from '../protocol/variables.js';

/**
 * The editor's variable rows: one per placeholder the text uses, with its
 * default, a *required* box and a description. A form posts them as three
 * repeated fields (`varName`, `varDefault`, `varDescription`, in row order)
 * plus `varRequired`, the names whose box is ticked (an unticked box posts
 * nothing, so it carries the name rather than a position). They become the
 * version's `variables` through protocol/variables.ts, like the API's body.
 *
 * A row declares its variable only when the operator says how it is filled:
 * a default, or the box (the agent passes it per call). A row left empty
 * declares nothing, so the check `variable-undeclared` keeps the version out
 * of production: a mistyped `{{caller_nmae}}` must not quietly become a
 * variable every call is then refused for lacking.
 */

/** The rows as a form posts them: a field is absent (no rows), one string (one row) or a list. */
export interface VariableRowFields {
  varName?: string | string[];
  varDefault?: string | string[];
  varDescription?: string | string[];
  varRequired?: string | string[];
}

export interface VariableRow {
  name: string;
  default: string;
  description: string;
  /** Declared with no default: the agent must pass it for every call. */
  required: boolean;
  /** Declared at all (a default, or required). */
  declared: boolean;
}

/** A form field as a list, whether it came once, many times or not at all. */
function listOf(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : [value].flat();
}

/**
 * The declared variables the rows say, or what is wrong with them. A text
 * field cannot tell an empty default from none: an empty default declares
 * nothing unless the row's *required* box is ticked.
 */
export function formVariables(fields: VariableRowFields): { variables: Variables } | { problem: string } {
  const typed = typedVariables(fields);
  return 'problem' in typed ? typed : parseVariables(typed.variables);
}

/** The rows as typed, not judged yet (a default may still be too long): what a re-shown form fills its rows from. */
export function typedVariables(fields: VariableRowFields): { variables: Variables } | { problem: string } {
  const names = listOf(fields.varName);
  const defaults = listOf(fields.varDefault);
  const descriptions = listOf(fields.varDescription);
  const required = new Set(listOf(fields.varRequired).slice(0, MAX_VARIABLES));
  // Checked before building anything: a form of 10,000 rows is refused, not walked.
  if (names.length > MAX_VARIABLES) return { problem: `variables must declare at most ${MAX_VARIABLES} variables (got ${names.length})` };
  if (defaults.length !== names.length || descriptions.length !== names.length) {
    return { problem: 'variables: every row needs a name, a default and a description field (some are missing)' };
  }
  // No prototype: a row named __proto__ becomes a key like any other, for parseVariables to refuse by name.
  const declared = Object.create(null) as Variables;
  for (const [i, raw] of names.entries()) {
    const name = raw.trim();
    if (name === '') continue;
    if (Object.hasOwn(declared, name)) return { problem: `variables: "${name.slice(0, 80)}" has two rows` };
    if (defaults[i] === '' && !required.has(name)) continue;
    const description = descriptions[i].trim();
    declared[name] = { ...(defaults[i] !== '' && { default: defaults[i] }), ...(description !== '' && { description }) };
  }
  return { variables: declared };
}

/** A row per placeholder the text uses, in order of first use, filled from what is declared. */
export function variableRows(text: string, variables: Variables): VariableRow[] {
  return parseTemplate(text)
    .variables.slice(0, MAX_VARIABLES)
    .map((name) => {
      const spec = Object.hasOwn(variables, name) ? variables[name] : {};
      const declared = Object.hasOwn(variables, name);
      return { name, default: spec.default ?? '', description: spec.description ?? '', required: declared && spec.default === undefined, declared };
    });
}
