import { EventEmitter } from 'node:events';
import { keyList } from '../protocol/prompts.js';
import { readCache, writeCache } from './cache.js';
import { TimerSlots } from './clock.js';
import { renderTemplate } from '../protocol/template.js';
import { MissingVariableError, PromptClientError } from './errors.js';
import type { StreamEvent } from './events.js';
import { Link } from './link.js';
import { resolveOptions, type ResolvedOptions } from './options.js';
import { applyEvent, defaultsState, diffStates, offerOf, resolvePrompt, visibleKeys, type HeldState, type StateScope } from './state.js';
import type { RolloutOffer } from '../protocol/rollouts.js';
import type {
  ClientStatus,
  LogLevel,
  PromptClientEvents,
  PromptClientOptions,
  ReadyState,
  RenderOptions,
  ResolvedPrompt,
  SessionOptions,
  TemplateValues,
} from './types.js';

/**
 * Live prompts for an agent: one SSE stream to the Promptcast server, resumed
 * by revision after every drop, polling while the stream is down, a
 * last-known-good file on disk and built-in defaults as the last resort.
 *
 * Events: `change` (one per key whose text or variables changed after the
 * first state), `mode` (streaming/polling/offline transitions), `warning`
 * (a lenient `render` filled a missing variable with "") and `error`.
 * Without an `error` listener errors go to the `debug` hook only; they never throw.
 *
 * @example
 * const client = new PromptClient({ url, token, keys: ['AGENT_INSTRUCTION'], defaults });
 * await client.ready();
 * client.on('change', ({ key, text }) => agent.updateInstructions(text));
 */
export class PromptClient extends EventEmitter<PromptClientEvents> {
  private readonly options: ResolvedOptions;
  private readonly scope: StateScope;
  private readonly link: Link;
  private readonly timers: TimerSlots<'ready'>;
  private readonly cached: Promise<HeldState | undefined>;
  private readonly readyPromise: Promise<ReadyState>;
  private resolveReady!: (state: ReadyState) => void;
  private rejectReady!: (error: Error) => void;
  private held: HeldState | undefined;
  private settled = false;
  private fallingBack = false;
  private stoppedBy: Error | null = null;
  private closing: Promise<void> | undefined;
  private cacheNext: HeldState | undefined;
  private cacheWriting: Promise<void> | undefined;

  /** Starts connecting at once; see {@link PromptClientOptions} for every default. */
  constructor(options: PromptClientOptions) {
    super();
    this.options = resolveOptions(options);
    this.scope = { keys: options.keys ? new Set(options.keys) : undefined, defaults: this.options.defaults };
    this.readyPromise = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // A caller that never awaits ready() must not get an unhandled rejection.
    this.readyPromise.catch(() => {});
    this.cached = this.loadCache();
    this.timers = new TimerSlots(this.options.clock);
    this.timers.set('ready', this.options.readyTimeoutMs, () => this.fallBack(`no answer within ${this.options.readyTimeoutMs} ms`));
    this.link = new Link(this.options, {
      resumeFrom: () => (this.held?.source === 'server' ? this.held.revision : null),
      event: (event) => this.apply(event),
      polled: (snapshot) => this.apply(snapshot),
      mode: (mode, previous) => this.emit('mode', { mode, previous }),
      problem: (error) => this.report(error),
      unreachable: () => this.fallBack('the server cannot be reached'),
      stopped: (error) => {
        this.stoppedBy = error;
        this.report(error);
        this.fallBack('the server refused the token');
      },
      log: (message, level) => this.log(message, level),
    });
    this.link.start();
  }

  /**
   * Resolves with the first state the client holds: from the server, or, when
   * the server cannot be reached (or does not answer within `readyTimeoutMs`,
   * default `5000` ms), from the cache file, else from `defaults`. Rejects
   * with a {@link PromptClientAuthError} when the server refuses the token
   * (`get()` still answers from cache or defaults), or when closed first.
   */
  ready(): Promise<ReadyState> {
    return this.readyPromise;
  }

  /**
   * The current text of `key`: the server's (or cached) text, else its
   * default, else `undefined`. With a `sessionId`, a key in an active rollout
   * answers that session's variant (docs/rollouts.md); without one, the baseline.
   */
  get(key: string, options: SessionOptions = {}): string | undefined {
    return this.resolve(key, options)?.text;
  }

  /**
   * Everything about `key` for one session: text, version, variables and its
   * rollout variant (see `get`). `undefined` when the key has no text at all.
   */
  resolve(key: string, options: SessionOptions = {}): ResolvedPrompt | undefined {
    return resolvePrompt(this.held, key, this.scope, options.sessionId);
  }

  /** The active rollout of `key` the client holds (candidate, percent, id); `null` when none. */
  rollout(key: string): RolloutOffer | null {
    return offerOf(this.held, key);
  }

  /**
   * The text of `key` with its `{{name}}` placeholders filled: from `vars`,
   * then from the defaults the version declares. A required variable (no
   * default) missing from `vars` throws a {@link MissingVariableError} naming
   * it; with `{strict: false}` it becomes "" and a `warning` event says so.
   * `undefined` when the key has no text at all, like `get`.
   */
  render(key: string, vars: TemplateValues = {}, options: RenderOptions = {}): string | undefined {
    const prompt = this.resolve(key, options);
    return prompt === undefined ? undefined : this.renderResolved(prompt, vars, options);
  }

  /** Renders a prompt `resolve` answered (a session's pinned variant), by the same rules as `render`. */
  renderResolved(prompt: ResolvedPrompt, vars: TemplateValues = {}, options: RenderOptions = {}): string {
    const { key, text, variables } = prompt;
    const rendered = renderTemplate({ text, variables, values: vars });
    if (rendered.missing.length === 0) return rendered.text;
    const error = new MissingVariableError(key, rendered.missing);
    if (options.strict ?? true) throw error;
    this.log(`${error.message}; rendered them as ""`, 'warn');
    this.emit('warning', { code: 'MISSING_VARIABLE', key, variables: rendered.missing, message: error.message });
    return rendered.text;
  }

  /** Every key with a text, defaults included, and that text (the baselines). */
  all(): Record<string, string> {
    return Object.fromEntries(visibleKeys(this.held, this.scope).map((key) => [key, this.get(key) as string]));
  }

  status(): ClientStatus {
    const lastEventAt = this.link.lastHeardAt;
    return {
      mode: this.link.mode,
      label: this.options.label,
      keys: keyList(this.options.keys) ?? null,
      revision: this.held?.revision ?? null,
      source: this.held?.source ?? 'defaults',
      lastEventAt,
      staleForMs: lastEventAt === null ? null : Math.max(0, this.options.clock.now() - lastEventAt),
      stoppedBy: this.stoppedBy,
    };
  }

  /**
   * Closes the stream, stops polling, cancels every timer and waits for the
   * last cache write. Idempotent. Nothing is scheduled afterwards.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.link.close();
    this.timers.shutdown();
    if (!this.settled) this.settle(new PromptClientError('CLOSED', 'the client was closed before it was ready'));
    await this.cached;
    await this.cacheWriting;
  }

  private apply(event: StreamEvent): void {
    if (this.closing) return;
    const next = applyEvent(this.held, event, this.scope);
    if (!next) return;
    const before = this.held;
    this.held = next;
    if (!this.settled) this.settle();
    else for (const change of diffStates(before, next, this.scope, event)) this.emit('change', change);
    if (next.prompts !== before?.prompts) this.saveCache(next);
  }

  private fallBack(reason: string): void {
    if (this.settled || this.fallingBack) return;
    this.fallingBack = true;
    void this.cached.then((cached) => {
      if (this.settled) return;
      this.held = cached ?? defaultsState();
      const where = cached
        ? `the last-known-good cache ${this.options.cacheFile} (revision ${cached.revision})`
        : `built-in defaults (${Object.keys(this.options.defaults).length} keys)`;
      this.log(`starting from ${where}: ${reason} (${this.options.url})`, 'warn');
      this.settle();
    });
  }

  private settle(closedEarly?: Error): void {
    this.settled = true;
    this.timers.clear('ready');
    const error = closedEarly ?? this.stoppedBy;
    if (error) this.rejectReady(error);
    else this.resolveReady({ source: this.held?.source ?? 'defaults', revision: this.held?.revision ?? null, prompts: this.all() });
  }

  private async loadCache(): Promise<HeldState | undefined> {
    if (!this.options.cacheFile) return undefined;
    try {
      return await readCache(this.options.cacheFile, this.options.label);
    } catch (err) {
      this.report(err as Error);
      return undefined;
    }
  }

  private saveCache(state: HeldState): void {
    const file = this.options.cacheFile;
    if (!file || state.source !== 'server') return;
    this.cacheNext = state;
    this.cacheWriting ??= (async () => {
      // Writes coalesce: a burst of changes costs one write per finished write, and the last state always lands.
      for (let next = this.cacheNext; next; next = this.cacheNext) {
        this.cacheNext = undefined;
        await writeCache(file, this.options.label, next, new Date(this.options.clock.now())).catch((err: unknown) => this.report(err as Error));
      }
      this.cacheWriting = undefined;
    })();
  }

  private report(error: Error): void {
    this.log(error.message, 'error');
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  private log(message: string, level: LogLevel): void {
    this.options.debug(`promptcast-client: ${message}`, level);
  }
}
