import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DEFAULT_LABEL } from '../protocol/labels.js';
import { PromptClientError } from './errors.js';
import { parsePromptList } from './events.js';
import type { HeldState } from './state.js';

const FORMAT = 1;

/**
 * Reads the last-known-good file. `undefined` when there is none; a corrupt
 * or foreign file, or one kept for another label, is an error (the caller
 * logs it and falls back to defaults). A file without a label predates labels
 * and holds production.
 */
export async function readCache(file: string, label: string): Promise<HeldState | undefined> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PromptClientError('CACHE_READ_FAILED', `cannot read the prompt cache ${file}: ${(err as Error).message}`, undefined, { cause: err });
  }
  try {
    const body = JSON.parse(raw) as { format?: unknown; label?: unknown };
    if (body.format !== FORMAT) throw new Error(`unknown format ${String(body.format)}`);
    const kept = typeof body.label === 'string' ? body.label : DEFAULT_LABEL;
    if (kept !== label) throw new Error(`it holds label "${kept}", not "${label}"`);
    const snapshot = parsePromptList(body);
    return { source: 'cache', revision: snapshot.revision, prompts: snapshot.prompts };
  } catch (err) {
    throw new PromptClientError('CACHE_READ_FAILED', `the prompt cache ${file} is not usable (${(err as Error).message}); ignoring it`, undefined, {
      cause: err,
    });
  }
}

/**
 * Writes a state atomically: a temp file in the same folder, then a rename
 * over the old one, so a crash mid-write never leaves a half file behind.
 */
export async function writeCache(file: string, label: string, state: HeldState, savedAt: Date): Promise<void> {
  const body = {
    format: FORMAT,
    label,
    revision: state.revision,
    savedAt: savedAt.toISOString(),
    prompts: Object.entries(state.prompts).map(([key, entry]) => ({ key, ...entry })),
  };
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(temp, `${JSON.stringify(body, null, 2)}\n`, 'utf8');
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw new PromptClientError('CACHE_WRITE_FAILED', `cannot write the prompt cache ${file}: ${(err as Error).message}`, undefined, { cause: err });
  }
}
