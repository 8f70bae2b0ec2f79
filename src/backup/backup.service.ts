import { BadRequestException, ConflictException, Injectable, Logger, PayloadTooLargeException } from '@nestjs/common';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { jsonDepthProblem } from '../common/json-depth.js';
import { AppConfig, bodyLimitBytes } from '../config/app-config.js';
import { parseBackupRecord, type BackupMeta, type BackupRecord, type BackupRow } from '../protocol/backup.js';
import { batchOf, EXPORT_PAGE, type BackupBatch, type ImportMode } from '../store/backup-plan.js';
import { ChangeSignal } from '../store/change-signal.js';
import { PromptStore } from '../store/prompt-store.js';
import { ndjsonLines, type NumberedLine } from './ndjson-lines.js';

/** What an import wrote. */
export interface ImportSummary {
  /** The store's revision high-water mark after the import. */
  revision: number;
  keys: number;
  versions: number;
  labels: number;
  audit: number;
  rollouts: number;
}

/**
 * Whole-store export and import (docs/cli.md#export-and-import): the backup
 * and the way from SQLite to PostgreSQL. Export streams one snapshot in
 * pages; import checks the whole file before one transaction writes it.
 */
@Injectable()
export class BackupService {
  private readonly logger = new Logger('Backup');

  constructor(
    private readonly store: PromptStore,
    private readonly signal: ChangeSignal,
    private readonly config: AppConfig,
  ) {}

  /** Writes every record as a line, then `end`; stops reading (and releases the snapshot) when `out` closes. */
  async exportTo(out: Writable): Promise<void> {
    let records = -1;
    for await (const page of this.store.exportRecords(EXPORT_PAGE)) {
      if (out.destroyed) return;
      records += page.length;
      // ordering: wait for the client to drain a page before reading the next, so memory stays one page.
      if (!out.write(page.map((r) => `${JSON.stringify(r)}\n`).join(''))) await Promise.race([once(out, 'drain'), once(out, 'close')]);
    }
    out.end(`${JSON.stringify({ type: 'end', records })}\n`);
  }

  async importFrom(body: AsyncIterable<Buffer>, mode: ImportMode): Promise<ImportSummary> {
    const batch = await this.read(body);
    const outcome = await this.store.importBatch(batch, mode);
    if (!outcome.ok) {
      if (outcome.reason === 'not-empty')
        throw new ConflictException(`${outcome.message}: import into an empty store, or pass merge=true to add keys it never had`);
      if (outcome.reason === 'rollouts-exist')
        throw new ConflictException(`merge refused: the store already has rollouts with the ids ${outcome.ids.slice(0, 5).join(', ')}`);
      throw new ConflictException(
        `merge refused: the store already has ${outcome.keys.slice(0, 5).join(', ')}${outcome.keys.length > 5 ? ` and ${outcome.keys.length - 5} more` : ''}`,
      );
    }
    const { ok: _, lastChange, ...summary } = outcome;
    // ordering: announced after the commit, as a write is: the feed reads the imported changes from the log.
    if (lastChange !== null) {
      const [change] = await this.store.changesAfter(lastChange - 1, 1);
      if (change) this.signal.announce(change);
    }
    this.logger.log(`imported ${summary.keys} keys, ${summary.versions} versions, ${summary.audit} changes (${mode}); revision ${summary.revision}`);
    return summary;
  }

  /** Every line parsed and checked: `meta` first, `end` last with the right count, the rows consistent. */
  private async read(body: AsyncIterable<Buffer>): Promise<BackupBatch> {
    const { limits } = this.config;
    const lines = ndjsonLines(body, { maxBytes: limits.importMaxBytes, maxLineBytes: bodyLimitBytes(limits), maxLines: limits.importMaxRecords });
    let meta: BackupMeta | undefined;
    let end: number | undefined;
    const rows: BackupRow[] = [];
    for await (const line of lines) {
      const record = this.parse(line);
      if (end !== undefined) throw new BadRequestException(`line ${line.number}: nothing may follow the end record`);
      if (meta === undefined && record.type !== 'meta') throw new BadRequestException(`line ${line.number}: the file must begin with a meta record`);
      if (record.type === 'meta') {
        if (meta !== undefined) throw new BadRequestException(`line ${line.number}: a second meta record`);
        meta = record;
      } else if (record.type === 'end') {
        if (record.records !== rows.length)
          throw new BadRequestException(`line ${line.number}: end says ${record.records} records, the file has ${rows.length}`);
        end = record.records;
      } else rows.push(record);
    }
    if (meta === undefined || end === undefined) throw new BadRequestException('the file ends before its end record: it was cut off');
    const batch = batchOf(meta, rows);
    if ('problem' in batch) throw new BadRequestException(batch.problem);
    return batch;
  }

  private parse(line: NumberedLine): BackupRecord {
    let value: unknown;
    try {
      value = JSON.parse(line.text);
    } catch {
      throw new BadRequestException(`line ${line.number} is not JSON`);
    }
    const deep = jsonDepthProblem(value);
    if (deep) throw new BadRequestException(`line ${line.number}: ${deep.message}`);
    const parsed = parseBackupRecord(value);
    if ('problem' in parsed) throw new BadRequestException(`line ${line.number}: ${parsed.problem}`);
    const record = parsed.record;
    if (record.type === 'version' && Buffer.byteLength(record.text) > this.config.limits.promptMaxBytes) {
      throw new PayloadTooLargeException(`line ${line.number}: the text is over PROMPT_MAX_BYTES (${this.config.limits.promptMaxBytes} bytes)`);
    }
    return record;
  }
}
