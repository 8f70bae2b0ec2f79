import type { LabelList } from '../../protocol/labels.js';
import type { PromptList } from '../../protocol/prompts.js';
import { writePromptFile } from '../prompt-dir.js';
import { keyPath } from '../server-api.js';
import type { CommandContext } from './context.js';

/** `pull [dir] [--label L]`: one `KEY.md` per key the label points at, text byte for byte. */
export async function pull(ctx: CommandContext, dir: string, label: string): Promise<number> {
  const list = await ctx.api.json<PromptList>('GET', `/api/prompts?label=${encodeURIComponent(label)}`);
  const written: { key: string; version: number; path: string }[] = [];
  for (const prompt of list.prompts) {
    const { labels } = await ctx.api.json<LabelList>('GET', `${keyPath(prompt.key)}/labels`);
    const at = labels.filter((l) => l.version === prompt.version).map((l) => l.label);
    const path = await writePromptFile(dir, {
      key: prompt.key,
      version: prompt.version,
      label,
      labels: at,
      variables: prompt.variables,
      text: prompt.text,
    });
    written.push({ key: prompt.key, version: prompt.version, path });
    ctx.out.line(`pulled ${prompt.key} v${prompt.version} (${at.join(', ')}) → ${path}`);
  }
  ctx.out.line(`${written.length} prompt${written.length === 1 ? '' : 's'} of ${label} at revision ${list.revision} in ${dir}`);
  ctx.out.result({ label, revision: list.revision, prompts: written });
  return 0;
}
