import { BadRequestException, Injectable, Logger, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import type { Scope } from '../auth/scopes.js';
import { AppConfig } from '../config/app-config.js';
import { checkPrompt, hasErrors, type CheckReport } from '../protocol/checks.js';
import { DEFAULT_LABEL, type LabelList } from '../protocol/labels.js';
import type { SavedPrompt } from '../protocol/prompts.js';
import type { ApplyScope } from '../protocol/rollouts.js';
import type { Variables } from '../protocol/template.js';
import { textFault } from '../protocol/text.js';
import { ChangeSignal } from '../store/change-signal.js';
import { labelView } from '../store/label-view.js';
import {
  AuditEntry,
  AuditQuery,
  ChangeRecord,
  DeletedPrompt,
  KeyLabels,
  LabelPolicy,
  PromptRecord,
  PromptStore,
  Snapshot,
  VersionList,
  VersionRecord,
  WriteOutcome,
} from '../store/prompt-store.js';
import { unservedPrompt } from './unserved-prompt.js';
import { refusalError, type RefusedWrite } from './write-refusal.js';

export interface Actor {
  author: string;
  /** The client's address, for the audit trail; null or absent when not over HTTP. */
  address?: string | null;
  /** What the caller may do; `publish` lets it move protected labels. */
  scopes: readonly Scope[];
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  next: number | null;
}

/**
 * `force: true` with a reason publishes a version whose checks found errors (a caller allowed to publish only);
 * `apply` says how running calls take the change (kept in the audit row, carried on its event).
 */
export interface ForceInput {
  force?: boolean;
  reason?: string;
  apply?: ApplyScope;
}

export interface TextInput extends ForceInput {
  text: string;
  message?: string;
  /** The labels to point at the new version; defaults to production, `[]` saves a draft. */
  labels?: string[];
  /** The `{{name}}` placeholders it declares (already parsed by protocol/variables.ts). */
  variables?: Variables;
}

export interface LabelMoveInput extends ForceInput {
  version: number;
  message?: string;
}

/** What `POST /api/prompts/:key/check` looks at: a text not saved yet, compared with what `label` serves now. */
export interface CheckInput {
  text: string;
  variables?: Variables;
  label?: string;
}

/** A label's move answer: where the key's labels point now, and what the checks find in the version moved to. */
export type MovedLabel = LabelList & { checks: CheckReport };

/** The prompt rules: existence, conflicts, size, labels and who may move which. The store only stores. */
@Injectable()
export class PromptsService {
  private readonly logger = new Logger('Prompts');

  constructor(
    private readonly store: PromptStore,
    private readonly config: AppConfig,
    private readonly signal: ChangeSignal,
  ) {}

  revision(): Promise<number> {
    return this.store.revision();
  }

  /** `label`'s view of every key (of `keys` only, when given), with the revision of its last change. */
  async view(label: string = DEFAULT_LABEL, keys?: ReadonlySet<string>): Promise<Snapshot> {
    return labelView(await this.store.labelSnapshot(label), keys);
  }

  /** The revision of the last change to `label`'s view: its ETag. */
  viewRevision(label: string = DEFAULT_LABEL, keys?: ReadonlySet<string>): Promise<number> {
    return this.store.viewRevision(label, keys);
  }

  /** The revision of the last change to every label's view, by label (a label never used is absent: 0). */
  labelRevisions(): Promise<Record<string, number>> {
    return this.store.labelRevisions();
  }

  /** Deleted keys, whose history stays readable and which a rollback restores. */
  deleted(): Promise<DeletedPrompt[]> {
    return this.store.listDeleted();
  }

  /** Every key with its newest version and where its labels point. */
  labelIndex(): Promise<KeyLabels[]> {
    return this.store.labelIndex();
  }

  /** The version `label` points at; a 404 that says what the key has instead (one more query, only on a miss). */
  async get(key: string, label: string = DEFAULT_LABEL): Promise<PromptRecord> {
    const found = await this.store.get(key, label);
    if (found) return found;
    const [state] = await this.store.labelIndex(key);
    throw unservedPrompt(key, label, state);
  }

  async labels(key: string): Promise<LabelList> {
    return { key, labels: (await this.store.listLabels(key)) ?? notFound(key) };
  }

  async create(key: string, input: TextInput, actor: Actor): Promise<SavedPrompt> {
    const save = await this.prepareSave(key, input, actor);
    const outcome = await this.store.create(save);
    return { ...((await this.settle(outcome, { key, checks: save.checks })) ?? notFound(key)), checks: save.checks };
  }

  async update(key: string, input: TextInput, actor: Actor, ifVersion?: number): Promise<SavedPrompt> {
    const save = await this.prepareSave(key, input, actor);
    const outcome = await this.store.update({ ...save, ifVersion });
    return { ...((await this.settle(outcome, { key, checks: save.checks })) ?? notFound(key)), checks: save.checks };
  }

  async remove(key: string, actor: Actor, ifVersion?: number): Promise<void> {
    await this.settle(await this.store.remove({ key, ...this.origin(actor), ifVersion }), { key });
  }

  /**
   * Runs the checks on a text that is not saved, against what `label` (production by default) of `key` serves now;
   * with no key (a prompt not created yet) there is nothing to compare its size with.
   */
  async check(key: string | undefined, input: CheckInput): Promise<CheckReport> {
    const previous = key === undefined ? undefined : await this.store.get(key, input.label ?? DEFAULT_LABEL);
    return this.runChecks(input.text, input.variables ?? {}, previous?.text);
  }

  /** Points `label` at an existing version; on a deleted prompt this restores it. */
  async moveLabel(key: string, label: string, input: LabelMoveInput, actor: Actor, ifVersion?: number): Promise<MovedLabel> {
    checkMessage(input.message);
    const { version } = input;
    const checks = await this.versionChecks(key, version, label);
    const move = { key, label, version, kind: 'label' as const, message: input.message ?? null, ifVersion, hasErrors: hasErrors(checks) };
    await this.settle(await this.store.moveLabel({ ...move, ...this.origin(actor, input) }), { key, label, version, checks });
    return { ...(await this.labels(key)), checks };
  }

  async removeLabel(key: string, label: string, actor: Actor, ifVersion?: number, message?: string): Promise<void> {
    checkMessage(message);
    const outcome = await this.store.removeLabel({ key, label, message: message ?? null, ifVersion, ...this.origin(actor) });
    await this.settle(outcome, { key, label });
  }

  /** The legacy rollback: production points at `toVersion` again (no new version); restores a deleted prompt. */
  async rollback(key: string, toVersion: number, actor: Actor, options: ForceInput & { message?: string } = {}): Promise<SavedPrompt> {
    checkMessage(options.message);
    const checks = await this.versionChecks(key, toVersion, DEFAULT_LABEL);
    const message = options.message ?? `Rollback to version ${toVersion}`;
    const move = { key, label: DEFAULT_LABEL, version: toVersion, kind: 'rollback' as const, message, hasErrors: hasErrors(checks) };
    const prompt = await this.settle(await this.store.moveLabel({ ...move, ...this.origin(actor, options) }), { key, version: toVersion, checks });
    return { ...(prompt ?? notFound(key)), checks };
  }

  async versions(key: string, limit: number, before?: number): Promise<VersionList> {
    return (await this.store.listVersions(key, { limit, before })) ?? notFound(key);
  }

  /** Every change across prompts, newest first (the audit trail), one page. */
  async audit(query: AuditQuery): Promise<AuditPage> {
    const entries = await this.store.listAudit(query);
    return { entries, next: entries.length === query.limit ? entries[entries.length - 1].revision : null };
  }

  async version(key: string, n: number): Promise<VersionRecord> {
    const found = await this.store.getVersion(key, n);
    if (!found) throw new NotFoundException(`prompt "${key}" has no version ${n}`);
    return found;
  }

  /** Throws the refusal as an HTTP error, or announces the change (if any) and returns the version it is about. */
  private async settle(outcome: WriteOutcome, write: RefusedWrite): Promise<PromptRecord | null> {
    if (!outcome.ok) throw refusalError(outcome, write);
    if (outcome.change) this.announce(outcome.change);
    return outcome.prompt;
  }

  /** Tells every listener of a committed change (the rollout steps come through here too). */
  announce(change: ChangeRecord): void {
    // ordering: the store has committed before anyone hears of the change.
    this.signal.announce(change);
    const { kind, key, version, revision, author, moves } = change;
    const labels = moves.map((m) => `${m.label}→${m.to ?? 'none'}`).join(' ') || 'draft';
    const step = change.rollout ? ` rollout ${change.rollout.id} ${change.rollout.step}` : '';
    this.logger.log(`${kind}${step} ${key} v${version} ${labels} (revision ${revision}) by ${author}`);
  }

  /** Who writes, from where, what they may move (label policy, force), and the apply scope they gave. */
  origin(actor: Actor, force: ForceInput = {}): { author: string; address: string | null; policy: LabelPolicy; apply?: ApplyScope } {
    const policy = { protectedLabels: this.config.auth.protectedLabels, mayPublish: actor.scopes.includes('publish'), force: forceReason(force) };
    return { author: actor.author, address: actor.address ?? null, policy, ...(force.apply ? { apply: force.apply } : {}) };
  }

  /** A save as the store takes it: the text checked for size, its checks run against what its first label serves now. */
  private async prepareSave(key: string, input: TextInput, actor: Actor) {
    this.checkText(input.text);
    checkMessage(input.message);
    const { message, labels } = saved(input);
    const variables = input.variables ?? {};
    const previous = await this.store.get(key, labels[0] ?? DEFAULT_LABEL);
    const checks = this.runChecks(input.text, variables, previous?.text);
    return { key, text: input.text, variables, checks, message, labels, ...this.origin(actor, input) };
  }

  /**
   * The checks of a stored version, run again with today's rules (versions
   * never change, so reading it before the write's transaction is safe);
   * an empty report when there is no such version (the store refuses the move).
   */
  async versionChecks(key: string, version: number, label: string): Promise<CheckReport> {
    const target = await this.store.getVersion(key, version);
    if (!target) return { checks: [], tokens: { estimate: 0, previous: null, change: null } };
    const current = await this.store.get(key, label);
    return this.runChecks(target.text, target.variables, current && current.version !== version ? current.text : undefined);
  }

  private runChecks(text: string, variables: Variables, previous: string | undefined): CheckReport {
    return checkPrompt({ text, variables, previous: previous ?? null, maxBytes: this.config.limits.promptMaxBytes });
  }

  private checkText(text: string): void {
    if (text.trim() === '') throw new BadRequestException('text must not be blank');
    checkField('text', text);
    const bytes = Buffer.byteLength(text, 'utf8');
    const max = this.config.limits.promptMaxBytes;
    if (bytes > max) throw new PayloadTooLargeException(`text is ${bytes} bytes; the limit is ${max} bytes (PROMPT_MAX_BYTES)`);
  }
}

/** A save's message and labels: production unless the caller named others, none for a draft. */
function saved(input: TextInput): { message: string | null; labels: string[] } {
  return { message: input.message ?? null, labels: [...new Set(input.labels ?? [DEFAULT_LABEL])] };
}

/** The reason to record when `force` is set; a force without one is refused, so the audit trail always says why. */
function forceReason(input: ForceInput): string | undefined {
  if (input.force !== true) return undefined;
  const reason = input.reason?.trim();
  if (!reason) throw new BadRequestException('reason is required with force: true: say why the checks may be overridden (kept in the audit trail)');
  checkField('reason', reason);
  return reason;
}

function checkMessage(message: string | undefined): void {
  if (message !== undefined) checkField('message', message);
}

/**
 * Every request body already passed this rule (`TextFieldsPipe`); the service applies it again
 * because not every write comes over HTTP (the seed), and what may be stored is its rule.
 */
function checkField(field: string, value: string): void {
  const fault = textFault(value);
  if (fault) throw new BadRequestException(`${field} ${fault}`);
}

function notFound(key: string): never {
  throw new NotFoundException(`prompt "${key}" not found`);
}
