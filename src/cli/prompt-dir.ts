import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { formatPromptFile, parsePromptFile, type PromptFile } from './prompt-file.js';
import { UsageError } from './server-api.js';

/** A prompt file of a directory, parsed, with where it lives. */
export interface LocalPrompt {
  path: string;
  file: PromptFile;
}

/** Every `*.md` file of `dir`, in name order; a file that cannot be parsed stops the command, naming it. */
export async function readPromptDir(dir: string): Promise<LocalPrompt[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.md')).sort();
  } catch (err) {
    throw new UsageError(`cannot read the directory ${dir}: ${(err as Error).message}`);
  }
  const prompts: LocalPrompt[] = [];
  for (const name of names) {
    const path = join(dir, name);
    // Bytes to UTF-16 and back is exact for UTF-8 text, which is all a prompt can be.
    const parsed = parsePromptFile(await readFile(path, 'utf8'), basename(name, '.md'));
    if ('problem' in parsed) throw new UsageError(`${path}: ${parsed.problem}`);
    prompts.push({ path, file: parsed });
  }
  return prompts;
}

/** Writes `KEY.md` atomically (a temporary file renamed over it), so a crash never leaves half a prompt. */
export async function writePromptFile(dir: string, file: PromptFile): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${file.key}.md`);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, formatPromptFile(file), 'utf8');
  await rename(temporary, path);
  return path;
}
