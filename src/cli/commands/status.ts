import type { AgentList, AgentView } from '../../protocol/fleet.js';
import type { LabelList } from '../../protocol/labels.js';
import type { PromptList } from '../../protocol/prompts.js';
import { keyPath } from '../server-api.js';
import type { CommandContext } from './context.js';

/** Agents read per page; the fleet list is paged by the server anyway. */
const AGENT_PAGE = 200;
/** Most agents `status` lists; the counts cover every one. */
const AGENTS_SHOWN = 1000;

/** `status [--label L…]`: where every label of every key points, active rollouts, and the fleet. */
export async function status(ctx: CommandContext, views: readonly string[]): Promise<number> {
  const keys = new Set<string>();
  const rollouts: { key: string; label: string; rollout: unknown }[] = [];
  for (const label of views) {
    const list = await ctx.api.json<PromptList>('GET', `/api/prompts?label=${encodeURIComponent(label)}`);
    for (const p of list.prompts) {
      keys.add(p.key);
      if (p.rollout) rollouts.push({ key: p.key, label, rollout: p.rollout });
    }
  }
  const prompts: LabelList[] = [];
  for (const key of [...keys].sort()) prompts.push(await ctx.api.json<LabelList>('GET', `${keyPath(key)}/labels`));
  const fleet = await agents(ctx);
  ctx.out.line(ctx.out.paint('labels', 'bold'));
  for (const p of prompts) ctx.out.line(`  ${p.key}: ${p.labels.map((l) => `${l.label} → v${l.version}`).join(', ')}`);
  ctx.out.line(ctx.out.paint('rollouts', 'bold'));
  ctx.out.line(rollouts.length === 0 ? '  none active' : rollouts.map((r) => `  ${r.key} (${r.label}): ${JSON.stringify(r.rollout)}`).join('\n'));
  ctx.out.line(ctx.out.paint(`fleet: ${fleet.total} agents, ${fleet.behind} behind (server revision ${fleet.revision})`, 'bold'));
  for (const a of fleet.agents)
    ctx.out.line(
      `  ${a.agentId} ${a.label} r${a.revision ?? '-'} ${a.mode} ${a.sessions} calls${a.behind ? ctx.out.paint(' behind', 'yellow') : ''}`,
    );
  ctx.out.result({ prompts, rollouts, fleet });
  return 0;
}

async function agents(ctx: CommandContext): Promise<{ revision: number; total: number; behind: number; agents: AgentView[] }> {
  let page = await ctx.api.json<AgentList>('GET', `/api/agents?limit=${AGENT_PAGE}`);
  const all = [...page.agents];
  while (page.next !== null && all.length < AGENTS_SHOWN) {
    page = await ctx.api.json<AgentList>('GET', `/api/agents?limit=${AGENT_PAGE}&cursor=${encodeURIComponent(page.next)}`);
    all.push(...page.agents);
  }
  return { revision: page.revision, total: page.total, behind: page.behind, agents: all };
}
