import type { Variables } from '../protocol/template.js';
import type { PromptEntry, StreamEvent } from './events.js';
import type { PromptChange, StateSource } from './types.js';

/** The prompts the client holds and where they came from. Never mutated. */
export interface HeldState {
  source: StateSource;
  /** The revision this state reflects; `null` for defaults. */
  revision: number | null;
  prompts: Readonly<Record<string, PromptEntry>>;
}

/** What the client follows: a key filter (undefined = every key) and the fallbacks. */
export interface StateScope {
  keys: ReadonlySet<string> | undefined;
  defaults: Readonly<Record<string, string>>;
}

/**
 * Applies one server event to the held state. Pure. Returns `undefined` when
 * the event must be ignored: its revision is not newer than the one held
 * (docs/architecture.md, invariant 2), or it is an increment on top of a state that did not come
 * from the server (only a whole state can replace cache or defaults, whatever
 * its revision). A heartbeat only moves the revision: the server promises
 * nothing for this client's keys lies between the last event and it.
 */
export function applyEvent(held: HeldState | undefined, event: StreamEvent, scope: StateScope): HeldState | undefined {
  const fromServer = held?.source === 'server';
  if (fromServer && event.revision <= (held.revision ?? -1)) return undefined;
  if (event.type === 'heartbeat') return fromServer ? { ...held, revision: event.revision } : undefined;
  if (event.type === 'snapshot') {
    return { source: 'server', revision: event.revision, prompts: pick(event.prompts, scope.keys) };
  }
  if (!fromServer) return undefined;
  const prompts = { ...held.prompts };
  if (event.type === 'prompt.deleted') {
    delete prompts[event.key];
  } else if (!scope.keys || scope.keys.has(event.key)) {
    prompts[event.key] = { text: event.text, version: event.version, updatedAt: event.updatedAt, variables: event.variables ?? {} };
  }
  return { source: 'server', revision: event.revision, prompts };
}

/** The state a client starts from without a server: its defaults. */
export function defaultsState(): HeldState {
  return { source: 'defaults', revision: null, prompts: {} };
}

/** The text `get(key)` answers: the held text, else the default. */
export function textOf(state: HeldState | undefined, key: string, scope: StateScope): string | undefined {
  return state?.prompts[key]?.text ?? scope.defaults[key];
}

/** The variables the held version of `key` declares; `{}` for a default text or an unknown key. */
export function variablesOf(state: HeldState | undefined, key: string): Variables {
  return state?.prompts[key]?.variables ?? {};
}

/** Every key that has a text in this state, defaults included. */
export function visibleKeys(state: HeldState | undefined, scope: StateScope): string[] {
  const keys = new Set([...Object.keys(state?.prompts ?? {}), ...Object.keys(scope.defaults)]);
  return [...keys].filter((key) => !scope.keys || scope.keys.has(key)).sort();
}

/**
 * The keys whose visible text or declared variables differ between two
 * states, one change each (a new default changes what `render` fills in).
 * A change of version or source with the same text and variables is not a change.
 */
export function diffStates(before: HeldState | undefined, after: HeldState, scope: StateScope): PromptChange[] {
  const keys = new Set([...visibleKeys(before, scope), ...visibleKeys(after, scope)]);
  const changes: PromptChange[] = [];
  for (const key of [...keys].sort()) {
    const text = textOf(after, key, scope);
    const variables = variablesOf(after, key);
    if (text === textOf(before, key, scope) && sameVariables(variables, variablesOf(before, key))) continue;
    const entry = after.prompts[key];
    changes.push({
      key,
      text,
      variables,
      revision: after.revision,
      version: entry?.version,
      deleted: after.source === 'server' && entry === undefined,
      source: after.source,
    });
  }
  return changes;
}

function pick(prompts: Record<string, PromptEntry>, keys: ReadonlySet<string> | undefined): Record<string, PromptEntry> {
  if (!keys) return { ...prompts };
  return Object.fromEntries(Object.entries(prompts).filter(([key]) => keys.has(key)));
}

/** Variables are small JSON objects built in one order by one parser: their encodings compare them. */
function sameVariables(a: Variables, b: Variables): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
