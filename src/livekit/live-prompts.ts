import { voice } from '@livekit/agents';
import { EventEmitter } from 'node:events';
import type { PromptChange, PromptClient, ResolvedPrompt, TemplateValues } from '../client/index.js';
import { inCandidate, type ApplyScope } from '../protocol/rollouts.js';
import {
  SESSION_ID_PATTERN,
  SESSION_ID_RULE,
  SESSION_LIMITS,
  type ApplyOutcome,
  type ApplyReceipt,
  type SessionRecord,
  type SessionVariant,
  type TurnRecord,
} from '../protocol/sessions.js';
import { onClientChange } from './change-fanout.js';
import { instructionSupport } from './model-support.js';
import type { SessionReporter } from './session-reporter.js';
import { SessionMetricsCollector } from './session-metrics.js';

export interface LivePromptsOptions {
  /** The call. The binding follows its current agent through hand-offs. */
  session: voice.AgentSession;
  /** The prompt key that holds the agent's instructions. */
  key: string;
  /** The call's id: picks its rollout variant (`rolloutBucket`) and names it in reports. */
  sessionId: string;
  /** What the prompt's `{{placeholders}}` are filled from, for the call's whole life. */
  variables?: TemplateValues;
  /** How a change reaches this call when the server does not say (`live`: next turn; `next-session`: not at all). Defaults to `live`. */
  apply?: ApplyScope;
  /** Which agents take the key's text: the session's current agent gets it only when this says yes. Defaults to every agent. */
  follows?: (agent: voice.Agent) => boolean;
  /** Where the call's record goes when it ends (and on `report()`). Defaults to nowhere. */
  reporter?: SessionReporter;
  /** Receives a line for every change it handles. Defaults to none. */
  log?: (message: string, fields: Record<string, unknown>) => void;
  /** Epoch ms. Defaults to `Date.now`. */
  now?: () => number;
}

export interface LivePromptsEvents {
  /** One change handled: what became of it in this call. */
  receipt: [ApplyReceipt];
  /** The session handed off to `agent` (its first agent included); `followed` says whether it took the key's text. */
  handoff: [{ agent: voice.Agent; followed: boolean }];
  /** The call ended and its last record was handed to the reporter. */
  closed: [SessionRecord];
}

/**
 * Binds a call (a `voice.AgentSession`) to one prompt key: see `livePrompts`.
 * One per call and key; it lets go of the client and the session when the session closes.
 */
export class LivePrompts extends EventEmitter<LivePromptsEvents> {
  readonly key: string;
  readonly sessionId: string;
  readonly receipts: ApplyReceipt[] = [];
  readonly turns: TurnRecord[] = [];
  /** The revision of the state the call's instructions come from; `null` on built-in defaults. */
  revision: number | null;
  private readonly client: PromptClient;
  private readonly session: voice.AgentSession;
  private readonly variables: TemplateValues;
  private readonly applyDefault: ApplyScope;
  private readonly follows: (agent: voice.Agent) => boolean;
  private readonly reporter: SessionReporter | undefined;
  private readonly log: NonNullable<LivePromptsOptions['log']>;
  private readonly now: () => number;
  private readonly startedAt: number;
  private readonly metrics: SessionMetricsCollector;
  /** Versions of other keys the call read once (`read`), for its record. */
  private readonly reads = new Map<string, number>();
  private running: ResolvedPrompt | undefined;
  private text: string | undefined;
  private pinned: SessionVariant | null;
  /** The last rollout variant the call was put in: kept after the rollout ends, so its figures still count the call on its side. */
  private assigned: SessionVariant | null;
  /** A change to the key is waiting for the next session: changes to other keys must not make the call look current. */
  private behind = false;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  private unsubscribe: () => void = () => {};
  private readonly onChange = (change: PromptChange): void => {
    this.queue = this.queue.then(() => this.handle(change));
  };
  private readonly onItem = (event: voice.ConversationItemAddedEvent): void => {
    if (event.item.type === 'agent_handoff') this.followHandoff();
  };
  private readonly onClose = (event: voice.CloseEvent): void => void this.close(String(event.reason));

  constructor(client: PromptClient, options: LivePromptsOptions) {
    super();
    if (!SESSION_ID_PATTERN.test(options.sessionId))
      throw new Error(`sessionId "${options.sessionId.slice(0, 80)}" is not valid: ${SESSION_ID_RULE}`);
    this.client = client;
    this.session = options.session;
    this.key = options.key;
    this.sessionId = options.sessionId;
    this.variables = options.variables ?? {};
    this.applyDefault = options.apply ?? 'live';
    this.follows = options.follows ?? (() => true);
    this.reporter = options.reporter;
    this.log = options.log ?? (() => {});
    this.now = options.now ?? Date.now;
    // ordering: resolve, render and subscribe with no await in between, so no change can fall in the gap.
    this.running = client.resolve(this.key, { sessionId: this.sessionId });
    // A version that needs a variable this call lacks throws here (MissingVariableError): the call should not start on it.
    this.text = this.running && client.renderResolved(this.running, this.variables);
    this.pinned = this.running?.rollout ? { rolloutId: this.running.rollout.id, variant: this.running.rollout.variant } : null;
    this.assigned = this.pinned;
    this.revision = client.status().revision;
    this.startedAt = this.now();
    this.metrics = new SessionMetricsCollector(this.session, this.startedAt, this.now, () => this.recordTurn());
    this.unsubscribe = onClientChange(client, this.onChange);
    this.session.on(voice.AgentSessionEventTypes.ConversationItemAdded, this.onItem);
    this.session.on(voice.AgentSessionEventTypes.Close, this.onClose);
    // Bound to a session that already runs: its agent takes the text now.
    if (this.currentAgent()) this.followHandoff();
  }

  /** The instructions this call runs on now (build the first agent with them); `undefined` when the key has no text at all. */
  get instructions(): string | undefined {
    return this.text;
  }

  /** The version of the key this call runs; `undefined` on a built-in default. */
  get version(): number | undefined {
    return this.running?.version;
  }

  /** The call's rollout variant of the key now; `null` when it is in none (never was, or the rollout ended). */
  get variant(): SessionVariant | null {
    return this.pinned;
  }

  /**
   * Renders another key for this call, once (a greeting, a closing line):
   * its rollout variant for this session, the call's variables, and its
   * version noted in the call's record. Throws a MissingVariableError like `render`.
   */
  read(key: string, variables: TemplateValues = this.variables): string | undefined {
    const prompt = this.client.resolve(key, { sessionId: this.sessionId });
    if (!prompt) return undefined;
    const text = this.client.renderResolved(prompt, variables);
    if (prompt.version !== undefined) this.reads.set(key, prompt.version);
    return text;
  }

  /** Sets a custom metric of this call (`resolved: 1`), reported with the built-in ones. */
  record(name: string, value: number): void {
    this.metrics.record(name, value);
  }

  /** Resolves when every change received so far has been handled. */
  idle(): Promise<void> {
    return this.queue;
  }

  /** The call as it stands: what `POST /api/sessions/report` carries for it. */
  toRecord(): SessionRecord {
    const prompts: Record<string, number> = Object.fromEntries(this.reads);
    if (this.running?.version !== undefined) prompts[this.key] = this.running.version;
    const metrics = this.metrics.snapshot();
    return {
      sessionId: this.sessionId,
      startedAt: new Date(this.startedAt).toISOString(),
      endedAt: this.metrics.ended ? new Date(this.startedAt + metrics.durationMs).toISOString() : null,
      label: this.client.status().label,
      prompts,
      ...(this.assigned ? { rollouts: { [this.key]: this.assigned } } : {}),
      receipts: [...this.receipts],
      turns: [...this.turns],
      metrics,
    };
  }

  /** Hands the call's record to the reporter now (it is also sent when the call ends). */
  report(): void {
    this.reporter?.submit(this.toRecord());
  }

  /**
   * Stops following: the session's `close` calls this with its reason. Waits
   * for the change being handled, then hands the final record to the reporter.
   */
  async close(reason = 'closed'): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.metrics.end(reason, this.now());
    this.unsubscribe();
    this.session.off(voice.AgentSessionEventTypes.ConversationItemAdded, this.onItem);
    this.session.off(voice.AgentSessionEventTypes.Close, this.onClose);
    await this.queue;
    const record = this.toRecord();
    this.reporter?.submit(record);
    this.emit('closed', record);
  }

  private async handle(change: PromptChange): Promise<void> {
    if (this.closed) return;
    if (change.key !== this.key) {
      // Other keys are read when a call starts: a running call is as current as it can be, unless it waits for its own key.
      if (!this.behind && change.revision !== null) this.revision = change.revision;
      return;
    }
    // A change among defaults (no server yet) is not a change any server sent; there is nothing to receipt.
    if (change.revision === null) return;
    const revision = change.revision;
    const target = this.target(change);
    if (!target) {
      return this.receipt(revision, this.running?.version ?? 0, 'failed', 'the key was deleted and has no default; the call keeps its instructions');
    }
    const version = target.prompt.version ?? 0;
    const scope = change.apply ?? this.applyDefault;
    if (scope === 'next-session') {
      this.behind = true;
      return this.receipt(revision, version, 'deferred');
    }
    let text: string;
    try {
      text = this.client.renderResolved(target.prompt, this.variables);
    } catch (error) {
      return this.receipt(revision, version, 'failed', (error as Error).message);
    }
    const agent = this.currentAgent();
    if (agent && this.follows(agent)) {
      const support = instructionSupport(agent, this.session);
      if (!support.live) {
        this.behind = true;
        return this.receipt(revision, version, 'unsupported', `${support.model} cannot take new instructions mid-session`);
      }
      try {
        await agent.updateInstructions(text);
      } catch (error) {
        return this.receipt(revision, version, 'failed', (error as Error).message);
      }
    }
    this.running = target.prompt;
    this.text = text;
    this.pinned = target.variant;
    this.assigned = target.variant ?? this.assigned;
    this.revision = revision;
    this.behind = false;
    // With another agent active the text waits for a hand-off back: the call does not run it yet.
    if (agent && !this.follows(agent)) return this.receipt(revision, version, 'deferred', `the active agent does not follow ${this.key}`);
    this.receipt(revision, version, 'applied');
  }

  /**
   * What the key is for this call after `change`: the candidate or the
   * baseline of the change's rollout. A call keeps the variant it was given
   * for as long as that rollout lasts (a raised percent moves no one back);
   * a rollout it has not met yet assigns it by the bucket; no rollout (ended,
   * aborted) means the label's own version. Built from the change itself, so
   * the receipt names the version this change offered.
   */
  private target(change: PromptChange): { prompt: ResolvedPrompt; variant: SessionVariant | null } | undefined {
    if (change.text === undefined) return undefined;
    const base = { key: this.key, revision: change.revision, source: change.source };
    const offer = change.rollout;
    if (!offer) return { prompt: { ...base, text: change.text, version: change.version, variables: change.variables, rollout: null }, variant: null };
    const kept = this.pinned?.rolloutId === offer.id ? this.pinned.variant : undefined;
    const variant = kept ?? (inCandidate(offer.id, this.sessionId, offer.percent) ? 'candidate' : 'baseline');
    const rollout = { id: offer.id, variant };
    const prompt: ResolvedPrompt =
      variant === 'candidate'
        ? { ...base, text: offer.candidate.text, version: offer.candidate.version, variables: offer.candidate.variables, rollout }
        : { ...base, text: change.text, version: change.version, variables: change.variables, rollout };
    return { prompt, variant: { rolloutId: offer.id, variant } };
  }

  private receipt(revision: number, version: number, outcome: ApplyOutcome, detail?: string): void {
    const receipt: ApplyReceipt = { revision, key: this.key, version, at: new Date(this.now()).toISOString(), outcome };
    if (detail !== undefined) receipt.detail = detail.slice(0, SESSION_LIMITS.detailLength);
    if (this.receipts.length < SESSION_LIMITS.receiptsPerSession) this.receipts.push(receipt);
    this.log(`prompt change ${outcome}`, { session: this.sessionId, key: this.key, revision, version, ...(detail ? { detail } : {}) });
    this.emit('receipt', receipt);
  }

  private recordTurn(): void {
    if (this.turns.length >= SESSION_LIMITS.turnsPerSession) return;
    const versions: Record<string, number> = Object.fromEntries(this.reads);
    if (this.running?.version !== undefined) versions[this.key] = this.running.version;
    this.turns.push({ at: new Date(this.now()).toISOString(), revision: this.revision, versions });
  }

  /** The session's current agent took over (or is there when bound): give it the key's text if it follows the key. */
  private followHandoff(): void {
    const agent = this.currentAgent();
    if (!agent) return;
    const followed = this.follows(agent);
    if (followed && this.text !== undefined && agent.instructions !== this.text) {
      // Before its activity starts this only stores the text, which the activity then starts on.
      agent.updateInstructions(this.text).catch((error: unknown) => {
        this.log('could not give the new agent its instructions', { session: this.sessionId, error: (error as Error).message });
      });
    }
    this.emit('handoff', { agent, followed });
  }

  private currentAgent(): voice.Agent | undefined {
    try {
      return this.session.currentAgent;
    } catch {
      // Not started yet: the first agent arrives with the session's start (a hand-off from none).
      return undefined;
    }
  }
}

/**
 * Binds a LiveKit call to a prompt key (docs/agent.md): the call starts on
 * the version meant for it (the label's, or its rollout variant), takes each
 * change as its apply scope says, follows hand-offs to whichever agent is
 * current, and keeps a receipt per change, a record per turn and the call's
 * metrics — reported through `reporter` when the call ends.
 *
 * @example
 * const prompts = livePrompts(client, { session, key: 'AGENT_INSTRUCTION', sessionId: ctx.room.name, reporter });
 * await session.start({ agent: new voice.Agent({ instructions: prompts.instructions ?? FALLBACK }), room: ctx.room });
 */
export function livePrompts(client: PromptClient, options: LivePromptsOptions): LivePrompts {
  return new LivePrompts(client, options);
}
