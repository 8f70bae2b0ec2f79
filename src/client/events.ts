import type { SnapshotPrompt, StreamMessage } from '../protocol/events.js';
import { APPLY_SCOPES, type ApplyScope, type RolloutOffer, type RolloutStepName } from '../protocol/rollouts.js';
import type { Variables } from '../protocol/template.js';
import { parseVariables } from '../protocol/variables.js';
import { PromptClientError } from './errors.js';

/**
 * One prompt as the server last described it. The parser always sets
 * `variables` (`{}` when an older server sent none) and `rollout` (`null` when
 * there is no active rollout, or the server predates rollouts).
 */
export type PromptEntry = SnapshotPrompt;

/** A whole state: the stream's `snapshot` event, or a poll of `GET /api/prompts`. */
export type SnapshotEvent = Extract<StreamMessage, { type: 'snapshot' }>;
export type UpdatedEvent = Extract<StreamMessage, { type: 'prompt.updated' }>;
export type DeletedEvent = Extract<StreamMessage, { type: 'prompt.deleted' }>;
export type HeartbeatEvent = Extract<StreamMessage, { type: 'heartbeat' }>;

/** Every event the stream sends, as the client hands it on: the wire's payload with its name as `type`. */
export type StreamEvent = StreamMessage;

type Json = Record<string, unknown>;

/**
 * Parses one SSE event's `data` into a typed event. Pure; throws a
 * `BAD_EVENT` error naming the problem on anything malformed.
 */
export function parseStreamEvent(type: string, data: string): StreamEvent {
  const body = parseObject(data, type);
  const revision = int(body, 'revision', type);
  switch (type) {
    case 'snapshot':
      return { type, revision, prompts: entries(body.prompts, type) };
    case 'prompt.updated':
      return {
        type,
        revision,
        key: str(body, 'key', type),
        version: int(body, 'version', type),
        text: str(body, 'text', type),
        updatedAt: str(body, 'updatedAt', type),
        author: typeof body.author === 'string' ? body.author : '',
        variables: variables(body, type),
        rollout: offer(body.rollout, type),
        ...changeMeta(body, type),
      };
    case 'prompt.deleted':
      return { type, revision, key: str(body, 'key', type) };
    case 'heartbeat': {
      const intervalMs = body.intervalMs;
      return typeof intervalMs === 'number' && intervalMs > 0 ? { type, revision, intervalMs } : { type, revision };
    }
    default:
      throw bad(type, 'is not an event this client knows');
  }
}

/**
 * Turns a `GET /api/prompts` body (`{revision, prompts: [{key, text, version,
 * updatedAt, ...}]}`) into the same shape as a stream snapshot.
 */
export function parsePromptList(body: unknown): SnapshotEvent {
  const what = 'GET /api/prompts';
  if (!isObject(body) || !Array.isArray(body.prompts)) throw bad(what, 'is not {revision, prompts: [...]}');
  const prompts: Record<string, PromptEntry> = {};
  for (const item of body.prompts) {
    if (!isObject(item)) throw bad(what, 'has a prompt that is not an object');
    prompts[str(item, 'key', what)] = entry(item, what);
  }
  return { type: 'snapshot', revision: int(body, 'revision', what), prompts };
}

function entries(value: unknown, what: string): Record<string, PromptEntry> {
  if (!isObject(value)) throw bad(what, 'has no prompts object');
  const out: Record<string, PromptEntry> = {};
  for (const [key, item] of Object.entries(value)) {
    if (!isObject(item)) throw bad(what, `has a prompt "${key}" that is not an object`);
    out[key] = entry(item, what);
  }
  return out;
}

function entry(item: Json, what: string): PromptEntry {
  return {
    text: str(item, 'text', what),
    version: int(item, 'version', what),
    updatedAt: str(item, 'updatedAt', what),
    variables: variables(item, what),
    rollout: offer(item.rollout, what),
  };
}

const STEPS: readonly RolloutStepName[] = ['start', 'percent', 'complete', 'abort'];

/** A change's apply scope and rollout step, when the server sent them (older servers send neither). */
function changeMeta(body: Json, what: string): { apply?: ApplyScope; step?: RolloutStepName } {
  const meta: { apply?: ApplyScope; step?: RolloutStepName } = {};
  if (body.apply !== undefined) {
    if (!(APPLY_SCOPES as readonly unknown[]).includes(body.apply)) throw bad(what, `has an unknown apply scope ${JSON.stringify(body.apply)}`);
    meta.apply = body.apply as ApplyScope;
  }
  if (body.step !== undefined) {
    if (!(STEPS as readonly unknown[]).includes(body.step)) throw bad(what, `has an unknown rollout step ${JSON.stringify(body.step)}`);
    meta.step = body.step as RolloutStepName;
  }
  return meta;
}

/**
 * The rollout offer carried with a prompt (docs/rollouts.md); absent or null
 * means none, which is also how a server without rollouts reads.
 */
function offer(value: unknown, what: string): RolloutOffer | null {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) throw bad(what, 'has a rollout that is not an object');
  const percent = value.percent;
  if (typeof percent !== 'number' || !Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw bad(what, 'has a rollout whose "percent" is not a number from 0 to 100');
  }
  if (!(APPLY_SCOPES as readonly unknown[]).includes(value.apply)) throw bad(what, 'has a rollout with an unknown apply scope');
  if (!isObject(value.candidate)) throw bad(what, 'has a rollout with no candidate object');
  const candidate = value.candidate;
  return {
    id: str(value, 'id', what),
    percent,
    apply: value.apply as ApplyScope,
    candidate: { version: int(candidate, 'version', what), text: str(candidate, 'text', what), variables: variables(candidate, what) },
  };
}

/** The declared variables, by the server's own rule (protocol/variables.ts); absent means none. */
function variables(item: Json, what: string): Variables {
  const parsed = parseVariables(item.variables);
  if ('problem' in parsed) throw bad(what, `has malformed variables (${parsed.problem})`);
  return parsed.variables;
}

function parseObject(data: string, what: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw bad(what, 'is not JSON');
  }
  if (!isObject(value)) throw bad(what, 'is not a JSON object');
  return value;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function int(body: Json, field: string, what: string): number {
  const value = body[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw bad(what, `has no integer "${field}"`);
  return value;
}

function str(body: Json, field: string, what: string): string {
  const value = body[field];
  if (typeof value !== 'string') throw bad(what, `has no string "${field}"`);
  return value;
}

function bad(what: string, problem: string): PromptClientError {
  return new PromptClientError('BAD_EVENT', `${what} ${problem}; the event was ignored`);
}
