import {
  BadRequestException,
  ConflictException,
  Injectable,
  Logger,
  NotFoundException,
  PayloadTooLargeException,
  PreconditionFailedException,
} from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { textFault } from '../protocol/text.js';
import { ChangeSignal } from '../store/change-signal.js';
import {
  AuditEntry,
  AuditQuery,
  DeletedPrompt,
  PromptRecord,
  PromptStore,
  Snapshot,
  VersionList,
  VersionRecord,
  WriteOutcome,
} from '../store/prompt-store.js';

export interface Actor {
  author: string;
  /** The client's address, for the audit trail; null or absent when not over HTTP. */
  address?: string | null;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  next: number | null;
}

export interface TextInput {
  text: string;
  message?: string;
}

/** The prompt rules: existence, conflicts, size. The store only stores. */
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

  snapshot(): Promise<Snapshot> {
    return this.store.snapshot();
  }

  /** Deleted keys, whose history stays readable and which a rollback restores. */
  deleted(): Promise<DeletedPrompt[]> {
    return this.store.listDeleted();
  }

  async get(key: string): Promise<PromptRecord> {
    return (await this.store.get(key)) ?? notFound(key);
  }

  async create(key: string, input: TextInput, actor: Actor): Promise<PromptRecord> {
    this.checkText(input.text);
    checkMessage(input.message);
    const outcome = await this.store.create({ key, text: input.text, ...origin(actor), message: input.message ?? null });
    return this.settle(key, outcome);
  }

  async update(key: string, input: TextInput, actor: Actor, ifVersion?: number): Promise<PromptRecord> {
    this.checkText(input.text);
    checkMessage(input.message);
    const outcome = await this.store.update({
      key,
      text: input.text,
      ...origin(actor),
      message: input.message ?? null,
      ifVersion,
    });
    return this.settle(key, outcome);
  }

  async remove(key: string, actor: Actor, ifVersion?: number): Promise<void> {
    await this.settle(key, await this.store.remove({ key, ...origin(actor), ifVersion }));
  }

  async rollback(key: string, toVersion: number, actor: Actor, message?: string): Promise<PromptRecord> {
    checkMessage(message);
    const outcome = await this.store.rollback({
      key,
      toVersion,
      ...origin(actor),
      message: message ?? `Rollback to version ${toVersion}`,
    });
    return this.settle(key, outcome, toVersion);
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

  private async settle(key: string, outcome: WriteOutcome, toVersion?: number): Promise<PromptRecord> {
    if (!outcome.ok) {
      switch (outcome.reason) {
        case 'exists':
          throw new ConflictException(`prompt "${key}" already exists (version ${outcome.currentVersion}); use PUT to change it`);
        case 'not_found':
          return notFound(key);
        case 'stale':
          throw new PreconditionFailedException(`prompt "${key}" is at version ${outcome.currentVersion}; your If-Match is stale`);
        case 'version_not_found':
          throw new NotFoundException(`prompt "${key}" has no version ${toVersion}`);
      }
    }
    // ordering: the store has committed before anyone hears of the change.
    this.signal.announce(outcome.change);
    const { kind, version, revision, author } = outcome.change;
    this.logger.log(`${kind} ${key} v${version} (revision ${revision}) by ${author}`);
    return outcome.prompt as PromptRecord;
  }

  private checkText(text: string): void {
    if (text.trim() === '') throw new BadRequestException('text must not be blank');
    checkField('text', text);
    const bytes = Buffer.byteLength(text, 'utf8');
    const max = this.config.limits.promptMaxBytes;
    if (bytes > max) throw new PayloadTooLargeException(`text is ${bytes} bytes; the limit is ${max} bytes (PROMPT_MAX_BYTES)`);
  }
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

function origin(actor: Actor): { author: string; address: string | null } {
  return { author: actor.author, address: actor.address ?? null };
}

function notFound(key: string): never {
  throw new NotFoundException(`prompt "${key}" not found`);
}
