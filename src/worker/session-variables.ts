import type { TemplateValues } from '../client/index.js';
import { isVariableName } from '../protocol/template.js';

/**
 * The values a call's prompts are rendered with (docs/agent.md, "Variables"):
 * the joining participant's attributes, then the job's dispatch metadata
 * (a JSON object), which wins where both name a variable: the dispatch is
 * made by your backend, while a participant may be allowed to set its own
 * attributes. Only names a placeholder can use, and only strings, numbers and
 * booleans, are taken; the rest is ignored.
 */
export function sessionVariables(metadata: string | undefined, attributes: Readonly<Record<string, string>> = {}): TemplateValues {
  return { ...pickValues(attributes), ...pickValues(parseMetadata(metadata)) };
}

/** Dispatch metadata is free text to LiveKit; only a JSON object carries variables. */
function parseMetadata(metadata: string | undefined): Record<string, unknown> {
  if (!metadata) return {};
  try {
    const parsed: unknown = JSON.parse(metadata);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function pickValues(source: Readonly<Record<string, unknown>>): Record<string, string | number | boolean> {
  const values: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(source)) {
    if (!isVariableName(name)) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') values[name] = value;
  }
  return values;
}
