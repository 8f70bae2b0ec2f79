import { isVariableName, VARIABLE_NAME_RULE, type Variables, type VariableSpec } from './template.js';

/**
 * The `variables` a save or a check sends: `{name: {default?, description?}}`.
 * One parser for the API, the admin UI's form and the CLI's front matter, so
 * a bad declaration gets the same 400 whichever way it arrives.
 */

/** At most this many variables per version: a prompt needs a handful, and each is a row in the editor. */
export const MAX_VARIABLES = 32;
/** Longest default, in characters: a default is a short value (a name, a tone), not a second prompt. */
export const VARIABLE_DEFAULT_MAX_LENGTH = 500;
/** Longest description, in characters. With the limits above, a version's variables stay under ~25 KB of JSON. */
export const VARIABLE_DESCRIPTION_MAX_LENGTH = 200;

const SPEC_FIELDS = ['default', 'description'];

/** The declared variables, or what is wrong with them (worded to follow "variables"). */
export function parseVariables(value: unknown): { variables: Variables } | { problem: string } {
  if (value === undefined) return { variables: {} };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { problem: 'variables must be an object of {name: {default?, description?}}' };
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_VARIABLES) return { problem: `variables must declare at most ${MAX_VARIABLES} variables (got ${entries.length})` };
  const variables: Variables = {};
  for (const [name, spec] of entries) {
    if (!isVariableName(name)) return { problem: `variables: "${name.slice(0, 80)}" is not a variable name; a name is ${VARIABLE_NAME_RULE}` };
    const parsed = parseSpec(name, spec);
    if ('problem' in parsed) return parsed;
    variables[name] = parsed.spec;
  }
  return { variables };
}

function parseSpec(name: string, spec: unknown): { spec: VariableSpec } | { problem: string } {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    return { problem: `variables.${name} must be an object with an optional default and description` };
  }
  const unknown = Object.keys(spec).find((field) => !SPEC_FIELDS.includes(field));
  if (unknown !== undefined) return { problem: `variables.${name}.${unknown.slice(0, 80)} is not a field; a variable has default and description` };
  const { default: fallback, description } = spec as Record<string, unknown>;
  const problem =
    stringProblem(`variables.${name}.default`, fallback, VARIABLE_DEFAULT_MAX_LENGTH) ??
    stringProblem(`variables.${name}.description`, description, VARIABLE_DESCRIPTION_MAX_LENGTH);
  if (problem) return { problem };
  // null reads as "not given", as JSON clients often send it.
  return { spec: { ...(fallback != null && { default: fallback as string }), ...(description != null && { description: description as string }) } };
}

function stringProblem(field: string, value: unknown, max: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return `${field} must be a string`;
  if (value.length > max) return `${field} must be at most ${max} characters (got ${value.length})`;
  return undefined;
}

/** The variables a version declares with no default: the agent must pass each per call. */
export function requiredVariables(variables: Variables): string[] {
  return Object.entries(variables)
    .filter(([, spec]) => spec.default === undefined)
    .map(([name]) => name);
}
