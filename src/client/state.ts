import { inCandidate, type RolloutOffer } from '../protocol/rollouts.js';
import type { Variables } from '../protocol/template.js';
import type { PromptEntry, StreamEvent } from './events.js';
import type { PromptChange, ResolvedPrompt, StateSource } from './types.js';

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
    prompts[event.key] = {
      text: event.text,
      version: event.version,
      updatedAt: event.updatedAt,
      variables: event.variables ?? {},
      rollout: event.rollout ?? null,
    };
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

/** The active rollout's offer for `key` in this state; null when none (or on cache and defaults without one). */
export function offerOf(state: HeldState | undefined, key: string): RolloutOffer | null {
  return state?.prompts[key]?.rollout ?? null;
}

/**
 * What `key` is for one session: the candidate of the key's active rollout
 * when the session's bucket falls under its percent (docs/rollouts.md),
 * else the label's own version (the baseline); without a session id, always
 * the baseline. `undefined` when the key has no text at all.
 */
export function resolvePrompt(state: HeldState | undefined, key: string, scope: StateScope, sessionId?: string): ResolvedPrompt | undefined {
  const text = textOf(state, key, scope);
  if (text === undefined) return undefined;
  const entry = state?.prompts[key];
  const offer = entry?.rollout ?? null;
  const base = { key, revision: state?.revision ?? null, source: state?.source ?? 'defaults' } as const;
  if (!entry || !offer) return { ...base, text, version: entry?.version, variables: entry?.variables ?? {}, rollout: null };
  if (sessionId !== undefined && inCandidate(offer.id, sessionId, offer.percent)) {
    const { candidate } = offer;
    return {
      ...base,
      text: candidate.text,
      version: candidate.version,
      variables: candidate.variables,
      rollout: { id: offer.id, variant: 'candidate' },
    };
  }
  return { ...base, text, version: entry.version, variables: entry.variables ?? {}, rollout: { id: offer.id, variant: 'baseline' } };
}

/** Every key that has a text in this state, defaults included. */
export function visibleKeys(state: HeldState | undefined, scope: StateScope): string[] {
  const keys = new Set([...Object.keys(state?.prompts ?? {}), ...Object.keys(scope.defaults)]);
  return [...keys].filter((key) => !scope.keys || scope.keys.has(key)).sort();
}

/**
 * The keys whose visible text, declared variables or rollout offer differ
 * between two states, one change each (a new default changes what `render`
 * fills in; a rollout step changes what some sessions run, even when the
 * label's own text stays). A change of version or source with the same text,
 * variables and offer is not a change. `cause`, the event that made `after`,
 * lends its apply scope and rollout step to the change of its key.
 */
export function diffStates(before: HeldState | undefined, after: HeldState, scope: StateScope, cause?: StreamEvent): PromptChange[] {
  const keys = new Set([...visibleKeys(before, scope), ...visibleKeys(after, scope)]);
  const changes: PromptChange[] = [];
  for (const key of [...keys].sort()) {
    const text = textOf(after, key, scope);
    const variables = variablesOf(after, key);
    const rollout = offerOf(after, key);
    const same = text === textOf(before, key, scope) && sameJson(variables, variablesOf(before, key)) && sameJson(rollout, offerOf(before, key));
    if (same) continue;
    const entry = after.prompts[key];
    const change: PromptChange = {
      key,
      text,
      variables,
      revision: after.revision,
      version: entry?.version,
      deleted: after.source === 'server' && entry === undefined,
      source: after.source,
      rollout,
    };
    if (cause?.type === 'prompt.updated' && cause.key === key) {
      if (cause.apply) change.apply = cause.apply;
      if (cause.step) change.step = cause.step;
    }
    changes.push(change);
  }
  return changes;
}

function pick(prompts: Record<string, PromptEntry>, keys: ReadonlySet<string> | undefined): Record<string, PromptEntry> {
  if (!keys) return { ...prompts };
  return Object.fromEntries(Object.entries(prompts).filter(([key]) => keys.has(key)));
}

/** Variables and offers are small JSON objects built in one order by one parser: their encodings compare them. */
function sameJson(a: Variables | RolloutOffer | null, b: Variables | RolloutOffer | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
