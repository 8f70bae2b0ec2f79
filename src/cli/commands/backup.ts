import { createReadStream, createWriteStream } from 'node:fs';
import { rename, stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { BACKUP_CONTENT_TYPE } from '../../protocol/backup.js';
import type { CommandContext } from './context.js';

/** Progress is noted every this many bytes. */
const PROGRESS_BYTES = 4 * 1024 * 1024;

/** `export FILE`: the whole store as JSON lines (GET /api/admin/export), written to FILE.tmp and renamed when complete. */
export async function exportStore(ctx: CommandContext, file: string): Promise<number> {
  const res = await ctx.api.send('GET', '/api/admin/export');
  if (!res.body) throw new Error('the server sent no body');
  const lines: { count: number; lastLine?: string } = { count: 0 };
  const temporary = `${file}.tmp`;
  await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), progress(ctx, 'exported', lines), createWriteStream(temporary));
  const last = lines.lastLine;
  // The end record comes last: without it the transfer was cut off, and the file would not import anyway.
  if (!last?.startsWith('{"type":"end"')) throw new Error(`the export was cut off after ${lines.count} lines; ${temporary} is incomplete`);
  await rename(temporary, file);
  const records = (JSON.parse(last) as { records: number }).records;
  ctx.out.line(`exported ${records} records to ${file}`);
  ctx.out.result({ file, records });
  return 0;
}

/** `import FILE [--merge]`: streams FILE to POST /api/admin/import; the server checks all of it, then writes it in one transaction. */
export async function importStore(ctx: CommandContext, file: string, merge: boolean): Promise<number> {
  const size = (await stat(file)).size;
  const counter = { count: 0 };
  const body = createReadStream(file).pipe(progress(ctx, `sent (of ${size} bytes)`, counter));
  const summary = await ctx.api.json<Record<string, number>>('POST', `/api/admin/import${merge ? '?merge=true' : ''}`, {
    raw: { stream: Readable.toWeb(body) as ReadableStream<Uint8Array>, type: BACKUP_CONTENT_TYPE },
  });
  ctx.out.line(
    `imported ${summary.keys} keys, ${summary.versions} versions, ${summary.labels} labels, ${summary.audit} audit entries; revision ${summary.revision}`,
  );
  ctx.out.result(summary);
  return 0;
}

/** Counts bytes and lines going through, notes progress on stderr, and keeps the last line (the end record). */
function progress(ctx: CommandContext, verb: string, state: { count: number; lastLine?: string }): Transform {
  let bytes = 0;
  let noted = 0;
  let tail = '';
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      const text = tail + chunk.toString('latin1');
      const parts = text.split('\n');
      state.count += parts.length - 1;
      // Only the end of the stream matters; keep at most the last line in progress (latin1 keeps byte lengths).
      tail = parts.at(-1) ?? '';
      if (parts.length > 1) state.lastLine = parts.at(-2);
      if (tail.length > 0) state.lastLine = undefined;
      if (bytes - noted >= PROGRESS_BYTES) {
        noted = bytes;
        ctx.out.note(`${verb}: ${bytes} bytes, ${state.count} lines`);
      }
      done(null, chunk);
    },
  });
}
