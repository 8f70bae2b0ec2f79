import { createTwoFilesPatch } from 'diff';
import type { Output } from '../output.js';
import { sameVariables } from '../prompt-file.js';
import { readPromptDir } from '../prompt-dir.js';
import { compare, type Comparison } from './compare.js';
import type { CommandContext } from './context.js';

/** `diff [dir]`: per key, what a push would change (unified diff); exits 1 when anything differs or would conflict. */
export async function diff(ctx: CommandContext, dir: string): Promise<number> {
  const results: { key: string; path: string; changed: boolean; conflict: string | null; diff: string }[] = [];
  for (const local of await readPromptDir(dir)) {
    const c = await compare(ctx.api, local);
    const patch = c.changed ? patchOf(c) : '';
    results.push({ key: local.file.key, path: local.path, changed: c.changed, conflict: c.conflict, diff: patch });
    if (c.conflict) ctx.out.line(ctx.out.paint(`conflict: ${c.conflict}`, 'yellow'));
    if (c.changed) ctx.out.line(paintPatch(ctx.out, patch));
  }
  const differing = results.filter((r) => r.changed || r.conflict);
  ctx.out.line(differing.length === 0 ? 'no differences' : `${differing.length} of ${results.length} prompt files differ from the server`);
  ctx.out.result({ differ: differing.length > 0, prompts: results });
  return differing.length > 0 ? 1 : 0;
}

/** The text diff, then a line for variables when their declaration changed. */
export function patchOf(c: Comparison): string {
  const { file, path } = c.local;
  const from = c.base ? `${file.key} v${c.base.version} (server)` : `${file.key} (not on the server)`;
  let patch = createTwoFilesPatch(from, path, c.base?.text ?? '', file.text, '', '', { context: 3 });
  if (c.base && !sameVariables(c.base.variables, file.variables)) {
    patch += `variables: ${JSON.stringify(c.base.variables)} → ${JSON.stringify(file.variables)}\n`;
  }
  return patch;
}

export function paintPatch(out: Output, patch: string): string {
  return patch
    .split('\n')
    .map((line) =>
      line.startsWith('+') && !line.startsWith('+++')
        ? out.paint(line, 'green')
        : line.startsWith('-') && !line.startsWith('---')
          ? out.paint(line, 'red')
          : line.startsWith('@@')
            ? out.paint(line, 'cyan')
            : line,
    )
    .join('\n');
}
